/**
 * `deno task report --in OUT [--out DIR]`: re-renders the report of a run from its stored
 * results (OUT/cells/*.json, OUT/manifest.json) without training. A run planned by other code,
 * or a folder also holding records of another configuration, is rendered anyway and said so:
 * one line on stderr and a note on the page.
 *
 * @module
 */

import { runCli } from "../core/errors.ts";
import { parseReportArgs } from "./cli_args.ts";
import { methodCardRows } from "../methods/method_cards.ts";
import { methodMetaFromRegistry } from "./method_meta.ts";
import { renderReport } from "./report.ts";
import { codeVersion } from "../benchmarks/code_version.ts";

const USAGE = "usage: deno task report --in OUT [--out REPORT_DIR] [--font-dir DIR]";

if (import.meta.main) {
  await runCli(async () => {
    const parsed = parseReportArgs(Deno.args, {
      out: { type: "string" },
      "font-dir": { type: "string" },
    }, USAGE);
    if (!parsed) return 0;
    const { values, inDir } = parsed;
    // T1/T2 come from the method cards: the registry's names and formulas, no training code.
    const methods = methodMetaFromRegistry(methodCardRows());
    const s = await renderReport(inDir, {
      methods,
      reportDir: values.out,
      fontDir: values["font-dir"],
      codeVersion: await codeVersion(),
    });
    // Rendered anyway; the reader is told once, on stderr, and in a note on the page.
    if (s.notes.length) console.error(`report: ${inDir}: ${s.notes.join("; ")}`);
    console.log(
      `report: ${s.index} (${s.figures} figures, ${s.tables} tables from ${s.cells} cells; ` +
        `${s.failed} failed, ${s.missing} missing)`,
    );
    return 0;
  });
}
