/**
 * `--emit slurm|k8s`: writes what runs a sweep's shards on an existing cluster scheduler,
 * and a final merge step, instead of running it here.
 *
 * - `slurm`: `OUT/slurm/shards.sbatch` (a job array, one task per shard),
 *   `OUT/slurm/merge.sbatch` and `OUT/slurm/submit.sh`, which submits the array and the
 *   merge with an `afterany` dependency (the merge reports missing cells of failed shards).
 * - `k8s`: `OUT/k8s/sweep.yaml`: an Indexed Job (one pod per shard, shard index from
 *   `JOB_COMPLETION_INDEX`) and a merge Job that waits until every shard has finished or
 *   given up (or a timeout), then merges and reports what is missing;
 *   `OUT/k8s/rerun-shard.yaml`: a one-pod Job template that reruns one shard.
 *
 * Shards run the `bench` task's own command line (see emit_command.ts) with `--workers`
 * set to the CPUs the scheduler grants. Settings (`--emit-opt key=value`, listed in
 * {@link EMIT_OPTIONS}) name the image, GPUs, volumes, partition, resources and times.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import { checkTarget, emitOptions, type EmitRequest } from "./emit_options.ts";
import { toYamlDocuments } from "./yaml.ts";
import { writeAtomic } from "./atomic.ts";
import { slurmFiles } from "./emit_slurm.ts";
import { k8sObjects, k8sRerunJob } from "./emit_k8s.ts";

export { shQuote } from "./emit_command.ts";
export {
  checkTarget,
  EMIT_OPTIONS,
  EMIT_TARGETS,
  emitOptions,
  type EmitRequest,
  type EmitTarget,
  k8sCpus,
  withWorkers,
} from "./emit_options.ts";

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
  const files: Record<string, string> = target === "slurm" ? slurmFiles(req, o) : {
    "sweep.yaml": toYamlDocuments(k8sObjects(req, o)),
    "rerun-shard.yaml": toYamlDocuments([k8sRerunJob(req, o)]),
  };
  const paths: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const p = `${dir}/${name}`;
    await writeAtomic(p, text);
    if (name.endsWith(".sh") || name.endsWith(".sbatch")) await Deno.chmod(p, 0o755).catch(() => {});
    paths.push(p);
  }
  return paths;
}
