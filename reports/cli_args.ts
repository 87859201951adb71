/**
 * Argument parsing shared by the reports CLIs (`report_main.ts`, `compare_main.ts`): each
 * takes `--in OUT` (the run's results folder) and `-h/--help` besides its own options.
 * Built on `core/cli.ts`, which every CLI uses.
 *
 * @module
 */

import type { ParseArgsOptionsConfig } from "node:util";
import { type CliValues, parseCli } from "../core/cli.ts";
import { UserError } from "../core/errors.ts";

/** The option every reports CLI takes besides `-h/--help`. */
const COMMON = {
  in: { type: "string" },
} as const;

/** The parsed values of a reports CLI with its own `options`. */
export type ReportArgValues<O extends ParseArgsOptionsConfig> = CliValues<O & typeof COMMON>;

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
  const parsed = parseCli(args, { ...options, ...COMMON }, usage);
  if (!parsed) return null;
  const values = parsed.values as ReportArgValues<O>;
  const inDir = (values as { in?: string }).in;
  if (!inDir) throw new UserError(`missing --in OUT (the run's results folder); ${usage}`);
  return { values, inDir };
}
