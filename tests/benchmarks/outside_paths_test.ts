/**
 * Every folder a user names works with the tasks as deno.json writes them (issue 14 item
 * 2): a sweep, its report, a comparison, a merge and emitted cluster files, all in folders
 * outside the checkout (by a relative `../…` path and by an absolute one), with no flag
 * added by hand, and under folders that do not exist yet.
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";

const REPO = new URL("../../", import.meta.url).pathname;

/** `deno task NAME ARGS…` from the repository root, as a user types it. */
async function task(name: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command(Deno.execPath(), {
    args: ["task", "--quiet", name, ...args],
    cwd: REPO,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
}

/** Asserts the run exited `code` and never met a missing permission. */
function ok(r: { code: number; out: string; err: string }, what: string, code = 0): void {
  const text = `${what}\nstdout: ${r.out}\nstderr: ${r.err}`;
  assert.doesNotMatch(r.out + r.err, /permission|NotCapable|Requires .* access/i, text);
  assert.equal(r.code, code, text);
}

const isFile = (p: string) => Deno.stat(p).then((s) => s.isFile, () => false);

Deno.test("tasks write where they are told: bench, report, compare, merge and emit into folders outside the checkout", async () => {
  const tmp = await Deno.realPath(await Deno.makeTempDir({ prefix: "amcl-outside-" }));
  assert.ok(relative(REPO, tmp).startsWith(".."), `${tmp} lies outside ${REPO}`);
  try {
    // A relative path that leaves the checkout, as in `deno task bench --out ../elsewhere`.
    const rel = join(relative(REPO, tmp), "run");
    const run = join(tmp, "run");
    const bench = await task(
      "bench",
      ...["--preset", "smoke", "--backend", "wasm", "--workers", "1", "--quiet", "--out", rel],
    );
    ok(bench, "bench --out ../…");
    assert.ok(await isFile(join(run, "results.csv")));
    assert.ok(await isFile(join(run, "manifest.json")));
    assert.ok(await isFile(join(run, "report", "index.html")), "bench renders the report into OUT/report");
    assert.equal([...Deno.readDirSync(join(run, "cells"))].filter((e) => e.name.endsWith(".json")).length, 2);

    // Each destination lies under folders that do not exist yet: the task makes them.
    const fresh = join(tmp, "not", "yet");
    ok(await task("report", "--in", run, "--out", join(fresh, "report2")), "report --out");
    assert.ok(await isFile(join(fresh, "report2", "index.html")));

    ok(await task("compare", "--in", run, "--out", join(fresh, "cmp")), "compare --out");
    assert.ok(await isFile(join(fresh, "cmp", "compare.csv")));
    assert.ok(await isFile(join(fresh, "cmp", "compare.md")));

    ok(await task("merge", run, "--out", join(fresh, "merged"), "--quiet"), "merge --out");
    const perf = ["--tiny", "--rows", "augment-abcde-256", "--steps", "1", "--heavy-steps", "1", "--no-peer"];
    ok(await task("perf", ...perf, "--out", join(fresh, "perf", "perf.json")), "perf --out");
    assert.ok(await isFile(join(fresh, "perf", "perf.json")));
    const blocked = await task("perf", ...perf, "--out", join(run, "results.csv", "perf.json"));
    ok(blocked, "perf --out under a file", 2);
    assert.match(blocked.err, /^error: --out .*: cannot write a file there/);
    assert.doesNotMatch(blocked.err, /\n\s+at /, "one line, no stack trace");
    assert.equal(
      await Deno.readTextFile(join(fresh, "merged", "results.csv")),
      await Deno.readTextFile(join(run, "results.csv")),
    );

    // The README's cluster examples, with OUT outside the checkout.
    const t3 = join(tmp, "shared", "runs", "t3");
    const slurm = await task(
      "bench",
      ...["--preset", "t3", "--scale", "paper", "--emit", "slurm", "--shards", "4", "--out", t3],
      ...["--emit-opt", "partition=gpu", "--emit-opt", "time=12:00:00"],
    );
    ok(slurm, "bench --emit slurm --out /abs");
    for (const f of ["submit.sh", "shards.sbatch", "merge.sbatch"]) {
      assert.ok(await isFile(join(t3, "slurm", f)), f);
    }
    // A shard's command carries write access to OUT (deno.json's bench task, unchanged).
    assert.match(await Deno.readTextFile(join(t3, "slurm", "shards.sbatch")), / --allow-write /);
    const k8s = await task(
      "bench",
      ...["--preset", "t3", "--scale", "paper", "--emit", "k8s", "--shards", "4", "--out", join(tmp, "k8s")],
      ...["--emit-opt", "image=reg/amcl-bench:tag", "--emit-opt", "resultsClaim=sweeps"],
    );
    ok(k8s, "bench --emit k8s --out /abs");
    assert.ok(await isFile(join(tmp, "k8s", "k8s", "sweep.yaml")));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("least privilege stays: no task but data:fetch has network, only perf may run a program, eval writes nothing", async () => {
  const tasks: Record<string, string> = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json"))).tasks;
  for (const [name, line] of Object.entries(tasks)) {
    if (!line.startsWith("deno run ")) continue;
    const flags = line.split(/\s+/).filter((w) => w.startsWith("--"));
    assert.ok(!flags.includes("-A") && !flags.includes("--allow-all"), `${name}: ${line}`);
    const net = flags.filter((f) => f.startsWith("--allow-net"));
    if (name === "data:fetch") {
      assert.deepEqual(net, [
        "--allow-net=www.cs.toronto.edu,ai.stanford.edu,fashion-mnist.s3-website.eu-central-1.amazonaws.com",
      ]);
    } else assert.deepEqual(net, [], `${name} has no network`);
    const run = flags.filter((f) => f.startsWith("--allow-run"));
    assert.deepEqual(run, name === "perf" ? ["--allow-run=/usr/bin/python3"] : [], `${name}: --allow-run`);
  }
  assert.ok(!tasks.eval.includes("--allow-write"), "eval writes nothing");
  assert.ok(!tasks.vectors.includes("--allow-write"), "vectors writes nothing");
  // And eval really needs no write access: a kNN over raw pixels runs under the task as written.
  const r = await task("eval", "knn", "--features", "pixels", "--dataset", "cifar10-subset", "--k", "20");
  ok(r, "eval knn without --allow-write");
  assert.match(r.out, /^knn on cifar10-subset \(pixels, wasm, seed 0\): top-1 \d+\.\d\d%/);
});
