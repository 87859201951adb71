/**
 * Options shared by the AMCL contrastive losses (NT-Xent, InfoNCE, MoCo) and their
 * validation.
 *
 * @module
 */
import { check } from "../../core/errors.ts";
import type { ContrastForm, ContrastSettings, NegReg } from "./amcl_contrast.ts";
import { resolveTemperature, type TemperatureOptions, type TemperatureSettings } from "./temperature.ts";
import type { TemperatureRequest } from "./output.ts";
import { checkHeads, checkNumber, checkTopk } from "./validate.ts";

/** Options of the AMCL contrastive losses. */
export interface AmclContrastOptions extends TemperatureOptions, TemperatureRequest {
  /** Number of heads C of the inputs (1 = single-head adaptive variant). */
  heads: number;
  /** Regulariser weight β (paper scale: 1e-4). */
  beta: number;
  /** κ of the top-κ form (paper scale: 100; κ = 1 is the max form). Required for form "topk". */
  topk?: number;
  /** "topk" (default, paper Eq. 5) or "softmax" (our reading). */
  form?: ContrastForm;
  /** Negative regulariser: "code" (default, the reference's) or "paper" (spec §8). */
  negReg?: NegReg;
}

/** Validates the options of an AMCL contrastive loss. */
export function resolveContrast(
  loss: string,
  opts: AmclContrastOptions,
  dim: number,
): { contrast: ContrastSettings; temp: TemperatureSettings } {
  checkHeads(loss, opts.heads);
  checkNumber(loss, "beta", opts.beta, 0, false);
  const form = opts.form ?? "topk";
  check(
    form === "topk" || form === "softmax",
    `${loss}: form = ${JSON.stringify(form)}; expected "topk" or "softmax"`,
  );
  const negReg = opts.negReg ?? "code";
  check(
    negReg === "code" || negReg === "paper",
    `${loss}: negReg = ${JSON.stringify(negReg)}; expected "code" or "paper"`,
  );
  const topk = form === "topk" ? checkTopk(loss, opts.topk) : (opts.topk ?? 1);
  if (form === "softmax" && opts.topk !== undefined) checkTopk(loss, opts.topk);
  return {
    contrast: { beta: opts.beta, dim, topk, form, negReg },
    temp: resolveTemperature(loss, opts),
  };
}
