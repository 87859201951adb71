/**
 * `deno task report --in OUT [--out DIR]`: re-renders the report of a run from its stored
 * results (OUT/cells/*.json, OUT/manifest.json) without training.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runCli, UserError } from "../core/errors.ts";
import { listMethods } from "../methods/registry.ts";
import { methodMetaFromRegistry } from "./method_meta.ts";
import { renderReport } from "./report.ts";

const USAGE = "usage: deno task report --in OUT [--out REPORT_DIR] [--font-dir DIR]";

if (import.meta.main) {
  await runCli(async () => {
    let values;
    try {
      ({ values } = parseArgs({
        args: Deno.args,
        options: {
          in: { type: "string" },
          out: { type: "string" },
          "font-dir": { type: "string" },
          help: { type: "boolean", short: "h" },
        },
      }));
    } catch (e) {
      throw new UserError(`${(e as Error).message}; ${USAGE}`);
    }
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    if (!values.in) throw new UserError(`missing --in OUT (the run's results folder); ${USAGE}`);
    // T1/T2 come from the method registry, the single list of methods (no training code runs).
    const methods = methodMetaFromRegistry(listMethods());
    const s = await renderReport(values.in, { methods, reportDir: values.out, fontDir: values["font-dir"] });
    console.log(
      `report: ${s.index} (${s.figures} figures, ${s.tables} tables from ${s.cells} cells; ` +
        `${s.failed} failed, ${s.missing} missing)`,
    );
    return 0;
  });
}
