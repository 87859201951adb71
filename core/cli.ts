/**
 * Command-line parsing shared by every `*_main.ts`: `node:util` `parseArgs` in strict mode
 * plus `-h/--help`, with a bad flag turned into one line (a {@link UserError} that ends
 * with the usage) instead of node's stack trace.
 *
 * @module
 */
import { parseArgs, type ParseArgsOptionsConfig } from "node:util";
import { explainParseArgs, UserError } from "./errors.ts";

/** The `-h/--help` flag {@link parseCli} adds to every CLI. */
export const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** The parsed values of a CLI with `options` (plus `help`). */
export type CliValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O & typeof HELP_OPTION; strict: true }>
>["values"];

/** What {@link parseCli} returns when the run is not `--help`. */
export interface CliArgs<O extends ParseArgsOptionsConfig> {
  /** The option values, typed from `options`. */
  values: CliValues<O>;
  /** The positional arguments (always empty unless `positionals` was allowed). */
  positionals: string[];
}

/** Per-CLI choices for {@link parseCli}. */
export interface ParseCliOptions {
  /** Whether the CLI takes positional arguments (default false: one is an error). */
  positionals?: boolean;
}

/**
 * The usage as it goes into a one-line error: its first line, and a pointer to `--help`
 * when there is more.
 */
function usageLine(usage: string): string {
  const lines = usage.trim().split("\n");
  return lines.length > 1 ? `${lines[0].trimEnd()} … (see --help)` : lines[0];
}

/**
 * Parses `args` against `options` plus `-h/--help` (strict: unknown options are errors).
 * A parse error is a {@link UserError} `"<problem>; <usage>"` on one line (a multi-line
 * usage contributes its first line); `--help` prints `usage` to stdout and returns null, so
 * the CLI should then exit 0. Otherwise returns the values and positionals.
 */
export function parseCli<const O extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: O,
  usage: string,
  opts: ParseCliOptions = {},
): CliArgs<O> | null {
  let parsed: { values: unknown; positionals: string[] };
  try {
    parsed = parseArgs({
      args: [...args],
      options: { ...options, ...HELP_OPTION },
      strict: true,
      allowPositionals: opts.positionals ?? false,
    });
  } catch (e) {
    const err = explainParseArgs(e);
    if (err instanceof UserError) throw new UserError(`${err.message}; ${usageLine(usage)}`);
    throw e;
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return null;
  }
  return { values: parsed.values as CliValues<O>, positionals: parsed.positionals };
}
