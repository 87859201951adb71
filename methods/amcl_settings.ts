/**
 * A cell's AMCL settings as the AMCL losses take them: temperature mode (spec amcl.md §6:
 * fully adaptive, constant, one side adaptive, from head 1), bounds, β, top-κ (0 = the
 * softmax form) and the negative-regulariser form (§8). Temperatures are always returned,
 * for the per-epoch τ statistics and the collapse flag.
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";
import type { TemperatureOptions } from "./losses/temperature.ts";
import type { AmclContrastOptions } from "./losses/amcl_options.ts";

/** The temperature options of a cell. */
export function temperatureOptions(cell: CellConfig): TemperatureOptions {
  const base: TemperatureOptions = { tauMin: cell.tauMin, tauMax: cell.tauMax };
  switch (cell.tauMode) {
    case "adaptive":
      return { ...base, tau: "adaptive" };
    case "constant":
      return { ...base, tau: cell.tau };
    case "adaptive-pos":
      return { ...base, tauPositive: "adaptive", tauNegative: cell.tau };
    case "adaptive-neg":
      return { ...base, tauPositive: cell.tau, tauNegative: "adaptive" };
    case "head1":
      return { ...base, tau: "adaptive", tauFromHead: 1 };
  }
}

/** The options of the AMCL contrastive losses (NT-Xent, MoCo, InfoNCE) for a cell. */
export function contrastOptions(cell: CellConfig): AmclContrastOptions {
  return {
    ...temperatureOptions(cell),
    heads: cell.heads,
    beta: cell.beta,
    form: cell.topk === 0 ? "softmax" : "topk",
    topk: cell.topk === 0 ? undefined : cell.topk,
    negReg: cell.negReg,
    returnTemperatures: true,
  };
}
