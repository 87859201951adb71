/**
 * `deno task merge OUT... [--out DEST]`: joins shard folders of one sweep into DEST (the
 * first folder by default), rewrites results.csv, and lists missing and failed cells
 * (exit code 1 when the sweep is incomplete).
 *
 * @module
 */
import { runCli } from "../core/errors.ts";
import { parseCli } from "../core/cli.ts";
import { mergeSweeps } from "./merge.ts";

const USAGE = "usage: deno task merge OUT... [--out DEST] [--quiet]";

if (import.meta.main) {
  await runCli(async () => {
    const parsed = parseCli(
      Deno.args,
      {
        out: { type: "string" },
        quiet: { type: "boolean", default: false },
      },
      USAGE,
      { positionals: true },
    );
    if (!parsed) return 0;
    const { values, positionals } = parsed;
    const s = await mergeSweeps(positionals, values.out);
    const say = values.quiet ? () => {} : (l: string) => console.log(l);
    say(
      `merged ${s.manifest.preset} (${s.manifest.scale}) into ${s.dest}: ${s.done}/${s.total} done, ` +
        `${s.failed.length} failed, ${s.missing.length} missing` +
        (s.shards.length ? `; finished shards: ${s.shards.join(", ")}` : ""),
    );
    for (const f of s.failed) console.error(`failed ${f.id}: ${f.error.split("\n")[0]}`);
    if (s.missing.length) {
      console.error(`missing cells: ${s.missing.join(", ")} (rerun their shard, then merge again)`);
    }
    say(`results: ${s.dest}/results.csv`);
    return s.failed.length || s.missing.length ? 1 : 0;
  });
}
