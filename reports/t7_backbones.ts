/**
 * T7 — backbones: baseline vs AMCL per backbone and width. Built for presets that vary
 * the backbone or its width (or are named "t7").
 *
 * @module
 */

import { applies, type BuildContext } from "./context.ts";
import { pairedTable } from "./paired_table.ts";
import type { Table } from "./table.ts";

/** Builds T7, or null when the preset uses one backbone. */
export function buildT7(ctx: BuildContext): Table | null {
  if (!applies(ctx, "T7", ["backbone", "width"])) return null;
  return pairedTable(ctx, {
    id: "T7",
    title: "Backbones: baseline vs AMCL per backbone and width",
    axes: ["backbone", "width"],
  });
}
