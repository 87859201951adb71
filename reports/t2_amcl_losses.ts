/**
 * T2 — the AMCL loss of every method (paper Eqs. 2.1–2.4), from the registry's metadata,
 * with the regulariser terms listed in their own column (highlighted in HTML). The LaTeX is
 * kept verbatim in CSV and Markdown and rendered as MathML on the HTML page.
 *
 * @module
 */

import { escapeHtml } from "./escape.ts";
import { type MethodMeta, regulariserTerms } from "./method_meta.ts";
import { formulaCellHtml } from "./t1_losses.ts";
import { cellHtml, type CellValue, type Table } from "./table.ts";

/** Builds T2 from the registry's method metadata (a table with a note when none is given). */
export function buildT2(methods: readonly MethodMeta[]): Table {
  return {
    kind: "table",
    id: "T2",
    title: "AMCL loss per method, regulariser highlighted",
    caption:
      "From the method registry: each method's AMCL loss; the regulariser terms (β·Ω) are highlighted.",
    columns: [
      { key: "method", label: "method" },
      { key: "loss", label: "loss" },
      { key: "equation", label: "equation" },
      { key: "regulariser", label: "regulariser" },
      { key: "latex", label: "formula (LaTeX)", code: true },
      { key: "text", label: "defined in" },
    ],
    rows: methods.map((m) => ({
      method: m.label ?? m.name,
      loss: m.amcl.name,
      equation: m.amcl.equation,
      regulariser: regulariserTerms(m.amcl).join("   "),
      latex: m.amcl.latex,
      text: m.amcl.text,
    })),
    notes: methods.length
      ? []
      : ["No method metadata was given to the report (the method registry's listMethods())."],
  };
}

/**
 * HTML for T2's cells: the regulariser terms wrapped in `<mark>` inside the equation and
 * in the regulariser column, the LaTeX rendered as MathML (everything else escaped as usual).
 */
export function t2CellHtml(
  methods: readonly MethodMeta[],
): (key: string, v: CellValue | undefined) => string | null {
  const terms = methods.flatMap((m) => regulariserTerms(m.amcl)).sort((a, b) => b.length - a.length);
  return (key, v) => {
    if (typeof v !== "string") return null;
    if (key === "latex") return formulaCellHtml(key, v);
    if (key === "regulariser") return v ? `<mark>${escapeHtml(v)}</mark>` : cellHtml(v);
    if (key !== "equation") return null;
    let html = escapeHtml(v);
    for (const t of terms) {
      const e = escapeHtml(t);
      if (e && html.includes(e)) html = html.split(e).join(`<mark>${e}</mark>`);
    }
    return html;
  };
}
