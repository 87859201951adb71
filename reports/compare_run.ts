/**
 * The compare command's work: load one run (and optionally another), compare the records of
 * each run's own configuration (never those of another one left in the folder), and write
 * the table as Markdown and CSV; returns the terminal text.
 *
 * @module
 */

import { type CompareOptions, compareRuns, compareVariants, comparisonTable } from "./compare.ts";
import { loadRun } from "./load.ts";
import { groupRun } from "./run_groups.ts";
import { tableToCsv, tableToMarkdown, tableToText } from "./table.ts";

/** Options of {@link runCompare}. */
export interface RunCompareOptions extends CompareOptions {
  /** A second run: compare `inDir` (A) against it (B). */
  against?: string;
  /** Where compare.md/.csv go (default `IN/report`). */
  outDir?: string;
}

/** Compares and writes compare.md/compare.csv (or compare_against.*); returns the text and files. */
export async function runCompare(
  inDir: string,
  opts: RunCompareOptions = {},
): Promise<{ text: string; files: string[] }> {
  const a = await loadRun(inDir);
  // Only each run's own configuration: records the manifest does not list are left out (run_groups.ts).
  const mine = groupRun(a);
  const table = opts.against
    ? comparisonTable(compareRuns(mine.main, groupRun(await loadRun(opts.against)).main, opts), {
      a: "A",
      b: "B",
    })
    : comparisonTable(compareVariants(mine.main, opts));
  if (opts.against) {
    table.caption = `A = ${inDir}, B = ${opts.against}. ${table.caption}`;
  }
  const dir = opts.outDir ?? `${inDir.replace(/\/+$/, "")}/report`;
  await Deno.mkdir(dir, { recursive: true });
  const stem = opts.against ? "compare_against" : "compare";
  const files = [`${dir}/${stem}.md`, `${dir}/${stem}.csv`];
  await Deno.writeTextFile(files[0], tableToMarkdown(table));
  await Deno.writeTextFile(files[1], tableToCsv(table));
  const missing = a.missing.length || a.failed.length
    ? `\n${a.missing.length} cell(s) missing and ${a.failed.length} failed in ${inDir}: compared what exists.\n`
    : "";
  const notes = mine.notes.map((n) => `Note: ${n}.\n`).join("");
  return { text: tableToText(table) + missing + (notes ? `\n${notes}` : ""), files };
}
