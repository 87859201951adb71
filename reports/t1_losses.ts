/**
 * T1 — the baseline loss of every method, from the registry's metadata (each loss carries
 * its formula): name, plain-text equation, LaTeX and a sentence. The LaTeX is kept verbatim
 * in CSV and Markdown and rendered as MathML on the HTML page.
 *
 * @module
 */

import { latexToMathml } from "./math.ts";
import type { MethodMeta } from "./method_meta.ts";
import type { CellValue, Table } from "./table.ts";

/** Builds T1 from the registry's method metadata (a table with a note when none is given). */
export function buildT1(methods: readonly MethodMeta[]): Table {
  return {
    kind: "table",
    id: "T1",
    title: "Baseline loss functions per method",
    caption: "From the method registry: each method's baseline loss as its loss file describes it.",
    columns: [
      { key: "method", label: "method" },
      { key: "loss", label: "loss" },
      { key: "equation", label: "equation" },
      { key: "latex", label: "formula (LaTeX)", code: true },
      { key: "text", label: "defined in" },
    ],
    rows: methods.map((m) => ({
      method: m.label ?? m.name,
      loss: m.baseline.name,
      equation: m.baseline.equation,
      latex: m.baseline.latex,
      text: m.baseline.text,
    })),
    notes: methods.length
      ? []
      : ["No method metadata was given to the report (the method registry's listMethods())."],
  };
}

/**
 * HTML for a cell of T1 or T2's `latex` column: the formula as MathML, its source kept as
 * the MathML annotation; `null` (the table's default `<code>` source) for other columns
 * and for LaTeX that does not parse.
 */
export function formulaCellHtml(key: string, v: CellValue | undefined): string | null {
  if (key !== "latex" || typeof v !== "string" || v === "") return null;
  return latexToMathml(v);
}
