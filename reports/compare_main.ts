/**
 * `deno task compare --in OUT [--against OTHER_OUT] [--metric auto|linear|knn] [--alpha A]`:
 * baseline vs AMCL at every grid point of a run (or run OUT against OTHER_OUT), printed as
 * a table and written as compare.md / compare.csv (compare_against.* with --against)
 * under OUT/report/ (or --out).
 *
 * @module
 */

import { runCli, UserError } from "../core/errors.ts";
import { numberOption } from "../core/cli.ts";
import { parseReportArgs } from "./cli_args.ts";
import { runCompare, type RunCompareOptions } from "./compare_run.ts";

const USAGE = "usage: deno task compare --in OUT [--against OTHER_OUT] [--metric auto|linear|knn] " +
  "[--alpha 0.05] [--out DIR]";

if (import.meta.main) {
  await runCli(async () => {
    const parsed = parseReportArgs(Deno.args, {
      against: { type: "string" },
      metric: { type: "string", default: "auto" },
      alpha: { type: "string", default: "0.05" },
      out: { type: "string" },
    }, USAGE);
    if (!parsed) return 0;
    const { values, inDir } = parsed;
    const metrics: Record<string, RunCompareOptions["metric"]> = {
      auto: "auto",
      linear: "linearTop1",
      knn: "knnTop1",
    };
    const metric = metrics[values.metric];
    if (!metric) throw new UserError(`--metric must be auto, linear or knn, not "${values.metric}"`);
    const alpha = numberOption("alpha", values.alpha, { min: 0, max: 1, minOpen: true, maxOpen: true });
    const r = await runCompare(inDir, { against: values.against, metric, alpha, outDir: values.out });
    console.log(r.text);
    console.log(`written: ${r.files.join(", ")}`);
    return 0;
  });
}
