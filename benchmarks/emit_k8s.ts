/**
 * `--emit k8s`: an Indexed Job of shards (one pod per shard, `--shard
 * $JOB_COMPLETION_INDEX/n`), a merge Job, and a one-pod Job template that reruns one shard.
 *
 * Pods share the results volume, so shards and merge talk through files there: each shard
 * pod writes `OUT/k8s/status/I.ok` when it succeeds, or `I.failed` when its last allowed
 * attempt fails (it knows the attempt from the pod's `job-index-failure-count`
 * annotation); every failure is caught, a run past `shardTimeoutSeconds` included. The
 * merge Job waits until each shard has one of the two, or until `mergeWaitSeconds`
 * (a backstop for pods lost without a word, e.g. with their node), then merges, names
 * the shards that gave up, lists the missing cells and exits non-zero when any is missing
 * or failed.
 *
 * @module
 */
import type { Plain } from "./yaml.ts";
import { shQuote, taskCommand } from "./emit_command.ts";
import { type EmitRequest, k8sCpus, withWorkers } from "./emit_options.ts";

/** The annotation Kubernetes keeps an index's failed attempts in (with `backoffLimitPerIndex`). */
export const FAILURE_COUNT_ANNOTATION = "batch.kubernetes.io/job-index-failure-count";
/** Where in a rerun template the shard index goes (`sed 's/@INDEX@/3/g'`). */
export const INDEX_PLACEHOLDER = "@INDEX@";

/** The sweep folder as pods see it (under the results volume). */
export function k8sOut(req: EmitRequest, o: Record<string, string>): string {
  return `${o.resultsMount}/${req.out.replace(/^\.?\/*/, "")}`;
}

/** Seconds the merge waits for the shards, and the merge Job's deadline. */
export function mergeTimes(req: EmitRequest, o: Record<string, string>): { wait: number; deadline: number } {
  const parallel = o.parallelism ? Number(o.parallelism) : req.shards;
  const waves = Math.ceil(req.shards / Math.min(parallel, req.shards));
  const attempts = Number(o.backoffLimitPerIndex) + 1;
  // Every wave may use every attempt up to the shard timeout (+ 60 s for the kill, 10 min slack).
  const wait = o.mergeWaitSeconds
    ? Number(o.mergeWaitSeconds)
    : waves * attempts * (Number(o.shardTimeoutSeconds) + 60) + 600;
  return { wait, deadline: o.mergeTimeoutSeconds ? Number(o.mergeTimeoutSeconds) : wait + 3600 };
}

/**
 * The shard pod's shell script: runs shard `$JOB_COMPLETION_INDEX` under a time limit and
 * leaves its status file; `retries` is how many failed attempts the scheduler retries.
 */
export function shardScript(req: EmitRequest, o: Record<string, string>, retries: number): string {
  const out = k8sOut(req, o);
  const status = shQuote(`${out}/k8s/status`);
  const workers = Number(o.gpus) > 0 ? "1" : String(Math.max(1, Math.floor(k8sCpus(o.cpu))));
  const args = [
    ...withWorkers(req.benchArgs, o, workers).map(shQuote),
    "--out",
    shQuote(out),
    "--shard",
    `"$SHARD/${req.shards}"`,
    "--no-report",
  ];
  const seconds = Number(o.shardTimeoutSeconds);
  return [
    `SHARD="$JOB_COMPLETION_INDEX"`,
    `status=${status}`,
    `mkdir -p "$status" && rm -f "$status/$SHARD.ok" "$status/$SHARD.failed" || exit 1`,
    `rc=0`,
    `timeout -k 60 ${seconds} ${taskCommand("bench", "deno", out, args)} || rc=$?`,
    `[ "$rc" -eq 124 ] && echo "shard $SHARD/${req.shards}: stopped after ${seconds} s (shardTimeoutSeconds)" >&2`,
    `failures=\${AMCL_INDEX_FAILURES:-0}`,
    `if [ "$rc" -eq 0 ]; then echo done >"$status/$SHARD.ok"`,
    `elif [ "$failures" -ge ${retries} ]; then`,
    `  echo "exit code $rc on attempt $((failures + 1)), the last allowed" >"$status/$SHARD.failed"`,
    `fi`,
    `exit "$rc"`,
  ].join("\n");
}

/** The merge pod's shell script: waits for every shard's status (or the wait), then merges. */
export function mergeScript(req: EmitRequest, o: Record<string, string>): string {
  const out = k8sOut(req, o);
  const { wait } = mergeTimes(req, o);
  const poll = Math.min(30, Math.max(1, Math.ceil(wait / 10)));
  return [
    `status=${shQuote(`${out}/k8s/status`)}`,
    `pending() {`,
    `  i=0`,
    `  while [ "$i" -lt ${req.shards} ]; do`,
    `    [ -e "$status/$i.ok" ] || [ -e "$status/$i.failed" ] || printf ' %s' "$i"`,
    `    i=$((i + 1))`,
    `  done`,
    `}`,
    `deadline=$(($(date +%s) + ${wait}))`,
    `while [ -n "$(pending)" ]; do`,
    `  if [ "$(date +%s)" -ge "$deadline" ]; then`,
    `    echo "merge: after ${wait} s (mergeWaitSeconds) shards$(pending) of ${req.shards} have not finished; merging what there is" >&2`,
    `    break`,
    `  fi`,
    `  sleep ${poll}`,
    `done`,
    `for f in "$status"/*.failed; do`,
    `  [ -e "$f" ] && echo "merge: shard $(basename "$f" .failed)/${req.shards} gave up: $(cat "$f")" >&2`,
    `done`,
    taskCommand("merge", "deno", out, [shQuote(out)]),
  ].join("\n");
}

interface Parts {
  labels: (component: string) => Record<string, string>;
  volumes: Plain;
  mounts: Plain;
  env: Plain[];
  resources: Plain;
}

function parts(o: Record<string, string>): Parts {
  const gpus = Number(o.gpus);
  const memory = o.memory || (gpus > 0 ? "8Gi" : `${Math.max(1, Math.ceil(2 * k8sCpus(o.cpu)))}Gi`);
  const gpu = gpus > 0 ? { [o.gpuResource]: String(gpus) } : {};
  return {
    labels: (component) => ({ app: "amcl-bench", sweep: o.name, "amcl-bench/component": component }),
    volumes: [
      { name: "results", persistentVolumeClaim: { claimName: o.resultsClaim } },
      { name: "data", persistentVolumeClaim: { claimName: o.dataClaim, readOnly: true } },
    ],
    mounts: [
      { name: "results", mountPath: o.resultsMount },
      { name: "data", mountPath: o.dataMount, readOnly: true },
    ],
    env: [{ name: "AMCL_DATA", value: o.dataMount }],
    resources: { requests: { cpu: o.cpu, memory, ...gpu }, limits: { memory, ...gpu } },
  };
}

function shardPod(p: Parts, o: Record<string, string>, script: string, env: Plain[]): Plain {
  return {
    restartPolicy: "Never",
    containers: [{
      name: "shard",
      image: o.image,
      workingDir: o.workdir,
      command: ["sh", "-c", script],
      env: [...p.env, ...env],
      resources: p.resources,
      volumeMounts: p.mounts,
    }],
    volumes: p.volumes,
  };
}

/** The Kubernetes objects of `sweep.yaml`: the Indexed Job of the shards and the merge Job. */
export function k8sObjects(req: EmitRequest, o: Record<string, string>): Plain[] {
  const p = parts(o);
  const retries = Number(o.backoffLimitPerIndex);
  const failures = {
    name: "AMCL_INDEX_FAILURES",
    valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${FAILURE_COUNT_ANNOTATION}']` } },
  };
  const shardJob: Plain = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${o.name}-shards`, namespace: o.namespace, labels: p.labels("shards") },
    spec: {
      completionMode: "Indexed",
      completions: req.shards,
      parallelism: o.parallelism ? Number(o.parallelism) : req.shards,
      backoffLimitPerIndex: retries,
      // One pod per index at a time (two would write the same cells); a pod evicted or
      // preempted is replaced without using up a retry.
      podReplacementPolicy: "Failed",
      podFailurePolicy: {
        rules: [{ action: "Ignore", onPodConditions: [{ type: "DisruptionTarget", status: "True" }] }],
      },
      template: {
        metadata: { labels: p.labels("shards") },
        spec: shardPod(p, o, shardScript(req, o, retries), [failures]),
      },
    },
  };
  const { deadline } = mergeTimes(req, o);
  const mergeJob: Plain = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${o.name}-merge`, namespace: o.namespace, labels: p.labels("merge") },
    spec: {
      completions: 1,
      backoffLimit: 2,
      activeDeadlineSeconds: deadline,
      // Exit 1 (cells missing or failed) or 2 (bad input) is the answer, not a crash: no retry.
      podFailurePolicy: {
        rules: [{
          action: "FailJob",
          onExitCodes: { containerName: "merge", operator: "In", values: [1, 2] },
        }],
      },
      template: {
        metadata: { labels: p.labels("merge") },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "merge",
            image: o.image,
            workingDir: o.workdir,
            command: ["sh", "-c", mergeScript(req, o)],
            env: p.env,
            resources: {
              requests: { cpu: o.mergeCpu, memory: o.mergeMemory },
              limits: { memory: o.mergeMemory },
            },
            volumeMounts: p.mounts,
          }],
          volumes: p.volumes,
        },
      },
    },
  };
  return [shardJob, mergeJob];
}

/**
 * `rerun-shard.yaml`: a one-pod Job that reruns shard {@link INDEX_PLACEHOLDER} of the
 * sweep (one attempt; it resumes, skipping the shard's finished cells):
 * `sed 's/@INDEX@/3/g' OUT/k8s/rerun-shard.yaml | kubectl apply -f -`.
 */
export function k8sRerunJob(req: EmitRequest, o: Record<string, string>): Plain {
  const p = parts(o);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: `${o.name}-shard-${INDEX_PLACEHOLDER}`,
      namespace: o.namespace,
      labels: p.labels("rerun"),
    },
    spec: {
      completions: 1,
      backoffLimit: 0,
      template: {
        metadata: { labels: p.labels("rerun") },
        spec: shardPod(p, o, shardScript(req, o, 0), [{
          name: "JOB_COMPLETION_INDEX",
          value: INDEX_PLACEHOLDER,
        }]),
      },
    },
  };
}
