/**
 * `deno task doctor [--json]`: checks every backend on this machine (see `doctor.ts`).
 * Exit code 0 when wasm or cpu works and every gradient check passes, 1 otherwise.
 *
 * @module
 */
import { runCli } from "./errors.ts";
import { parseCli } from "./cli.ts";
import { formatDoctor, runDoctor } from "./doctor.ts";

const USAGE = "usage: deno task doctor [--json]\nLists every backend, its device, and a gradient self-check.";

if (import.meta.main) {
  await runCli(async () => {
    const parsed = parseCli(Deno.args, { json: { type: "boolean" } }, USAGE);
    if (!parsed) return 0;
    const report = await runDoctor();
    console.log(parsed.values.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
    return report.ok ? 0 : 1;
  });
}
