/**
 * The deno command lines that emitted cluster jobs run: derived from the `bench` and
 * `merge` tasks of deno.json (read when this module loads), so a shard gets exactly the
 * permissions `deno task bench` has — no second copy to keep in step — plus write access
 * to the sweep folder, which on a cluster usually lies outside the repository.
 *
 * @module
 */
import denoConfig from "../deno.json" with { type: "json" };

/** The deno.json tasks a cluster job runs. */
export type JobTask = "bench" | "merge";

/** A task's `deno run` flags and entry file. */
export interface TaskLine {
  /** Flags between `run` and the entry file, in deno.json's order. */
  flags: string[];
  /** The entry file, relative to the repository root. */
  script: string;
}

/** Parses a deno.json task of the form `deno run FLAGS... ENTRY.ts` (no quoting, no extra args). */
export function parseTaskLine(name: string, line: string): TaskLine {
  const words = line.trim().split(/\s+/);
  const script = words.at(-1) ?? "";
  const flags = words.slice(2, -1);
  if (
    words[0] !== "deno" || words[1] !== "run" || !script.endsWith(".ts") || /["'\\$]/.test(line) ||
    !flags.every((f) => f.startsWith("--"))
  ) {
    throw new Error(
      `deno.json task ${name} is not "deno run --FLAGS... ENTRY.ts" (${line}); ` +
        `benchmarks/emit_command.ts derives cluster commands from it`,
    );
  }
  return { flags, script };
}

/** The `deno run` flags and entry file of deno.json's task `name`. */
export function taskLine(name: JobTask): TaskLine {
  const tasks = denoConfig.tasks as Record<string, string | undefined>;
  const line = tasks[name];
  if (line === undefined) throw new Error(`deno.json has no task ${name}`);
  return parseTaskLine(name, line);
}

/**
 * `flags` with write access to `out` added: appended to a scoped `--allow-write=…`, left
 * alone under a bare `--allow-write` (everything), added as `--allow-write=OUT` otherwise.
 */
export function withWriteAccess(flags: string[], out: string): string[] {
  if (flags.includes("--allow-write") || flags.includes("-A") || flags.includes("--allow-all")) return flags;
  const i = flags.findIndex((f) => f.startsWith("--allow-write="));
  if (i < 0) return [...flags, `--allow-write=${out}`];
  const paths = flags[i].slice("--allow-write=".length).split(",");
  return paths.includes(out) ? flags : flags.with(i, `--allow-write=${[...paths, out].join(",")}`);
}

/** Quotes a word for POSIX sh. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'"'"'`)}'`;
}

/**
 * The shell words that run task `name` with `deno`, write access to `out` added, then
 * `args` (already quoted for sh: callers may pass `"$SHARD/4"` to expand in the job).
 */
export function taskCommand(name: JobTask, deno: string, out: string, args: string[]): string {
  const { flags, script } = taskLine(name);
  return [deno, "run", ...withWriteAccess(flags, out).map(shQuote), script, ...args].join(" ");
}
