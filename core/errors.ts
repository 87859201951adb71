/**
 * The error type for user mistakes, and the CLI wrapper that turns it into one line.
 *
 * A `UserError` is a problem the user can fix (bad flag, missing file, wrong shape in a
 * preset). CLIs print its message as one line on stderr and exit non-zero, with no stack
 * trace. Any other error is a bug and keeps its stack trace.
 *
 * @module
 */

/** A mistake the user can fix: the message names the problem and the fix. */
export class UserError extends Error {
  /** Exit code the CLI uses for this error (2 = usage/input error). */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = "UserError";
    this.exitCode = exitCode;
  }
}

/** Throws a `UserError` with `message` unless `condition` holds. */
export function check(condition: unknown, message: string | (() => string)): asserts condition {
  if (!condition) throw new UserError(typeof message === "string" ? message : message());
}

/**
 * Turns Deno's permission failures into a `UserError` that names the missing flag.
 * Returns `err` unchanged when it is not a permission problem.
 */
export function explainPermission(err: unknown): unknown {
  const e = err as { name?: string; message?: string };
  if (e && (e.name === "NotCapable" || e.name === "PermissionDenied")) {
    const m = /Requires (\w+) access to "?([^",]+)"?/.exec(e.message ?? "");
    const what = m ? `${m[1]} access to ${m[2]}` : (e.message ?? "a permission");
    const flag = m ? `--allow-${m[1]}${m[2] ? "=" + m[2] : ""}` : "the matching --allow-* flag";
    return new UserError(
      `missing permission: ${what}; run deno with ${flag} (or pick a path inside the allowed folders)`,
    );
  }
  return err;
}

/**
 * Turns a `node:util` `parseArgs` failure (an error whose `code` starts with
 * `ERR_PARSE_ARGS_`: unknown option, missing value, unexpected positional) into a
 * `UserError` with node's message on one line, less node's hint about positionals that
 * start with '-'. Returns `err` unchanged when it is not a parse failure.
 */
export function explainParseArgs(err: unknown): unknown {
  const e = err as { code?: unknown; message?: unknown };
  if (e && typeof e.code === "string" && e.code.startsWith("ERR_PARSE_ARGS_")) {
    const text = typeof e.message === "string" && e.message ? e.message : e.code;
    const message = text.replace(/\. To specify a positional argument[\s\S]*$/, "").split("\n")[0].trim();
    return new UserError(message);
  }
  return err;
}

/**
 * Runs a CLI entry point: user mistakes (a `UserError`, a missing permission, a
 * `parseArgs` failure) become one line on stderr and exit code 2; bugs print their stack
 * and exit 1.
 */
export async function runCli(main: () => Promise<number | void> | number | void): Promise<never> {
  let code = 0;
  try {
    code = (await main()) ?? 0;
  } catch (raw) {
    const err = explainParseArgs(explainPermission(raw));
    if (err instanceof UserError) {
      console.error(`error: ${err.message}`);
      code = err.exitCode;
    } else {
      console.error(err);
      code = 1;
    }
  }
  Deno.exit(code);
}
