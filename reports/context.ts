/**
 * What every table/figure builder receives: the done records of one preset, the unit
 * factor of its accuracies, whether it runs at paper scale (reference values are then
 * overlaid), and the registry's method metadata.
 *
 * @module
 */

import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "../benchmarks/record.ts";
import type { MethodMeta } from "./method_meta.ts";
import type { Figure } from "./render.ts";
import type { Table } from "./table.ts";
import { varyingFields } from "./grouping.ts";

/** A table or a figure. */
export type Artefact = Table | Figure;

/** Input of a builder. */
export interface BuildContext {
  /** Preset name ("" when records carry none). */
  preset: string;
  /** How artefact ids name the group when not by the preset ("t4, another configuration"). */
  label?: string;
  /** Done records of the preset. */
  records: CellRecord[];
  /** Multiplier from stored accuracy to percent. */
  factor: number;
  /** True when every record is at `paper` scale: the paper's values are drawn. */
  paperScale: boolean;
  /** Method metadata from the registry (T1, T2, F2); may be empty. */
  methods: MethodMeta[];
}

/** True when the preset's name mentions the artefact id as a word ("t4", "f5-cpu", "paper-T9"). */
export function mentions(preset: string, id: string): boolean {
  return new RegExp(`(^|[^a-z0-9])${id.toLowerCase()}([^0-9]|$)`).test(preset.toLowerCase());
}

/** True when any of `fields` varies among the records of one variant (or the preset is named for `id`). */
export function applies(ctx: BuildContext, id: string, fields: ReadonlyArray<keyof CellConfig>): boolean {
  if (mentions(ctx.preset, id)) return true;
  // Within one variant: baseline and AMCL differ in heads/τ mode by design, not as an axis.
  for (const variant of ["baseline", "amcl"]) {
    const vary = varyingFields(ctx.records.filter((r) => r.config.variant === variant).map((r) => r.config));
    if (fields.some((f) => vary.includes(f))) return true;
  }
  return false;
}

/** Id with the preset appended, unique within a report ("T3 · quick"). */
export function artefactId(id: string, ctx: BuildContext): string {
  const name = ctx.label ?? ctx.preset;
  return name ? `${id} · ${name}` : id;
}

/** A file-name stem from an artefact id ("T3 · quick" → "T3__quick"). */
export function slug(id: string): string {
  return id.replace(/\s*·\s*/g, "__").replace(/[^A-Za-z0-9_.-]+/g, "_").replace(/^[._]+/, "") || "artefact";
}
