/**
 * `deno task report --in OUT [--out DIR]`: re-renders the report of a run from its stored
 * results (OUT/cells/*.json, OUT/manifest.json) without training.
 *
 * @module
 */

import { runCli } from "../core/errors.ts";
import { parseReportArgs } from "./cli_args.ts";
import { methodCardRows } from "../methods/method_cards.ts";
import { methodMetaFromRegistry } from "./method_meta.ts";
import { renderReport } from "./report.ts";

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
    const s = await renderReport(inDir, { methods, reportDir: values.out, fontDir: values["font-dir"] });
    console.log(
      `report: ${s.index} (${s.figures} figures, ${s.tables} tables from ${s.cells} cells; ` +
        `${s.failed} failed, ${s.missing} missing)`,
    );
    return 0;
  });
}
