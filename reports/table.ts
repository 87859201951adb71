/**
 * The table type every table builder returns, and its writers: CSV (papaparse),
 * Markdown, HTML and plain terminal text. Strings from data are escaped by each writer.
 *
 * @module
 */

import Papa from "papaparse";
import { COLLAPSE_MARK } from "./collapse.ts";
import { escapeHtml, escapeMarkdown, escapeMarkdownCell, markdownCodeCell } from "./escape.ts";

/** A table cell: raw value (numbers are written in full in CSV, rounded for display). */
export type CellValue = string | number | boolean | null;

/** One column of a table. */
export interface Column {
  key: string;
  label: string;
  /** Only in the CSV (e.g. the raw mean and std behind a "mean ± std" text column). */
  csvOnly?: boolean;
  /** Only in Markdown/HTML/text (e.g. the "mean ± std" text column). */
  displayOnly?: boolean;
  /** Verbatim source (LaTeX): a code span in Markdown, `<code>` in HTML. */
  code?: boolean;
}

/** A table of the report. */
export interface Table {
  kind: "table";
  /** Artefact id, e.g. "T3" (a preset suffix makes it unique in a report: "T3 · quick"). */
  id: string;
  title: string;
  /** One sentence on what the table shows (metric, seeds, test). */
  caption: string;
  columns: Column[];
  rows: Array<Record<string, CellValue>>;
  /** Notes shown under the table (missing data, marks, reference values). */
  notes: string[];
}

/** Display text of a cell value. */
export function displayValue(v: CellValue | undefined): string {
  if (v === null || v === undefined) return "—";
  if (typeof v === "boolean") return v ? "yes" : "no";
  if (typeof v === "number") {
    if (Number.isNaN(v)) return "—";
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
  }
  return v;
}

function displayColumns(t: Table): Column[] {
  return t.columns.filter((c) => !c.csvOnly);
}

/** The table as CSV (every non-display-only column, raw values). */
export function tableToCsv(t: Table): string {
  const cols = t.columns.filter((c) => !c.displayOnly);
  const data = t.rows.map((r) =>
    cols.map((c) => {
      const v = r[c.key];
      return v === null || v === undefined || (typeof v === "number" && Number.isNaN(v)) ? "" : v;
    })
  );
  return Papa.unparse({ fields: cols.map((c) => c.key), data }, { newline: "\n" }) + "\n";
}

/** The table as a GitHub-flavoured Markdown section (title, caption, table, notes). */
export function tableToMarkdown(t: Table): string {
  const cols = displayColumns(t);
  const lines = [`### ${escapeMarkdown(`${t.id}. ${t.title}`)}`, "", escapeMarkdown(t.caption), ""];
  const cell = (c: Column, v: CellValue | undefined) => {
    const text = displayValue(v);
    return c.code && typeof v === "string" && v !== "" ? markdownCodeCell(text) : escapeMarkdownCell(text);
  };
  lines.push(`| ${cols.map((c) => escapeMarkdownCell(c.label)).join(" | ")} |`);
  lines.push(`| ${cols.map(() => "---").join(" | ")} |`);
  for (const r of t.rows) lines.push(`| ${cols.map((c) => cell(c, r[c.key])).join(" | ")} |`);
  if (t.rows.length === 0) lines.push(`| ${cols.map((_, i) => (i === 0 ? "(no rows)" : "")).join(" | ")} |`);
  if (t.notes.length) lines.push("", ...t.notes.map((n) => `- ${escapeMarkdown(n)}`));
  return lines.join("\n") + "\n";
}

/** Escaped cell text with the collapse mark wrapped in `<span class="collapsed">`. */
export function cellHtml(v: CellValue | undefined): string {
  const text = escapeHtml(displayValue(v));
  return text.split(COLLAPSE_MARK).join(`<span class="collapsed">${COLLAPSE_MARK}</span>`);
}

/** The table as an HTML `<table>` with caption and notes (escaped). */
export function tableToHtml(
  t: Table,
  extraCell?: (key: string, v: CellValue | undefined) => string | null,
): string {
  const cols = displayColumns(t);
  const head = cols.map((c) => `<th scope="col">${escapeHtml(c.label)}</th>`).join("");
  const body = t.rows.map((r) =>
    `<tr>${
      cols.map((c) => {
        const v = r[c.key];
        const custom = extraCell?.(c.key, v) ??
          (c.code && typeof v === "string" && v !== "" ? `<code>${escapeHtml(v)}</code>` : null);
        const cls = typeof v === "number" ? ' class="num"' : "";
        return `<td${cls}>${custom ?? cellHtml(v)}</td>`;
      }).join("")
    }</tr>`
  ).join("\n");
  const empty = t.rows.length === 0 ? `<tr><td colspan="${cols.length}">(no rows)</td></tr>` : "";
  const notes = t.notes.length
    ? `<ul class="notes">${t.notes.map((n) => `<li>${cellHtml(n)}</li>`).join("")}</ul>`
    : "";
  return `<table class="data"><caption>${
    escapeHtml(t.caption)
  }</caption>\n<thead><tr>${head}</tr></thead>\n` +
    `<tbody>${body}${empty}</tbody></table>${notes}`;
}

/** The table as aligned plain text for a terminal. */
export function tableToText(t: Table): string {
  const cols = displayColumns(t);
  const cells = t.rows.map((r) => cols.map((c) => displayValue(r[c.key])));
  const widths = cols.map((c, i) => Math.max(c.label.length, ...cells.map((row) => row[i].length)));
  const line = (xs: string[]) => xs.map((x, i) => x.padEnd(widths[i])).join("  ").trimEnd();
  const out = [`${t.id}. ${t.title}`, t.caption, "", line(cols.map((c) => c.label))];
  out.push(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of cells) out.push(line(row));
  if (t.notes.length) out.push("", ...t.notes.map((n) => `* ${n}`));
  return out.join("\n") + "\n";
}
