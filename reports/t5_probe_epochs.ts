/**
 * T5 — linear-probe epochs: does the gap stay when the probe trains longer? Built for
 * presets that vary `probeEpochs` (or are named "t5").
 *
 * @module
 */

import { applies, type BuildContext } from "./context.ts";
import { pairedTable } from "./paired_table.ts";
import type { Table } from "./table.ts";

/** Builds T5, or null when the preset does not vary the probe epochs. */
export function buildT5(ctx: BuildContext): Table | null {
  if (!applies(ctx, "T5", ["probeEpochs"])) return null;
  return pairedTable(ctx, {
    id: "T5",
    title: "Linear-probe epochs: baseline vs AMCL as the probe trains longer",
    axes: ["probeEpochs"],
    metrics: ["linearTop1"],
  });
}
