import assert from "node:assert/strict";
import { parseArgs } from "node:util";
import { parseCli } from "../../core/cli.ts";
import { explainParseArgs, UserError } from "../../core/errors.ts";

const USAGE = "usage: demo [--n N] [--flag] FILE";
const OPTIONS = { n: { type: "string", default: "3" }, flag: { type: "boolean" } } as const;
const ROOT = new URL("../../", import.meta.url).pathname;

/** Runs `fn` with console.log captured; returns its result and what it printed. */
function captureLog<T>(fn: () => T): { result: T; printed: string[] } {
  const printed: string[] = [];
  const log = console.log;
  console.log = (...a: unknown[]) => printed.push(a.join(" "));
  try {
    return { result: fn(), printed };
  } finally {
    console.log = log;
  }
}

/** The UserError `fn` throws (fails when it throws nothing or something else). */
function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    return e;
  }
  assert.fail("expected a UserError, nothing was thrown");
}

Deno.test("parseCli: an unknown option is a one-line UserError naming it, ending with the usage", () => {
  for (const positionals of [false, true]) {
    const e = userError(() => parseCli(["--bogus"], OPTIONS, USAGE, { positionals }));
    assert.equal(e.message, `Unknown option '--bogus'; ${USAGE}`);
    assert.equal(e.exitCode, 2);
  }
  const short = userError(() => parseCli(["-x"], OPTIONS, USAGE, { positionals: true }));
  assert.equal(short.message, `Unknown option '-x'; ${USAGE}`);
});

Deno.test("parseCli: other parse errors are UserErrors too; a long usage gives its first line", () => {
  assert.match(
    userError(() => parseCli(["--n"], OPTIONS, USAGE)).message,
    /^Option '--n <value>' argument missing; usage: demo/,
  );
  assert.match(
    userError(() => parseCli(["--flag=1"], OPTIONS, USAGE)).message,
    /'--flag' does not take an argument/,
  );
  const pos = userError(() => parseCli(["a.txt"], OPTIONS, USAGE));
  assert.match(pos.message, /^Unexpected argument 'a\.txt'/);
  const long = userError(() => parseCli(["--bogus"], OPTIONS, "usage: demo [--n N]\n  [--flag]\nMore text."));
  assert.equal(long.message, "Unknown option '--bogus'; usage: demo [--n N] … (see --help)");
  assert.ok(!long.message.includes("\n"));
});

Deno.test("parseCli: -h/--help prints the whole usage and returns null", () => {
  const usage = "usage: demo [--n N]\n  [--flag]";
  for (const args of [["--help"], ["-h"], ["--n", "5", "-h", "x"]]) {
    const { result, printed } = captureLog(() => parseCli(args, OPTIONS, usage, { positionals: true }));
    assert.equal(result, null);
    assert.deepEqual(printed, [usage]);
  }
});

Deno.test("parseCli: good arguments parse into typed values and positionals", () => {
  const { result, printed } = captureLog(() =>
    parseCli(["in.txt", "--n", "7", "--flag", "out.txt"], OPTIONS, USAGE, { positionals: true })
  );
  assert.deepEqual(printed, []);
  assert.ok(result);
  assert.equal(result.values.n, "7");
  assert.equal(result.values.flag, true);
  assert.equal(result.values.help, undefined);
  assert.deepEqual(result.positionals, ["in.txt", "out.txt"]);
  const defaults = parseCli([], OPTIONS, USAGE);
  assert.ok(defaults);
  assert.equal(defaults.values.n, "3");
  assert.deepEqual(defaults.positionals, []);
});

Deno.test("explainParseArgs: parseArgs failures become one-line UserErrors; other errors pass through", () => {
  let raw: unknown;
  try {
    parseArgs({ args: ["--bogus"], options: {}, allowPositionals: true });
  } catch (e) {
    raw = e;
  }
  assert.match(String((raw as Error).message), /To specify a positional argument/);
  const e = explainParseArgs(raw);
  assert.ok(e instanceof UserError);
  assert.equal(e.message, "Unknown option '--bogus'");
  const bug = new TypeError("boom");
  assert.equal(explainParseArgs(bug), bug);
  const other = Object.assign(new Error("x"), { code: "ERR_INVALID_ARG_TYPE" });
  assert.equal(explainParseArgs(other), other);
});

Deno.test("runCli turns a raw parseArgs error into one stderr line and exit 2", async () => {
  const errors = new URL("../../core/errors.ts", import.meta.url).href;
  const code = `import { parseArgs } from "node:util";
    import { runCli } from ${JSON.stringify(errors)};
    await runCli(() => { parseArgs({ args: ["--bogus"], options: {} }); });`;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", code],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr).trim();
  assert.equal(out.code, 2, err);
  assert.equal(err, "error: Unknown option '--bogus'");
});

/** Every deno task entry file (deno.json tasks). */
const ENTRIES = [
  "benchmarks/bench_main.ts",
  "benchmarks/merge_main.ts",
  "benchmarks/perf_main.ts",
  "core/doctor_main.ts",
  "methods/vectors_main.ts",
  "datasets/data_main.ts",
  "eval/eval_main.ts",
  "reports/report_main.ts",
  "reports/compare_main.ts",
];

async function runEntry(file: string, arg: string): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", file, arg],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

/** Maps `items` through `fn`, at most `limit` at once, keeping the order. */
async function pool<T, R>(items: T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

Deno.test("every CLI: --bogus is one 'error:' line and exit 2; --help prints the usage, exit 0", async () => {
  const cases = ENTRIES.flatMap((file) => [{ file, arg: "--bogus" }, { file, arg: "--help" }]);
  const runs = await pool(cases, 4, async (c) => ({ ...c, ...(await runEntry(c.file, c.arg)) }));
  for (const r of runs) {
    const what = `${r.file} ${r.arg}\nstdout: ${r.out}\nstderr: ${r.err}`;
    if (r.arg === "--bogus") {
      assert.equal(r.code, 2, what);
      const lines = r.err.trimEnd().split("\n");
      assert.equal(lines.length, 1, what);
      assert.match(lines[0], /^error: Unknown option '--bogus'; usage: deno task /, what);
      assert.ok(!r.err.includes("    at "), what);
      assert.equal(r.out, "", what);
    } else {
      assert.equal(r.code, 0, what);
      assert.match(r.out, /^usage: deno task /, what);
      assert.equal(r.err.trim(), "", what);
    }
  }
});
