/**
 * Command-line parsing shared by every `*_main.ts`: `node:util` `parseArgs` in strict mode
 * plus `-h/--help`, with a bad flag turned into one line (a {@link UserError} that ends
 * with the usage) instead of node's stack trace; and the number parsers every CLI uses
 * for its numeric flags ({@link intOption}, {@link numberOption}), so a bad value reads
 * the same everywhere: `--k -5: expected an integer ≥ 1`.
 *
 * A value that starts with '-' (`--k -5`, `--t -.5`) is taken as the flag's value unless
 * it is one of the CLI's own options: parseArgs alone calls it "ambiguous".
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

/** Whether `arg` names one of `options` (`--name`, `--name=…`, `-x` or a group of short flags). */
function isOption(arg: string, options: ParseArgsOptionsConfig): boolean {
  if (arg.startsWith("--")) return Object.hasOwn(options, arg.slice(2).split("=")[0]);
  const shorts = new Set(Object.values(options).map((o) => o.short).filter(Boolean));
  return arg.length >= 2 && shorts.has(arg[1]);
}

/**
 * `args` with every `--flag VALUE` whose VALUE starts with '-' joined as `--flag=VALUE`,
 * so a negative or malformed number reaches the flag's own check; a VALUE that is one of
 * the CLI's options means the value is missing (a {@link UserError}, given the usage by
 * {@link parseCli}). Stops at `--`.
 */
function joinDashValues(args: readonly string[], options: ParseArgsOptionsConfig): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      out.push(...args.slice(i));
      break;
    }
    const next = args[i + 1];
    const name = a.startsWith("--")
      ? a.slice(2)
      : a.length === 2 && a[0] === "-"
      ? Object.keys(options).find((k) => options[k].short === a[1])
      : undefined;
    const takesValue = name !== undefined && !name.includes("=") && options[name]?.type === "string";
    if (takesValue && next !== undefined && next.startsWith("-") && next.length > 1 && next !== "--") {
      if (isOption(next, options)) {
        throw new UserError(`${a} needs a value (${next} is an option)`);
      }
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/** Whether `text` is a plain decimal integer ("-5", "12"; not "1e3", "0x10", " 3"). */
function isIntegerText(text: string): boolean {
  return /^[+-]?\d+$/.test(text) && Number.isSafeInteger(Number(text));
}

/** Whether `text` is a plain decimal number ("-0.5", ".1", "1e-4"; not "", "0x10", "Infinity"). */
function isNumberText(text: string): boolean {
  return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) && Number.isFinite(Number(text));
}

/**
 * The integer value of `--flag TEXT`, at least `min` (and at most `max` when given);
 * undefined when the flag was not given. Anything else is the {@link UserError}
 * `--flag TEXT: expected an integer ≥ min` (or `in min..max`).
 */
export function intOption(flag: string, text: string, min?: number, max?: number): number;
export function intOption(
  flag: string,
  text: string | undefined,
  min?: number,
  max?: number,
): number | undefined;
export function intOption(flag: string, text: string | undefined, min = 1, max?: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!isIntegerText(text) || n < min || (max !== undefined && n > max)) {
    const range = max === undefined ? `≥ ${min}` : `in ${min}..${max}`;
    throw new UserError(`--${flag} ${text}: expected an integer ${range}`);
  }
  return n;
}

/** The range {@link numberOption} accepts: bounds, each inclusive unless marked open. */
export interface NumberRange {
  /** Smallest value (inclusive unless `minOpen`). */
  min?: number;
  /** Largest value (inclusive unless `maxOpen`). */
  max?: number;
  /** The value must be above `min`, not equal to it. */
  minOpen?: boolean;
  /** The value must be below `max`, not equal to it. */
  maxOpen?: boolean;
}

/** "> 0", "≥ 0", "in (0, 1)", "≤ 1": the words for a range. */
function rangeWords(r: NumberRange): string {
  if (r.min !== undefined && r.max !== undefined) {
    return `in ${r.minOpen ? "(" : "["}${r.min}, ${r.max}${r.maxOpen ? ")" : "]"}`;
  }
  if (r.min !== undefined) return `${r.minOpen ? ">" : "≥"} ${r.min}`;
  if (r.max !== undefined) return `${r.maxOpen ? "<" : "≤"} ${r.max}`;
  return "";
}

/**
 * The number value of `--flag TEXT` within `range`; undefined when the flag was not
 * given. Anything else is the {@link UserError} `--flag TEXT: expected a number > 0`
 * (the words follow the range).
 */
export function numberOption(flag: string, text: string, range?: NumberRange): number;
export function numberOption(flag: string, text: string | undefined, range?: NumberRange): number | undefined;
export function numberOption(
  flag: string,
  text: string | undefined,
  range: NumberRange = {},
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  const ok = isNumberText(text) &&
    (range.min === undefined || (range.minOpen ? n > range.min : n >= range.min)) &&
    (range.max === undefined || (range.maxOpen ? n < range.max : n <= range.max));
  if (!ok) throw new UserError(`--${flag} ${text}: expected a number ${rangeWords(range)}`.trimEnd());
  return n;
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
  const all: ParseArgsOptionsConfig = { ...options, ...HELP_OPTION };
  try {
    parsed = parseArgs({
      args: joinDashValues(args, all),
      options: all,
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
