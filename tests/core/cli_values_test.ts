/**
 * Bad values read the same in every CLI (issue 14 item 3): a negative or malformed number
 * after a flag (`--k -5`) is the flag's value, not "argument is ambiguous", and every
 * numeric flag says `--flag TEXT: expected …` on one line with exit code 2.
 */
import assert from "node:assert/strict";
import { intOption, numberOption, parseCli } from "../../core/cli.ts";
import { UserError } from "../../core/errors.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const USAGE = "usage: demo [--k N] [--t X] [--out DIR] [--flag]";
const OPTIONS = {
  k: { type: "string" },
  t: { type: "string" },
  out: { type: "string" },
  flag: { type: "boolean" },
} as const;

/** The message of the UserError `fn` throws (fails when it throws nothing or something else). */
function userError(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    assert.ok(!e.message.includes("\n"), e.message);
    return e.message;
  }
  assert.fail("expected a UserError, nothing was thrown");
}

Deno.test("parseCli: a value starting with '-' belongs to its flag unless it is one of the CLI's options", () => {
  const p = parseCli(["--k", "-5", "--t", "-.5", "--out", "-weird", "--flag", "x"], OPTIONS, USAGE, {
    positionals: true,
  });
  assert.ok(p);
  assert.equal(p.values.k, "-5");
  assert.equal(p.values.t, "-.5");
  assert.equal(p.values.out, "-weird");
  assert.equal(p.values.flag, true);
  assert.deepEqual(p.positionals, ["x"]);
  // `--flag=value` forms and values after `--` are left alone.
  const eq = parseCli(["--k=-7", "--", "--t", "-1"], OPTIONS, USAGE, { positionals: true });
  assert.ok(eq);
  assert.equal(eq.values.k, "-7");
  assert.equal(eq.values.t, undefined);
  assert.deepEqual(eq.positionals, ["--t", "-1"]);
  // A known option where the value should be: the value is missing.
  assert.equal(
    userError(() => parseCli(["--out", "--flag"], OPTIONS, USAGE)),
    `--out needs a value (--flag is an option); ${USAGE}`,
  );
  assert.match(userError(() => parseCli(["--out", "-h"], OPTIONS, USAGE)), /^--out needs a value \(-h is/);
  // Boolean flags never take the next word.
  assert.match(userError(() => parseCli(["--flag", "-5"], OPTIONS, USAGE)), /^Unknown option '-5'/);
});

Deno.test("intOption / numberOption: one wording for every bad value", () => {
  assert.equal(intOption("k", undefined), undefined);
  assert.equal(intOption("k", "200"), 200);
  assert.equal(intOption("seed", "0", 0), 0);
  assert.equal(intOption("k", "+3"), 3);
  for (const bad of ["-5", "0", "abc", "", "1.5", "1e3", "0x10", " 3", "Infinity", "99999999999999999999"]) {
    assert.equal(userError(() => intOption("k", bad)), `--k ${bad}: expected an integer ≥ 1`);
  }
  assert.equal(userError(() => intOption("seed", "-1", 0)), "--seed -1: expected an integer ≥ 0");
  assert.equal(userError(() => intOption("n", "9", 1, 8)), "--n 9: expected an integer in 1..8");

  assert.equal(numberOption("t", "0.07", { min: 0, minOpen: true }), 0.07);
  assert.equal(numberOption("t", ".5"), 0.5);
  assert.equal(numberOption("t", "-1e-3"), -0.001);
  assert.equal(numberOption("t", undefined), undefined);
  for (const bad of ["-0.1", "0", "x", "", "NaN", "Infinity", "1e999", "0x1", "1,5"]) {
    assert.equal(
      userError(() => numberOption("t", bad, { min: 0, minOpen: true })),
      `--t ${bad}: expected a number > 0`,
    );
  }
  const open = { min: 0, max: 1, minOpen: true, maxOpen: true };
  assert.equal(userError(() => numberOption("alpha", "1", open)), "--alpha 1: expected a number in (0, 1)");
  assert.equal(userError(() => numberOption("x", "2", { max: 1 })), "--x 2: expected a number ≤ 1");
  assert.equal(userError(() => numberOption("x", "-2", { min: 0 })), "--x -2: expected a number ≥ 0");
  assert.equal(userError(() => numberOption("x", "abc")), "--x abc: expected a number");
});

/** `deno run` flags and entry file of a deno.json task (the task's own permissions). */
const TASKS: Record<string, string> = JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).tasks;
function taskArgs(name: string): string[] {
  return TASKS[name].trim().split(/\s+/).slice(1);
}

/** Runs task `name` as deno.json words it, with `args` after it. */
async function runTask(name: string, args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: [...taskArgs(name), ...args],
    cwd: ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

Deno.test("every CLI: a negative or malformed number is one 'error: --flag TEXT: expected …' line, exit 2", async () => {
  const cases: { task: string; args: string[]; line: string }[] = [
    {
      task: "eval",
      args: ["knn", "--features", "pixels", "--k", "-5"],
      line: "--k -5: expected an integer ≥ 1",
    },
    {
      task: "eval",
      args: ["linear", "--features", "pixels", "--epochs", "-1"],
      line: "--epochs -1: expected an integer ≥ 1",
    },
    {
      task: "eval",
      args: ["knn", "--features", "pixels", "--t", "-0.1"],
      line: "--t -0.1: expected a number > 0",
    },
    {
      task: "eval",
      args: ["knn", "--features", "pixels", "--seed", "x1"],
      line: "--seed x1: expected an integer ≥ 0",
    },
    { task: "bench", args: ["--workers", "-2"], line: "--workers -2: expected an integer ≥ 1" },
    {
      task: "bench",
      args: ["--emit", "slurm", "--shards", "1.5"],
      line: "--shards 1.5: expected an integer ≥ 1",
    },
    {
      task: "data",
      args: ["preview", "embedded", "--out", "x.png", "--rows", "-3"],
      line: "--rows -3: expected an integer ≥ 1",
    },
    {
      task: "data",
      args: ["info", "embedded", "--image-size", "2"],
      line: "--image-size 2: expected an integer ≥ 4",
    },
    { task: "perf", args: ["--steps", "-3", "--no-peer"], line: "--steps -3: expected an integer ≥ 1" },
    {
      task: "compare",
      args: ["--in", "x", "--alpha", "-0.5"],
      line: "--alpha -0.5: expected a number in (0, 1)",
    },
    { task: "vectors", args: ["x", "--tol", "-1e-4"], line: "--tol -1e-4: expected a number > 0" },
  ];
  for (const c of cases) {
    const r = await runTask(c.task, c.args);
    const what = `deno task ${c.task} ${c.args.join(" ")}\nstdout: ${r.out}\nstderr: ${r.err}`;
    assert.equal(r.code, 2, what);
    assert.equal(r.err, `error: ${c.line}\n`, what);
    assert.equal(r.out, "", what);
  }
});
