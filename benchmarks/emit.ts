/**
 * `--emit slurm|k8s`: writes what runs a sweep's shards on an existing cluster scheduler,
 * and a final merge step, instead of running it here.
 *
 * - `slurm`: `OUT/slurm/shards.sbatch` (a job array, one task per shard),
 *   `OUT/slurm/merge.sbatch` and `OUT/slurm/submit.sh`, which submits the array and the
 *   merge with an `afterany` dependency (the merge reports missing cells of failed shards).
 * - `k8s`: `OUT/k8s/sweep.yaml`: an Indexed Job (one pod per shard, shard index from
 *   `JOB_COMPLETION_INDEX`) and a merge Job that waits for every shard's marker.
 *
 * Settings (`--emit-opt key=value`) name the image, GPUs, volumes, partition, time.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { Plain } from "./yaml.ts";
import { toYamlDocuments } from "./yaml.ts";
import { writeAtomic } from "./atomic.ts";

/** Emit targets. */
export const EMIT_TARGETS = ["slurm", "k8s"] as const;
/** An emit target. */
export type EmitTarget = typeof EMIT_TARGETS[number];

/** Settings of each target, with defaults. */
export const EMIT_OPTIONS: Record<EmitTarget, Record<string, string>> = {
  slurm: {
    jobName: "amcl",
    partition: "",
    account: "",
    time: "24:00:00",
    gpus: "",
    cpus: "4",
    mem: "16G",
    deno: "deno",
    workdir: "",
    mergeDependency: "afterany",
  },
  k8s: {
    name: "amcl",
    namespace: "default",
    image: "amcl-bench:latest",
    workdir: "/app",
    gpus: "",
    gpuResource: "nvidia.com/gpu",
    cpu: "4",
    memory: "16Gi",
    parallelism: "",
    resultsClaim: "amcl-results",
    resultsMount: "/results",
    dataClaim: "amcl-data",
    dataMount: "/data",
    backoffLimitPerIndex: "2",
    mergeTimeoutSeconds: "604800",
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

/** Parses `--emit-opt` flags over the target's defaults. */
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
  if (!/^\d+$/.test(opts.gpus)) throw new UserError(`--emit-opt gpus=${opts.gpus}: expected a whole number`);
  return opts;
}

/** Quotes a word for POSIX sh. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'"'"'`)}'`;
}

/** The deno command line of one shard (`$SHARD` expands to the shard index). */
export function shardCommand(deno: string, out: string, shards: number, benchArgs: string[]): string {
  return [
    deno,
    "run",
    "--allow-read",
    `--allow-write=.,${out}`,
    "--allow-env",
    "--allow-sys",
    "benchmarks/bench_main.ts",
    ...benchArgs.map(shQuote),
    "--out",
    shQuote(out),
    "--shard",
    `"$SHARD/${shards}"`,
    "--no-report",
  ].join(" ");
}

/** The deno command line of the merge step. */
export function mergeCommand(deno: string, out: string): string {
  return [
    deno,
    "run",
    "--allow-read",
    `--allow-write=.,${out}`,
    "--allow-env",
    "benchmarks/merge_main.ts",
    shQuote(out),
  ]
    .join(" ");
}

/** The Slurm files: name → content. */
export function slurmFiles(req: EmitRequest, o: Record<string, string>): Record<string, string> {
  const header = (name: string, extra: string[]) =>
    [
      "#!/bin/bash",
      `#SBATCH --job-name=${o.jobName}-${name}`,
      o.partition ? `#SBATCH --partition=${o.partition}` : "",
      o.account ? `#SBATCH --account=${o.account}` : "",
      ...extra,
      `#SBATCH --output=${req.out}/slurm/%x-%A_%a.log`,
    ].filter((l) => l !== "");
  const workdir = o.workdir || Deno.cwd();
  // Slurm resolves relative paths against the submitting shell's folder: make OUT absolute.
  req = { ...req, out: req.out.startsWith("/") ? req.out : `${workdir}/${req.out.replace(/^\.\//, "")}` };
  const shards = [
    ...header(
      "shards",
      [
        `#SBATCH --array=0-${req.shards - 1}`,
        `#SBATCH --time=${o.time}`,
        `#SBATCH --cpus-per-task=${o.cpus}`,
        `#SBATCH --mem=${o.mem}`,
        Number(o.gpus) > 0 ? `#SBATCH --gpus-per-task=${o.gpus}` : "",
      ].filter((l) => l !== ""),
    ),
    "set -euo pipefail",
    `cd ${shQuote(workdir)}`,
    'SHARD="${SLURM_ARRAY_TASK_ID}"',
    shardCommand(o.deno, req.out, req.shards, req.benchArgs),
    "",
  ].join("\n");
  const merge = [
    ...header("merge", ["#SBATCH --time=01:00:00", "#SBATCH --cpus-per-task=1", "#SBATCH --mem=4G"]),
    "set -euo pipefail",
    `cd ${shQuote(workdir)}`,
    mergeCommand(o.deno, req.out),
    "",
  ].join("\n");
  const dir = `${req.out}/slurm`;
  const submit = [
    "#!/bin/bash",
    `# Submits the ${req.shards} shards of this sweep as a job array, then the merge (${o.mergeDependency}).`,
    `# Resubmit one failed shard alone:  sbatch --array=I ${dir}/shards.sbatch  (then rerun the merge)`,
    "set -euo pipefail",
    `array=$(sbatch --parsable ${shQuote(`${dir}/shards.sbatch`)})`,
    `array=\${array%%;*}`,
    `merge=$(sbatch --parsable --dependency=${o.mergeDependency}:\${array} ${
      shQuote(`${dir}/merge.sbatch`)
    })`,
    'echo "submitted shards ${array} and merge ${merge%%;*}"',
    "",
  ].join("\n");
  return { "shards.sbatch": shards, "merge.sbatch": merge, "submit.sh": submit };
}

/** The Kubernetes objects: the Indexed Job of the shards and the merge Job. */
export function k8sObjects(req: EmitRequest, o: Record<string, string>): Plain[] {
  const out = `${o.resultsMount}/${req.out.replace(/^\.?\/*/, "")}`;
  const gpus = Number(o.gpus);
  const resources = {
    requests: { cpu: o.cpu, memory: o.memory, ...(gpus > 0 ? { [o.gpuResource]: String(gpus) } : {}) },
    limits: { memory: o.memory, ...(gpus > 0 ? { [o.gpuResource]: String(gpus) } : {}) },
  };
  const volumes: Plain = [
    { name: "results", persistentVolumeClaim: { claimName: o.resultsClaim } },
    { name: "data", persistentVolumeClaim: { claimName: o.dataClaim, readOnly: true } },
  ];
  const mounts: Plain = [
    { name: "results", mountPath: o.resultsMount },
    { name: "data", mountPath: o.dataMount, readOnly: true },
  ];
  const env: Plain = [{ name: "AMCL_DATA", value: o.dataMount }];
  const labels = { app: "amcl-bench", sweep: o.name };
  const shardJob: Plain = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${o.name}-shards`, namespace: o.namespace, labels },
    spec: {
      completionMode: "Indexed",
      completions: req.shards,
      parallelism: o.parallelism ? Number(o.parallelism) : req.shards,
      backoffLimitPerIndex: Number(o.backoffLimitPerIndex),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "shard",
            image: o.image,
            workingDir: o.workdir,
            command: [
              "sh",
              "-c",
              `SHARD="$JOB_COMPLETION_INDEX"; ${shardCommand("deno", out, req.shards, req.benchArgs)}`,
            ],
            env,
            resources,
            volumeMounts: mounts,
          }],
          volumes,
        },
      },
    },
  };
  const wait =
    `until [ "$(ls ${out}/shards/*-of-${req.shards}.json 2>/dev/null | wc -l)" -ge ${req.shards} ]; ` +
    `do sleep 30; done`;
  const mergeJob: Plain = {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: `${o.name}-merge`, namespace: o.namespace, labels },
    spec: {
      completions: 1,
      backoffLimit: 2,
      activeDeadlineSeconds: Number(o.mergeTimeoutSeconds),
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          containers: [{
            name: "merge",
            image: o.image,
            workingDir: o.workdir,
            command: ["sh", "-c", `${wait}; ${mergeCommand("deno", out)}`],
            env,
            resources: { requests: { cpu: "1", memory: "2Gi" }, limits: { memory: "4Gi" } },
            volumeMounts: mounts,
          }],
          volumes,
        },
      },
    },
  };
  return [shardJob, mergeJob];
}

/** Writes the files of `req.target` under OUT and returns their paths. */
export async function emit(req: EmitRequest): Promise<string[]> {
  const target = checkTarget(req.target);
  if (!Number.isInteger(req.shards) || req.shards < 1) {
    throw new UserError(`--shards ${req.shards}: expected a whole number ≥ 1`);
  }
  if (req.shards > req.cells) {
    throw new UserError(
      `${req.shards} shards but only ${req.cells} cells; use --shards ${req.cells} or fewer`,
    );
  }
  const o = emitOptions(target, req.options, req.scale);
  const dir = `${req.out}/${target}`;
  await Deno.mkdir(dir, { recursive: true });
  const files = target === "slurm"
    ? slurmFiles(req, o)
    : { "sweep.yaml": toYamlDocuments(k8sObjects(req, o)) };
  const paths: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const p = `${dir}/${name}`;
    await writeAtomic(p, text);
    if (name.endsWith(".sh") || name.endsWith(".sbatch")) await Deno.chmod(p, 0o755).catch(() => {});
    paths.push(p);
  }
  return paths;
}
