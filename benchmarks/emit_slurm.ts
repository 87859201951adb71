/**
 * `--emit slurm`: a job array of shards (`shards.sbatch`), a merge job (`merge.sbatch`) and
 * `submit.sh`, which submits the array and then the merge with a dependency on it.
 *
 * @module
 */
import { shQuote, taskCommand } from "./emit_command.ts";
import { type EmitRequest, withWorkers } from "./emit_options.ts";

/** `--workers` of a shard when neither bench nor the settings name it: the CPUs Slurm granted. */
export const SLURM_WORKERS = '"${SLURM_CPUS_PER_TASK:-1}"';

/** The Slurm files, name → content, for settings `o` (see EMIT_OPTIONS.slurm). */
export function slurmFiles(req: EmitRequest, o: Record<string, string>): Record<string, string> {
  const workdir = o.workdir || Deno.cwd();
  // Slurm resolves relative paths against the submitting shell's folder: make OUT absolute.
  const out = req.out.startsWith("/") ? req.out : `${workdir}/${req.out.replace(/^\.\//, "")}`;
  const dir = `${out}/slurm`;
  const header = (name: string, log: string, extra: string[]) => [
    "#!/bin/bash",
    `#SBATCH --job-name=${o.jobName}-${name}`,
    ...(o.partition ? [`#SBATCH --partition=${o.partition}`] : []),
    ...(o.account ? [`#SBATCH --account=${o.account}`] : []),
    ...extra,
    `#SBATCH --output=${dir}/${log}`,
  ];
  const benchArgs = withWorkers(req.benchArgs, o, SLURM_WORKERS);
  const shardArgs = [
    ...benchArgs.map((a) => a === SLURM_WORKERS ? a : shQuote(a)),
    "--out",
    shQuote(out),
    "--shard",
    `"$SHARD/${req.shards}"`,
    "--no-report",
  ];
  const shards = [
    // One log per array task: %A the array's job id, %a the task (shard) index.
    ...header("shards", "%x-%A_%a.log", [
      `#SBATCH --array=0-${req.shards - 1}`,
      `#SBATCH --time=${o.time}`,
      `#SBATCH --cpus-per-task=${o.cpus}`,
      o.mem ? `#SBATCH --mem=${o.mem}` : `#SBATCH --mem-per-cpu=${o.memPerCpu}`,
      ...(Number(o.gpus) > 0 ? [`#SBATCH --gpus-per-task=${o.gpus}`] : []),
    ]),
    "set -euo pipefail",
    `cd ${shQuote(workdir)}`,
    'SHARD="${SLURM_ARRAY_TASK_ID}"',
    taskCommand("bench", o.deno, out, shardArgs),
    "",
  ].join("\n");
  const merge = [
    // Not an array job: %j, the job id (%a would read 4294967294).
    ...header("merge", "%x-%j.log", [
      `#SBATCH --time=${o.mergeTime}`,
      `#SBATCH --cpus-per-task=${o.mergeCpus}`,
      `#SBATCH --mem=${o.mergeMem}`,
    ]),
    "set -euo pipefail",
    `cd ${shQuote(workdir)}`,
    taskCommand("merge", o.deno, out, [shQuote(out)]),
    "",
  ].join("\n");
  const submit = [
    "#!/bin/bash",
    `# Submits the ${req.shards} shards of this sweep as a job array, then the merge (${o.mergeDependency}).`,
    `# Resubmit one failed shard alone, then the merge again:`,
    `#   j=$(sbatch --parsable --array=I ${dir}/shards.sbatch)`,
    `#   sbatch --dependency=afterany:\${j%%;*} ${dir}/merge.sbatch`,
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
