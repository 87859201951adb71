/**
 * Argument parsing shared by the reports CLIs (`report_main.ts`, `compare_main.ts`): each
 * takes `--in OUT` (the run's results folder) and `-h/--help` besides its own options.
 *
 * @module
 */

import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { UserError } from "../core/errors.ts";

/** The options every reports CLI takes. */
const COMMON = {
  in: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

/** The parsed values of a reports CLI with its own `options`. */
export type ReportArgValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof COMMON }>
>["values"];

/**
 * Parses `args` against `options` plus `--in` and `--help`. A parse error or a missing
 * `--in` is a {@link UserError} that ends with `usage`; `--help` prints `usage` and returns
 * null (the CLI then exits 0). Otherwise returns the parsed values and the `--in` folder.
 */
export function parseReportArgs<const O extends ParseArgsOptionsConfig>(
  args: string[],
  options: O,
  usage: string,
): { values: ReportArgValues<O>; inDir: string } | null {
  let values: ReportArgValues<O>;
  try {
    ({ values } = parseArgs({ args, options: { ...options, ...COMMON } }));
  } catch (e) {
    throw new UserError(`${(e as Error).message}; ${usage}`);
  }
  const common = values as { in?: string; help?: boolean };
  if (common.help) {
    console.log(usage);
    return null;
  }
  if (!common.in) throw new UserError(`missing --in OUT (the run's results folder); ${usage}`);
  return { values, inDir: common.in };
}
