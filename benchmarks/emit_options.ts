/**
 * The settings of `--emit slurm|k8s` (`--emit-opt key=value`), their defaults and checks,
 * and the request an emitter works from.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";

/** Emit targets. */
export const EMIT_TARGETS = ["slurm", "k8s"] as const;
/** An emit target. */
export type EmitTarget = typeof EMIT_TARGETS[number];

/**
 * Settings of each target, with defaults. Empty means "derived": `gpus` (1 at paper scale,
 * 0 at cpu scale), `workers` (Slurm: `$SLURM_CPUS_PER_TASK`; Kubernetes: the `cpu`
 * setting; 1 on GPU shards), `mem` (Slurm: `memPerCpu` × CPUs), `memory` (Kubernetes:
 * 2Gi per CPU, 8Gi on GPU shards), `mergeWaitSeconds`/`mergeTimeoutSeconds` (from the
 * shard timeout, retries and waves), `parallelism` (all shards at once).
 * The defaults are modest (1 CPU per shard: by default each shard holds about one cell,
 * and a cell trains single-threaded on CPU); raise `cpus`/`cpu` when shards hold many cells.
 */
export const EMIT_OPTIONS: Record<EmitTarget, Record<string, string>> = {
  slurm: {
    jobName: "amcl",
    partition: "",
    account: "",
    time: "24:00:00",
    gpus: "",
    cpus: "1",
    memPerCpu: "2G",
    mem: "",
    workers: "",
    deno: "deno",
    workdir: "",
    mergeDependency: "afterany",
    mergeTime: "01:00:00",
    mergeCpus: "1",
    mergeMem: "1G",
  },
  k8s: {
    name: "amcl",
    namespace: "default",
    image: "amcl-bench:latest",
    workdir: "/app",
    gpus: "",
    gpuResource: "nvidia.com/gpu",
    cpu: "1",
    memory: "",
    workers: "",
    parallelism: "",
    resultsClaim: "amcl-results",
    resultsMount: "/results",
    dataClaim: "amcl-data",
    dataMount: "/data",
    backoffLimitPerIndex: "2",
    shardTimeoutSeconds: "86400",
    mergeWaitSeconds: "",
    mergeTimeoutSeconds: "",
    mergeCpu: "250m",
    mergeMemory: "1Gi",
  },
};

/** What to emit. */
export interface EmitRequest {
  target: string;
  /** Sweep folder as shards will see it. */
  out: string;
  /** Shard count. */
  shards: number;
  /** Cells of the sweep (shards ≤ cells). */
  cells: number;
  /** Scale, for the GPU default (1 at paper scale, 0 at cpu). */
  scale: string;
  /** Bench flags every shard repeats (preset, scale, sets, seeds, dataset, backend, workers). */
  benchArgs: string[];
  /** `--emit-opt key=value` flags. */
  options: string[];
}

/** Checks the target name. */
export function checkTarget(target: string): EmitTarget {
  if (!(EMIT_TARGETS as readonly string[]).includes(target)) {
    throw new UserError(`--emit ${target}: unknown target; use one of ${EMIT_TARGETS.join(", ")}`);
  }
  return target as EmitTarget;
}

/** Settings whose value must be a whole number (≥ the given minimum) when set. */
const WHOLE: Record<EmitTarget, Record<string, number>> = {
  slurm: { gpus: 0, cpus: 1, workers: 1, mergeCpus: 1 },
  k8s: {
    gpus: 0,
    workers: 1,
    parallelism: 1,
    backoffLimitPerIndex: 0,
    shardTimeoutSeconds: 1,
    mergeWaitSeconds: 1,
    mergeTimeoutSeconds: 1,
  },
};

/** Parses `--emit-opt` flags over the target's defaults and checks the numeric ones. */
export function emitOptions(target: EmitTarget, flags: string[], scale: string): Record<string, string> {
  const opts = { ...EMIT_OPTIONS[target] };
  for (const f of flags) {
    const eq = f.indexOf("=");
    const key = eq > 0 ? f.slice(0, eq) : f;
    if (eq <= 0 || !(key in opts)) {
      throw new UserError(
        `--emit-opt ${f}: unknown ${target} setting; use key=value with key one of ${
          Object.keys(opts).join(", ")
        }`,
      );
    }
    opts[key] = f.slice(eq + 1);
  }
  if (opts.gpus === "") opts.gpus = scale === "paper" ? "1" : "0";
  for (const [key, min] of Object.entries(WHOLE[target])) {
    const v = opts[key];
    if (v !== "" && (!/^\d+$/.test(v) || Number(v) < min)) {
      throw new UserError(`--emit-opt ${key}=${v}: expected a whole number ≥ ${min}`);
    }
  }
  if (target === "k8s") k8sCpus(opts.cpu);
  return opts;
}

/** CPUs of a Kubernetes CPU quantity ("2", "1.5", "500m"). */
export function k8sCpus(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(quantity);
  const cpus = m ? Number(m[1]) / (m[2] ? 1000 : 1) : NaN;
  if (!(cpus > 0)) {
    throw new UserError(
      `--emit-opt cpu=${quantity}: expected a Kubernetes CPU quantity such as 1, 2.5 or 500m`,
    );
  }
  return cpus;
}

/**
 * The shards' bench flags with `--workers`: a `--workers` given to bench is kept; else the
 * `workers` setting; else `fallback` (a shell word: the CPUs the scheduler grants), or 1
 * when the shard has GPUs (one worker per GPU, as bench does locally).
 */
export function withWorkers(benchArgs: string[], o: Record<string, string>, fallback: string): string[] {
  const given = benchArgs.indexOf("--workers");
  if (given >= 0) {
    if (o.workers !== "" && o.workers !== benchArgs[given + 1]) {
      throw new UserError(
        `--workers ${benchArgs[given + 1]} and --emit-opt workers=${o.workers} disagree; give one of them`,
      );
    }
    return benchArgs;
  }
  const workers = o.workers !== "" ? o.workers : Number(o.gpus) > 0 ? "1" : fallback;
  return [...benchArgs, "--workers", workers];
}
