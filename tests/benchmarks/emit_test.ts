/**
 * The cluster emitters as functions: command lines taken from deno.json's tasks, settings
 * and their checks, `--workers` defaults, the Slurm files (run with a stand-in `deno` that
 * prints its arguments), the Kubernetes shard/merge status protocol (shard succeeds, fails
 * with retries left, fails its last attempt, times out; merge waits, gives up waiting) and
 * the YAML writer's literal blocks.
 */
import assert from "node:assert/strict";
import { parse as parseYaml, parseAllDocuments } from "yaml";
import { UserError } from "../../core/errors.ts";
import { parseTaskLine, taskLine, withWriteAccess } from "../../benchmarks/emit_command.ts";
import { emitOptions, type EmitRequest, k8sCpus, withWorkers } from "../../benchmarks/emit_options.ts";
import { SLURM_WORKERS, slurmFiles } from "../../benchmarks/emit_slurm.ts";
import { k8sObjects, k8sRerunJob, mergeScript, mergeTimes, shardScript } from "../../benchmarks/emit_k8s.ts";
import { toYaml, toYamlDocuments } from "../../benchmarks/yaml.ts";

const DENO_JSON = new URL("../../deno.json", import.meta.url);
const TASKS = JSON.parse(await Deno.readTextFile(DENO_JSON)).tasks as Record<string, string>;
/** The flags of a deno.json task, read here independently of the module under test. */
const flagsOf = (task: string) => TASKS[task].split(/\s+/).filter((w) => w.startsWith("--"));

function request(out: string, more: Partial<EmitRequest> = {}): EmitRequest {
  return {
    target: "slurm",
    out,
    shards: 2,
    cells: 4,
    scale: "cpu",
    benchArgs: ["--preset", "smoke", "--scale", "cpu", "--backend", "wasm", "--quiet"],
    options: [],
    ...more,
  };
}

function userError(pattern: RegExp) {
  return (e: unknown) => e instanceof UserError && pattern.test(e.message);
}

/** A folder with a stand-in `deno` that prints its arguments, sleeps $FAKE_SLEEP, exits $FAKE_RC. */
async function fakeDeno(): Promise<{ dir: string; path: string }> {
  const dir = await Deno.makeTempDir({ prefix: "amcl-emit-" });
  await Deno.mkdir(`${dir}/bin`);
  await Deno.writeTextFile(
    `${dir}/bin/deno`,
    '#!/bin/sh\nprintf \'%s\\n\' "$@"\nsleep "${FAKE_SLEEP:-0}"\nexit "${FAKE_RC:-0}"\n',
  );
  await Deno.chmod(`${dir}/bin/deno`, 0o755);
  return { dir, path: `${dir}/bin:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}` };
}

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  seconds: number;
}

async function sh(shell: string, args: string[], env: Record<string, string>): Promise<Ran> {
  const t0 = performance.now();
  const o = await new Deno.Command(shell, { args, env, stdin: "null", stdout: "piped", stderr: "piped" })
    .output();
  const dec = new TextDecoder();
  return {
    code: o.code,
    stdout: dec.decode(o.stdout),
    stderr: dec.decode(o.stderr),
    seconds: (performance.now() - t0) / 1000,
  };
}

const exists = (p: string) => Deno.stat(p).then(() => true, () => false);

Deno.test("emit: cluster commands carry exactly the bench/merge tasks' permissions, plus write access to OUT", () => {
  const bench = taskLine("bench");
  assert.equal(bench.script, "benchmarks/bench_main.ts");
  assert.deepEqual(bench.flags, flagsOf("bench"));
  assert.ok(bench.flags.includes("--allow-ffi"), "the bench task allows FFI (the native backend)");
  assert.deepEqual(taskLine("merge").flags, flagsOf("merge"));
  assert.deepEqual(withWriteAccess(["--allow-read", "--allow-write=."], "/r/x"), [
    "--allow-read",
    "--allow-write=.,/r/x",
  ]);
  assert.deepEqual(withWriteAccess(["--allow-write=.,/r/x"], "/r/x"), ["--allow-write=.,/r/x"]);
  assert.deepEqual(withWriteAccess(["--allow-write"], "/r/x"), ["--allow-write"]);
  assert.deepEqual(withWriteAccess(["--allow-read"], "/r/x"), ["--allow-read", "--allow-write=/r/x"]);
  assert.throws(() => parseTaskLine("bench", "deno test -A x.ts"), /not "deno run/);
  assert.throws(() => parseTaskLine("bench", "deno run --allow-read 'a b.ts'"), /not "deno run/);
});

Deno.test("emit: settings are checked; --workers defaults to the CPUs granted, 1 on GPU shards", () => {
  const slurm = emitOptions("slurm", [], "cpu");
  assert.equal(slurm.cpus, "1");
  assert.equal(slurm.gpus, "0");
  assert.equal(emitOptions("slurm", [], "paper").gpus, "1");
  assert.throws(
    () => emitOptions("slurm", ["cpus=0"], "cpu"),
    userError(/cpus=0: expected a whole number ≥ 1/),
  );
  assert.throws(() => emitOptions("slurm", ["mem"], "cpu"), userError(/unknown slurm setting/));
  assert.throws(() => emitOptions("k8s", ["cpu=lots"], "cpu"), userError(/cpu=lots.*500m/));
  assert.throws(() => emitOptions("k8s", ["mergeWaitSeconds=-5"], "cpu"), userError(/mergeWaitSeconds=-5/));
  assert.equal(k8sCpus("2"), 2);
  assert.equal(k8sCpus("1.5"), 1.5);
  assert.equal(k8sCpus("500m"), 0.5);

  const args = ["--preset", "smoke"];
  const at = (a: string[]) => a[a.indexOf("--workers") + 1];
  assert.equal(at(withWorkers(args, slurm, SLURM_WORKERS)), SLURM_WORKERS);
  assert.equal(at(withWorkers(args, emitOptions("slurm", ["gpus=2"], "cpu"), SLURM_WORKERS)), "1");
  assert.equal(at(withWorkers(args, emitOptions("slurm", ["workers=3"], "cpu"), SLURM_WORKERS)), "3");
  assert.equal(at(withWorkers([...args, "--workers", "2"], slurm, SLURM_WORKERS)), "2");
  assert.equal(
    withWorkers([...args, "--workers", "2"], slurm, SLURM_WORKERS).filter((a) => a === "--workers").length,
    1,
  );
  assert.throws(
    () => withWorkers([...args, "--workers", "2"], emitOptions("slurm", ["workers=3"], "cpu"), SLURM_WORKERS),
    userError(/--workers 2 and --emit-opt workers=3 disagree/),
  );
});

Deno.test("emit: Slurm files parse in bash; shards get --workers from SLURM_CPUS_PER_TASK; merge log and resources", async () => {
  const { dir, path } = await fakeDeno();
  try {
    const out = `${dir}/sweep`;
    const files = slurmFiles(request(out), emitOptions("slurm", ["workdir=" + dir, "mergeMem=3G"], "cpu"));
    for (const [name, text] of Object.entries(files)) {
      await Deno.writeTextFile(`${dir}/${name}`, text);
      const syntax = await sh("bash", ["-n", `${dir}/${name}`], {});
      assert.equal(syntax.code, 0, `${name}: ${syntax.stderr}`);
    }
    const shards = files["shards.sbatch"];
    assert.match(shards, /^#SBATCH --array=0-1$/m);
    assert.match(shards, /^#SBATCH --cpus-per-task=1$/m);
    assert.match(shards, /^#SBATCH --mem-per-cpu=2G$/m);
    assert.doesNotMatch(shards, /^#SBATCH --mem=/m);
    assert.match(shards, new RegExp(`^#SBATCH --output=${out}/slurm/%x-%A_%a\\.log$`, "m"));
    const merge = files["merge.sbatch"];
    assert.match(merge, new RegExp(`^#SBATCH --output=${out}/slurm/%x-%j\\.log$`, "m"));
    assert.doesNotMatch(merge, /%a/);
    assert.match(merge, /^#SBATCH --mem=3G$/m);
    assert.match(merge, /^#SBATCH --cpus-per-task=1$/m);
    assert.match(merge, /^#SBATCH --time=01:00:00$/m);
    assert.match(
      slurmFiles(request(out), emitOptions("slurm", ["mem=5G"], "cpu"))["shards.sbatch"],
      /^#SBATCH --mem=5G$/m,
    );

    // Array task 1 of a job granted 3 CPUs runs shard 1/2 with 3 workers and the bench task's flags.
    const ran = await sh("bash", [`${dir}/shards.sbatch`], {
      PATH: path,
      SLURM_ARRAY_TASK_ID: "1",
      SLURM_CPUS_PER_TASK: "3",
    });
    assert.equal(ran.code, 0, ran.stderr);
    const a = ran.stdout.trim().split("\n");
    const script = a.indexOf("benchmarks/bench_main.ts");
    assert.equal(a[0], "run");
    assert.deepEqual(
      a.slice(1, script),
      flagsOf("bench").map((f) => f === "--allow-write=." ? `--allow-write=.,${out}` : f),
    );
    assert.equal(a[a.indexOf("--workers") + 1], "3");
    assert.equal(a[a.indexOf("--shard") + 1], "1/2");
    assert.equal(a[a.indexOf("--out") + 1], out);
    // Outside a CPU grant the default falls back to one worker.
    const bare = await sh("bash", [`${dir}/shards.sbatch`], { PATH: path, SLURM_ARRAY_TASK_ID: "0" });
    const b = bare.stdout.trim().split("\n");
    assert.equal(b[b.indexOf("--workers") + 1], "1");

    const merged = await sh("bash", [`${dir}/merge.sbatch`], { PATH: path });
    const m = merged.stdout.trim().split("\n");
    assert.deepEqual(
      m.slice(1, -2),
      flagsOf("merge").map((f) => f === "--allow-write=." ? `--allow-write=.,${out}` : f),
    );
    assert.deepEqual(m.slice(-2), ["benchmarks/merge_main.ts", out]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("emit: k8s shard pods leave a status file when they succeed or give up; the merge waits for them", async () => {
  const { dir, path } = await fakeDeno();
  try {
    const req = request("runs/x", { target: "k8s" });
    const o = emitOptions("k8s", [
      `resultsMount=${dir}`,
      "backoffLimitPerIndex=1",
      "cpu=3",
      "mergeWaitSeconds=3",
    ], "cpu");
    const status = `${dir}/runs/x/k8s/status`;
    const script = shardScript(req, o, 1);
    const shard = (index: number, failures: number, env: Record<string, string> = {}) =>
      sh("sh", ["-c", script], {
        PATH: path,
        JOB_COMPLETION_INDEX: String(index),
        AMCL_INDEX_FAILURES: String(failures),
        ...env,
      });

    const ok = await shard(0, 0);
    assert.equal(ok.code, 0, ok.stderr);
    const a = ok.stdout.trim().split("\n");
    assert.equal(a[a.indexOf("--workers") + 1], "3", "workers follow the cpu setting");
    assert.equal(a[a.indexOf("--shard") + 1], "0/2");
    assert.ok(await exists(`${status}/0.ok`));

    // A failure with a retry left: no status (the Job retries the index).
    const retry = await shard(1, 0, { FAKE_RC: "3" });
    assert.equal(retry.code, 3);
    assert.ok(!await exists(`${status}/1.ok`) && !await exists(`${status}/1.failed`));

    // The merge waits for shard 1 until mergeWaitSeconds, then merges what there is.
    const fake = { PATH: path };
    const timedOut = await sh("sh", ["-c", mergeScript(req, o)], fake);
    assert.equal(timedOut.code, 0);
    assert.ok(timedOut.seconds >= 2.5, `waited ${timedOut.seconds} s`);
    assert.match(timedOut.stderr, /after 3 s \(mergeWaitSeconds\) shards 1 of 2 have not finished/);
    assert.deepEqual(timedOut.stdout.trim().split("\n").slice(-2), [
      "benchmarks/merge_main.ts",
      `${dir}/runs/x`,
    ]);

    // The last allowed attempt fails: the shard gives up and says so; the merge goes at once
    // and passes the merge's exit code on.
    const last = await shard(1, 1, { FAKE_RC: "3" });
    assert.equal(last.code, 3);
    assert.match(await Deno.readTextFile(`${status}/1.failed`), /exit code 3 on attempt 2/);
    const merged = await sh("sh", ["-c", mergeScript(req, o)], { ...fake, FAKE_RC: "1" });
    assert.equal(merged.code, 1);
    assert.ok(merged.seconds < 2.5, `no wait: ${merged.seconds} s`);
    assert.match(merged.stderr, /shard 1\/2 gave up: exit code 3 on attempt 2/);

    // A rerun that succeeds replaces the failure.
    assert.equal((await shard(1, 0)).code, 0);
    assert.ok(await exists(`${status}/1.ok`) && !await exists(`${status}/1.failed`));

    // A shard past shardTimeoutSeconds is stopped and, on its last attempt, gives up.
    const quick = emitOptions("k8s", [`resultsMount=${dir}`, "shardTimeoutSeconds=1"], "cpu");
    const slow = await sh("sh", ["-c", shardScript(req, quick, 0)], {
      PATH: path,
      JOB_COMPLETION_INDEX: "0",
      FAKE_SLEEP: "20",
    });
    assert.equal(slow.code, 124);
    assert.ok(slow.seconds < 10, `stopped after ${slow.seconds} s`);
    assert.match(slow.stderr, /stopped after 1 s \(shardTimeoutSeconds\)/);
    assert.match(await Deno.readTextFile(`${status}/0.failed`), /exit code 124/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("emit: k8s defaults — resources, GPU shards, merge wait from timeout × attempts × waves, rerun template", () => {
  const req = request("runs/x", { target: "k8s", shards: 4, cells: 8 });
  const o = emitOptions("k8s", [], "cpu");
  // deno-lint-ignore no-explicit-any
  const [shards, merge] = k8sObjects(req, o) as any[];
  const c = shards.spec.template.spec.containers[0];
  assert.deepEqual(c.resources, { requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "2Gi" } });
  assert.match(c.command[2], /--workers 1 /);
  assert.deepEqual(merge.spec.template.spec.containers[0].resources, {
    requests: { cpu: "250m", memory: "1Gi" },
    limits: { memory: "1Gi" },
  });
  // One wave of 3 attempts of a day each (+ 60 s kill grace), + 10 min; the Job's deadline 1 h more.
  assert.deepEqual(mergeTimes(req, o), { wait: 3 * 86460 + 600, deadline: 3 * 86460 + 600 + 3600 });
  assert.equal(merge.spec.activeDeadlineSeconds, 3 * 86460 + 600 + 3600);
  const waves = emitOptions(
    "k8s",
    ["parallelism=3", "backoffLimitPerIndex=0", "shardTimeoutSeconds=100"],
    "cpu",
  );
  assert.equal(mergeTimes(req, waves).wait, 2 * 160 + 600);
  assert.deepEqual(
    mergeTimes(req, emitOptions("k8s", ["mergeWaitSeconds=50", "mergeTimeoutSeconds=70"], "cpu")),
    { wait: 50, deadline: 70 },
  );

  // deno-lint-ignore no-explicit-any
  const [gpu] = k8sObjects(req, emitOptions("k8s", ["cpu=4"], "paper")) as any[];
  const g = gpu.spec.template.spec.containers[0];
  assert.equal(g.resources.limits["nvidia.com/gpu"], "1");
  assert.equal(g.resources.requests.memory, "8Gi");
  assert.match(g.command[2], /--workers 1 /, "one worker per GPU even with 4 CPUs");

  // deno-lint-ignore no-explicit-any
  const rerun = k8sRerunJob(req, o) as any;
  const text = toYaml(rerun);
  const filled = parseYaml(text.replaceAll("@INDEX@", "3"));
  assert.equal(filled.metadata.name, "amcl-shard-3");
  assert.equal(filled.spec.backoffLimit, 0);
  const env = filled.spec.template.spec.containers[0].env;
  assert.ok(
    env.some((e: { name: string; value?: string }) => e.name === "JOB_COMPLETION_INDEX" && e.value === "3"),
  );
  assert.match(
    filled.spec.template.spec.containers[0].command[2],
    /-ge 0 \]; then/,
    "its one attempt is the last",
  );
});

Deno.test("yaml: literal blocks and quoted strings read back exactly", () => {
  const strings = [
    "one line",
    "two\nlines",
    "ends with a break\n",
    "two breaks\n\n",
    " leading space\nx",
    "\nleading break",
    "tab\there\n\tand there",
    "# not a comment\n---\n...\nkey: value\n- item",
    "quotes \"double\" 'single' $HOME `cmd`\n  indented  \n\nafter blank",
    "control \u0007\nx",
    "unicode ✓ — é\nline",
    "trailing spaces   \nx   ",
  ];
  const doc = {
    list: strings,
    map: Object.fromEntries(strings.map((s, i) => [`k${i}`, s])),
    nested: [{ s: strings[1] }],
  };
  const text = toYamlDocuments([doc, doc]);
  assert.match(text, /^ {2}k1: \|-\n {4}two\n {4}lines$/m, "a multi-line string is a literal block");
  const back = parseAllDocuments(text);
  assert.equal(back.length, 2);
  for (const d of back) {
    assert.deepEqual(d.errors, []);
    assert.deepEqual(d.toJS(), doc);
  }
});
