/**
 * Kubernetes: the manifest `deno task bench --emit k8s` writes — an Indexed Job of shards
 * and a merge Job — is read back with a YAML parser and validated against the Kubernetes
 * API schema (npm kubernetes-models), with unknown fields refused as `kubectl apply
 * --validate=strict` would; its settings (image, GPUs, volumes) land where they should,
 * and the shard command turns JOB_COMPLETION_INDEX into `--shard i/n`.
 */
import assert from "node:assert/strict";
import { parseAllDocuments } from "yaml";
import { Job } from "kubernetes-models/batch/v1";
import { validate as validateJob } from "kubernetes-models/_schemas/IoK8sApiBatchV1Job";
import { mustRun, REPO, run } from "./slurm_cluster.ts";
import { unknownFields, type Validate } from "./strict_fields.ts";

const DENO = Deno.execPath();
const SWEEP = ["--preset", "smoke", "--backend", "wasm", "--workers", "1"];

// deno-lint-ignore no-explicit-any
type Obj = any;

/** Emits the k8s files of the smoke sweep with `opts` into a fresh folder; returns the parsed documents. */
async function emitK8s(rel: string, opts: string[]): Promise<Obj[]> {
  await mustRun(DENO, ["task", "bench", ...SWEEP, "--emit", "k8s", "--shards", "2", ...opts, "--out", rel]);
  const text = await Deno.readTextFile(`${REPO}/${rel}/k8s/sweep.yaml`);
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.deepEqual(d.errors, [], `YAML errors in ${rel}/k8s/sweep.yaml`);
  return docs.map((d) => d.toJS());
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

/** What the container's `sh -c` command runs, with `deno` replaced by a printer of its arguments. */
async function argsOf(command: string[], env: Record<string, string>): Promise<string[]> {
  assert.deepEqual(command.slice(0, 2), ["sh", "-c"]);
  const script = `deno() { printf '%s\\n' "$@"; }; ${command[2]}`;
  const out = await mustRun("sh", ["-c", script], env);
  return out.trim().split("\n");
}

Deno.test("k8s: emitted Indexed Job + merge Job validate against the API schema and carry the settings", async () => {
  const rel = `tests/artifacts/cluster-k8s-${Date.now().toString(36)}`;
  try {
    const docs = await emitK8s(`${rel}/gpu`, [
      "--emit-opt",
      "image=registry.example.org/amcl-bench:v1",
      "--emit-opt",
      "gpus=1",
      "--emit-opt",
      "resultsClaim=sweeps",
      "--emit-opt",
      "resultsMount=/mnt/results",
      "--emit-opt",
      "dataClaim=datasets",
      "--emit-opt",
      "dataMount=/mnt/data",
    ]);
    assert.equal(docs.length, 2, "the shards Job and the merge Job");
    docs.forEach(assertValidJob);
    const [shards, merge] = docs;

    // One pod per shard, indexed.
    assert.equal(shards.spec.completionMode, "Indexed");
    assert.equal(shards.spec.completions, 2);
    assert.ok(shards.spec.parallelism >= 1 && shards.spec.parallelism <= 2);
    assert.notEqual(merge.spec.completionMode, "Indexed");

    const out = `/mnt/results/${rel}/gpu`;
    for (const job of docs) {
      const pod = job.spec.template.spec;
      assert.equal(pod.containers.length, 1);
      assert.equal(pod.containers[0].image, "registry.example.org/amcl-bench:v1");
      const claims = Object.fromEntries(
        pod.volumes.map((v: Obj) => [v.persistentVolumeClaim.claimName, v.name]),
      );
      assert.deepEqual(Object.keys(claims).sort(), ["datasets", "sweeps"]);
      const mounts = Object.fromEntries(pod.containers[0].volumeMounts.map((m: Obj) => [m.name, m]));
      assert.equal(mounts[claims.sweeps].mountPath, "/mnt/results");
      assert.equal(mounts[claims.datasets].mountPath, "/mnt/data");
      assert.equal(mounts[claims.datasets].readOnly, true, "the data volume is mounted read-only");
      assert.ok(pod.containers[0].env.some((e: Obj) => e.name === "AMCL_DATA" && e.value === "/mnt/data"));
    }
    // GPUs: the shards request them, the merge does not.
    const res = shards.spec.template.spec.containers[0].resources;
    assert.equal(res.requests["nvidia.com/gpu"], "1");
    assert.equal(res.limits["nvidia.com/gpu"], "1", "extended resources need a limit equal to the request");
    assert.equal(merge.spec.template.spec.containers[0].resources.requests?.["nvidia.com/gpu"], undefined);

    // Pod 1 of 2 runs shard 1/2 of this sweep into the results volume.
    const shardArgs = await argsOf(shards.spec.template.spec.containers[0].command, {
      JOB_COMPLETION_INDEX: "1",
    });
    assert.equal(shardArgs[0], "run");
    assert.ok(shardArgs.includes("benchmarks/bench_main.ts"));
    assert.equal(shardArgs[shardArgs.indexOf("--shard") + 1], "1/2");
    assert.equal(shardArgs[shardArgs.indexOf("--out") + 1], out);
    assert.equal(shardArgs[shardArgs.indexOf("--preset") + 1], "smoke");
    assert.ok(shardArgs.some((a) => a.startsWith("--allow-write=") && a.split(/[=,]/).includes(out)));
    // The merge (its wait loop cut off) merges that folder.
    const mergeCmd = merge.spec.template.spec.containers[0].command;
    const mergeArgs = await argsOf(["sh", "-c", mergeCmd[2].replace(/^until .*?done; /, "")], {});
    assert.ok(mergeArgs.includes("benchmarks/merge_main.ts"));
    assert.equal(mergeArgs.at(-1), out);

    // At cpu scale with no gpus setting: no GPU request at all, still valid.
    const cpuDocs = await emitK8s(`${rel}/cpu`, []);
    cpuDocs.forEach(assertValidJob);
    const cpuRes = cpuDocs[0].spec.template.spec.containers[0].resources;
    assert.ok(!JSON.stringify(cpuRes).includes("nvidia.com/gpu"), JSON.stringify(cpuRes));
  } finally {
    await Deno.remove(`${REPO}/${rel}`, { recursive: true }).catch(() => {});
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
