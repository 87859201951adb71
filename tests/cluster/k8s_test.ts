/**
 * Kubernetes: the manifest `deno task bench --emit k8s` writes — an Indexed Job of shards
 * and a merge Job — is read back with a YAML parser and validated against the Kubernetes
 * API schema (npm kubernetes-models), with unknown fields refused as `kubectl apply
 * --validate=strict` would; its settings (image, GPUs, volumes) land where they should,
 * and the shard command turns JOB_COMPLETION_INDEX into `--shard i/n` with the bench task's
 * own permissions. Then the pods' scripts run here, with the real deno, over a folder
 * standing in for the results volume: a shard finishes, another gives up on its last
 * attempt, the merge names it and the missing cells and exits non-zero, and the one-pod
 * rerun template completes the sweep.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1";
import { validate as validateJob } from "kubernetes-models/_schemas/IoK8sApiBatchV1Job";
import { mustRun, REPO, run } from "./slurm_cluster.ts";
import { unknownFields, type Validate } from "./strict_fields.ts";
import { readCells } from "./sweep_records.ts";
import { shardCells } from "../../benchmarks/shard.ts";

const DENO = Deno.execPath();
/** The sweep as emitted: no --workers, so the emitter's default (the cpu setting) applies. */
const SWEEP = ["--preset", "smoke", "--backend", "wasm"];
/** deno.json's bench and merge tasks' flags, read here independently of the emitter. */
const TASKS = JSON.parse(await Deno.readTextFile(`${REPO}/deno.json`)).tasks as Record<string, string>;
const flagsOf = (task: string) => TASKS[task].split(/\s+/).filter((w) => w.startsWith("--"));

// deno-lint-ignore no-explicit-any
type Obj = any;

function parseDocs(text: string, what: string): Obj[] {
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.deepEqual(d.errors, [], `YAML errors in ${what}`);
  return docs.map((d) => d.toJS());
}

/** Emits the k8s files of the smoke sweep with `opts` into a fresh folder; returns the parsed documents. */
async function emitK8s(rel: string, opts: string[], sweep = SWEEP): Promise<Obj[]> {
  await mustRun(DENO, ["task", "bench", ...sweep, "--emit", "k8s", "--shards", "2", ...opts, "--out", rel]);
  return parseDocs(await Deno.readTextFile(`${REPO}/${rel}/k8s/sweep.yaml`), `${rel}/k8s/sweep.yaml`);
}

/** The one-pod rerun Job of sweep folder `dir` for shard `index` (the template's placeholder filled in). */
async function rerunJob(dir: string, index: number): Promise<Obj> {
  const text = await Deno.readTextFile(`${dir}/k8s/rerun-shard.yaml`);
  assert.match(text, /@INDEX@/);
  const docs = parseDocs(text.replaceAll("@INDEX@", String(index)), `${dir}/k8s/rerun-shard.yaml`);
  assert.equal(docs.length, 1);
  return docs[0];
}

/** A folder holding a stand-in `deno` that prints its arguments (exit $FAKE_RC), and a PATH with it first. */
async function fakeDeno(dir: string): Promise<string> {
  await Deno.mkdir(`${dir}/fake`, { recursive: true });
  await Deno.writeTextFile(`${dir}/fake/deno`, '#!/bin/sh\nprintf \'%s\\n\' "$@"\nexit "${FAKE_RC:-0}"\n');
  await Deno.chmod(`${dir}/fake/deno`, 0o755);
  return `${dir}/fake:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`;
}

/** A PATH whose `deno` is the deno running this test. */
async function realDeno(dir: string): Promise<string> {
  await Deno.mkdir(`${dir}/real`, { recursive: true });
  await Deno.symlink(DENO, `${dir}/real/deno`);
  return `${dir}/real:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`;
}

/** The env entries of a container, by name (values only). */
function envOf(container: Obj): Record<string, string> {
  return Object.fromEntries(
    container.env.filter((e: Obj) => "value" in e).map((e: Obj) => [e.name, e.value]),
  );
}

/** Validates one Job against the API schema, unknown fields included. */
function assertValidJob(doc: Obj): void {
  assert.equal(doc.apiVersion, "batch/v1");
  assert.equal(doc.kind, "Job");
  new Job(doc).validate(); // throws a ValidationError naming the path
  assert.deepEqual(
    unknownFields(validateJob as Validate, doc),
    [],
    `unknown fields in Job ${doc.metadata?.name}`,
  );
  // Job names become pod labels: DNS-1123 labels of at most 63 characters.
  assert.match(doc.metadata.name, /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  const pod = doc.spec.template.spec;
  assert.equal(pod.restartPolicy, "Never");
  const volumes = new Set(pod.volumes.map((v: Obj) => v.name));
  for (const c of pod.containers) {
    for (const m of c.volumeMounts) assert.ok(volumes.has(m.name), `mount ${m.name} has no volume`);
  }
}

/** What the container's `sh -c` command runs, with `deno` (PATH: `fake`) a printer of its arguments. */
async function argsOf(command: string[], fake: string, env: Record<string, string>): Promise<string[]> {
  assert.deepEqual(command.slice(0, 2), ["sh", "-c"]);
  const out = await mustRun("sh", ["-c", command[2]], { PATH: fake, ...env });
  return out.trim().split("\n");
}

Deno.test("k8s: emitted Indexed Job + merge Job + rerun Job validate against the API schema and carry the settings", async () => {
  const rel = `tests/artifacts/cluster-k8s-${Date.now().toString(36)}`;
  // The results volume's mount point: a folder here, so the pods' scripts can run for real.
  const mnt = await Deno.makeTempDir({ prefix: "amcl-k8s-mnt-" });
  try {
    const fake = await fakeDeno(mnt);
    const docs = await emitK8s(`${rel}/gpu`, [
      "--emit-opt",
      "image=registry.example.org/amcl-bench:v1",
      "--emit-opt",
      "gpus=1",
      "--emit-opt",
      "cpu=4",
      "--emit-opt",
      "resultsClaim=sweeps",
      "--emit-opt",
      `resultsMount=${mnt}`,
      "--emit-opt",
      "dataClaim=datasets",
      "--emit-opt",
      "dataMount=/mnt/data",
    ]);
    assert.equal(docs.length, 2, "the shards Job and the merge Job");
    const rerun = await rerunJob(`${REPO}/${rel}/gpu`, 1);
    [...docs, rerun].forEach(assertValidJob);
    const [shards, merge] = docs;

    // One pod per shard, indexed.
    assert.equal(shards.spec.completionMode, "Indexed");
    assert.equal(shards.spec.completions, 2);
    assert.ok(shards.spec.parallelism >= 1 && shards.spec.parallelism <= 2);
    assert.notEqual(merge.spec.completionMode, "Indexed");
    // The rerun: one pod, one attempt, shard 1.
    assert.equal(rerun.metadata.name, "amcl-shard-1");
    assert.equal(rerun.spec.completions, 1);
    assert.equal(rerun.spec.backoffLimit, 0);
    assert.notEqual(rerun.spec.completionMode, "Indexed");
    // The merge has a finite deadline and does not retry its own verdict (exit 1/2).
    assert.ok(merge.spec.activeDeadlineSeconds > 0 && merge.spec.activeDeadlineSeconds < 604800);
    assert.deepEqual(merge.spec.podFailurePolicy.rules[0].onExitCodes.values, [1, 2]);

    const out = `${mnt}/${rel}/gpu`;
    for (const job of [...docs, rerun]) {
      const pod = job.spec.template.spec;
      assert.equal(pod.containers.length, 1);
      assert.equal(pod.containers[0].image, "registry.example.org/amcl-bench:v1");
      const claims = Object.fromEntries(
        pod.volumes.map((v: Obj) => [v.persistentVolumeClaim.claimName, v.name]),
      );
      assert.deepEqual(Object.keys(claims).sort(), ["datasets", "sweeps"]);
      const mounts = Object.fromEntries(pod.containers[0].volumeMounts.map((m: Obj) => [m.name, m]));
      assert.equal(mounts[claims.sweeps].mountPath, mnt);
      assert.equal(mounts[claims.datasets].mountPath, "/mnt/data");
      assert.equal(mounts[claims.datasets].readOnly, true, "the data volume is mounted read-only");
      assert.equal(envOf(pod.containers[0]).AMCL_DATA, "/mnt/data");
    }
    // GPUs: the shards request them, the merge does not.
    for (const job of [shards, rerun]) {
      const res = job.spec.template.spec.containers[0].resources;
      assert.equal(res.requests["nvidia.com/gpu"], "1");
      assert.equal(res.limits["nvidia.com/gpu"], "1", "extended resources need a limit equal to the request");
    }
    assert.equal(merge.spec.template.spec.containers[0].resources.requests?.["nvidia.com/gpu"], undefined);

    // Pod 1 of 2 runs shard 1/2 of this sweep into the results volume, with one worker on
    // its GPU, and exactly the bench task's permissions plus write access to the volume.
    const shardArgs = await argsOf(shards.spec.template.spec.containers[0].command, fake, {
      JOB_COMPLETION_INDEX: "1",
    });
    assert.equal(shardArgs[0], "run");
    const entry = shardArgs.indexOf("benchmarks/bench_main.ts");
    assert.ok(entry > 0);
    assert.deepEqual(
      shardArgs.slice(1, entry),
      flagsOf("bench").map((f) => f === "--allow-write=." ? `--allow-write=.,${out}` : f),
    );
    assert.ok(shardArgs.includes("--allow-ffi"));
    assert.equal(shardArgs[shardArgs.indexOf("--shard") + 1], "1/2");
    assert.equal(shardArgs[shardArgs.indexOf("--out") + 1], out);
    assert.equal(shardArgs[shardArgs.indexOf("--preset") + 1], "smoke");
    assert.equal(shardArgs[shardArgs.indexOf("--workers") + 1], "1", "one worker per GPU");
    // The rerun pod runs the same command for its index.
    const rerunArgs = await argsOf(rerun.spec.template.spec.containers[0].command, fake, {
      ...envOf(rerun.spec.template.spec.containers[0]),
    });
    assert.deepEqual(rerunArgs, shardArgs);
    // With both shards' status written (pod 0 too), the merge merges that folder at once.
    await argsOf(shards.spec.template.spec.containers[0].command, fake, { JOB_COMPLETION_INDEX: "0" });
    assert.deepEqual([...Deno.readDirSync(`${out}/k8s/status`)].map((e) => e.name).sort(), ["0.ok", "1.ok"]);
    const mergeArgs = await argsOf(merge.spec.template.spec.containers[0].command, fake, {});
    assert.deepEqual(mergeArgs.slice(-2), ["benchmarks/merge_main.ts", out]);
    assert.deepEqual(
      mergeArgs.slice(1, -2),
      flagsOf("merge").map((f) => f === "--allow-write=." ? `--allow-write=.,${out}` : f),
    );

    // At cpu scale with no gpus setting: no GPU request at all, still valid; workers follow
    // the cpu setting, or bench's own --workers.
    const cpuDocs = await emitK8s(`${rel}/cpu`, ["--emit-opt", "cpu=3", "--emit-opt", `resultsMount=${mnt}`]);
    cpuDocs.forEach(assertValidJob);
    const cpuShard = cpuDocs[0].spec.template.spec.containers[0];
    assert.ok(
      !JSON.stringify(cpuShard.resources).includes("nvidia.com/gpu"),
      JSON.stringify(cpuShard.resources),
    );
    const cpuArgs = await argsOf(cpuShard.command, fake, { JOB_COMPLETION_INDEX: "0" });
    assert.equal(cpuArgs[cpuArgs.indexOf("--workers") + 1], "3");
    const given = await emitK8s(`${rel}/given`, ["--emit-opt", `resultsMount=${mnt}`], [
      ...SWEEP,
      "--workers",
      "2",
    ]);
    const givenArgs = await argsOf(given[0].spec.template.spec.containers[0].command, fake, {
      JOB_COMPLETION_INDEX: "0",
    });
    assert.equal(givenArgs[givenArgs.indexOf("--workers") + 1], "2");
  } finally {
    await Deno.remove(`${REPO}/${rel}`, { recursive: true }).catch(() => {});
    await Deno.remove(mnt, { recursive: true }).catch(() => {});
  }
});

Deno.test("k8s: the pods' scripts with real deno — a shard gives up, the merge reports its cells, the rerun completes the sweep", async () => {
  const rel = `tests/artifacts/cluster-k8s-run-${Date.now().toString(36)}`;
  const mnt = await Deno.makeTempDir({ prefix: "amcl-k8s-mnt-" });
  try {
    const [fake, real] = [await fakeDeno(mnt), await realDeno(mnt)];
    const [shards, merge] = await emitK8s(rel, [
      "--emit-opt",
      `resultsMount=${mnt}`,
      "--emit-opt",
      "backoffLimitPerIndex=1",
      "--emit-opt",
      "mergeWaitSeconds=600",
    ]);
    const out = `${mnt}/${rel}`;
    const shardPod = shards.spec.template.spec.containers[0];
    const mergePod = merge.spec.template.spec.containers[0];
    const dataEnv = { AMCL_DATA: `${REPO}/../shared/data` };
    const pod = (c: Obj, path: string, env: Record<string, string>) =>
      run("sh", ["-c", c.command[2]], { PATH: path, ...dataEnv, ...env });

    // The pods see the sweep folder the emitter prepared (the manifest) on the volume.
    await Deno.mkdir(`${mnt}/tests/artifacts`, { recursive: true });
    await Deno.rename(`${REPO}/${rel}`, out);
    const manifest = JSON.parse(await Deno.readTextFile(`${out}/manifest.json`));
    const lost = shardCells<string>(manifest.cells, { index: 1, count: 2 });

    const first = await pod(shardPod, real, { JOB_COMPLETION_INDEX: "0", AMCL_INDEX_FAILURES: "0" });
    assert.equal(first.code, 0, first.stderr);
    await Deno.stat(`${out}/k8s/status/0.ok`);
    // Shard 1 fails its last allowed attempt (the second): it gives up and says so.
    const failed = await pod(shardPod, fake, {
      JOB_COMPLETION_INDEX: "1",
      AMCL_INDEX_FAILURES: "1",
      FAKE_RC: "7",
    });
    assert.equal(failed.code, 7);
    assert.match(await Deno.readTextFile(`${out}/k8s/status/1.failed`), /exit code 7 on attempt 2/);

    // The merge does not wait for it (600 s wait): it names the shard and its missing cells, exit 1.
    const t0 = Date.now();
    const partial = await pod(mergePod, real, {});
    assert.ok(Date.now() - t0 < 120_000);
    assert.equal(partial.code, 1, partial.stderr);
    assert.match(partial.stderr, /shard 1\/2 gave up: exit code 7/);
    const missingLine = partial.stderr.split("\n").find((l) => l.startsWith("missing cells: "));
    assert.ok(missingLine, partial.stderr);
    for (const id of lost) assert.ok(missingLine.includes(id), `${id} reported missing: ${missingLine}`);

    // The rerun template for shard 1 completes the sweep; the merge then succeeds.
    const rerun = await rerunJob(out, 1);
    const rerunPod = rerun.spec.template.spec.containers[0];
    const again = await pod(rerunPod, real, envOf(rerunPod));
    assert.equal(again.code, 0, again.stderr);
    await Deno.stat(`${out}/k8s/status/1.ok`);
    await assert.rejects(Deno.stat(`${out}/k8s/status/1.failed`));
    const whole = await pod(mergePod, real, {});
    assert.equal(whole.code, 0, whole.stderr);
    const cells = await readCells(out);
    assert.deepEqual([...cells.keys()].sort(), [...manifest.cells].sort());
    for (const r of cells.values()) assert.equal(r.status, "done", `${r.id}: ${r.error ?? ""}`);
  } finally {
    await Deno.remove(`${REPO}/${rel}`, { recursive: true }).catch(() => {});
    await Deno.remove(mnt, { recursive: true }).catch(() => {});
  }
});

Deno.test("k8s: the strict-field check finds a misspelt field the schema alone lets through", () => {
  const job = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: "x", labels: { anything: "goes" } },
    spec: {
      completionMode: "Indexed",
      template: { spec: { containers: [{ name: "c", image: "i", resources: { requests: { cpu: "1" } } }] } },
      backofLimitPerIndex: 2,
    },
  };
  new Job(job as never).validate(); // the OpenAPI schema allows unknown fields
  assert.deepEqual(unknownFields(validateJob as Validate, job), ["/spec/backofLimitPerIndex"]);
  assert.throws(() =>
    new Job({ ...job, spec: { ...job.spec, completionMode: "Indexd" } } as never).validate()
  );
});

Deno.test("k8s/slurm: bad --emit input is one clear error", async () => {
  const rel = `tests/artifacts/cluster-bad-${Date.now().toString(36)}`;
  try {
    const cases: Array<[string[], RegExp]> = [
      [["--emit", "nomad"], /nomad.*slurm, k8s/],
      [["--emit", "slurm", "--shards", "3"], /3 shards but only 2 cells/],
      [["--emit", "k8s", "--emit-opt", "gpu=1"], /gpu=1.*gpus/],
      [
        ["--emit", "slurm", "--workers", "2", "--emit-opt", "workers=3"],
        /--workers 2 and --emit-opt workers=3/,
      ],
      [
        ["--emit", "k8s", "--emit-opt", "mergeWaitSeconds=soon"],
        /mergeWaitSeconds=soon: expected a whole number/,
      ],
    ];
    for (const [flags, message] of cases) {
      const r = await run(DENO, ["task", "bench", ...SWEEP, ...flags, "--out", rel]);
      assert.notEqual(r.code, 0, `${flags.join(" ")} should fail`);
      const lines = r.stderr.split("\n").filter((l) => l.trim() && !/^\S*Task\S* /.test(l));
      assert.equal(lines.length, 1, `one line for ${flags.join(" ")}:\n${r.stderr}`);
      assert.match(lines[0], message);
    }
  } finally {
    await Deno.remove(`${REPO}/${rel}`, { recursive: true }).catch(() => {});
  }
});
