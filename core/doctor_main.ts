/**
 * `deno task doctor [--json]`: checks every backend on this machine (see `doctor.ts`).
 * Exit code 0 when wasm or cpu works and every gradient check passes, 1 otherwise.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { runCli, UserError } from "./errors.ts";
import { formatDoctor, runDoctor } from "./doctor.ts";

if (import.meta.main) {
  await runCli(async () => {
    let values: { json?: boolean; help?: boolean };
    try {
      ({ values } = parseArgs({
        args: Deno.args,
        options: { json: { type: "boolean" }, help: { type: "boolean", short: "h" } },
      }));
    } catch (e) {
      throw new UserError(`${(e as Error).message}; usage: deno task doctor [--json]`);
    }
    if (values.help) {
      console.log(
        "usage: deno task doctor [--json]\nLists every backend, its device, and a gradient self-check.",
      );
      return 0;
    }
    const report = await runDoctor();
    console.log(values.json ? JSON.stringify(report, null, 2) : formatDoctor(report));
    return report.ok ? 0 : 1;
  });
}
