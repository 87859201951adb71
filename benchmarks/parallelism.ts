/**
 * How a sweep fills the machine: workers (cells at once) × threads per cell. Only the
 * native backend computes on several threads; the others run one thread per worker. With
 * nothing given, a native sweep runs one worker per cell up to the core count and gives
 * each worker an equal share of the cores (workers × threads ≤ cores, never more), since
 * cells in parallel scale better than threads inside one small cell. A flag that is given is
 * kept as given; the other is derived from it.
 *
 * @module
 */

/** The choice, as recorded in each cell's environment. */
export interface Parallelism {
  workers: number;
  threads: number;
}

/** Workers × threads for a sweep of `cells` cells on `cores` cores (see the module doc). */
export function planParallelism(o: {
  backend: string;
  cores: number;
  cells: number;
  /** `--workers`, when given. */
  workers?: number;
  /** `--threads`, when given. */
  threads?: number;
  /** The worker count without flags for this backend (GPU backends: 1). */
  defaultWorkers: number;
}): Parallelism {
  const cores = Math.max(1, Math.floor(o.cores) || 1);
  if (o.backend !== "native") return { workers: o.workers ?? o.defaultWorkers, threads: 1 };
  if (o.workers !== undefined && o.threads !== undefined) return { workers: o.workers, threads: o.threads };
  if (o.threads !== undefined) {
    return { workers: Math.max(1, Math.floor(cores / o.threads)), threads: o.threads };
  }
  const workers = o.workers ?? Math.max(1, Math.min(cores, o.cells));
  return { workers, threads: Math.max(1, Math.floor(cores / workers)) };
}
