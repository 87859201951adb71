/**
 * The runner: runs the cells of a sweep that have no finished record yet, each in a fresh
 * module Web Worker (at most `workers` at once) or in this process, writes each record
 * atomically as it arrives, and rewrites `results.csv` after each. A failing cell is
 * recorded with its reason and the sweep goes on.
 *
 * Resume: a cell with a "done" record is skipped; a cell killed mid-run resumes from the
 * checkpoints its executor keeps in `OUT/cells/ID/`. A fresh worker per cell means a cell's
 * result never depends on which cells ran before it or on how many workers ran.
 *
 * @module
 */
import type { CellExecutor } from "./executor.ts";
import type { Cell } from "./grid.ts";
import type { CellRecord } from "./record.ts";
import type { ProgressSink } from "./progress.ts";
import { QuietProgress } from "./progress.ts";
import { cellDirPath, readRecord, writeRecord, writeResults } from "./store.ts";
import { failedRecord } from "./failed_record.ts";
import { cleanStaleTemps } from "./atomic.ts";
import type { RunMessage, WorkerReply } from "./worker_protocol.ts";

/** Options of {@link runCells}. */
export interface RunOptions {
  /** Sweep folder. */
  out: string;
  /** Preset name (for records). */
  preset: string;
  /** The cells this process runs (a shard's share, or all). */
  cells: Cell[];
  /** Ids of every cell of the sweep (results.csv lists their records). */
  allIds: string[];
  /**
   * The executor: a module URL (run in Web Workers) or a function (run in this process,
   * one cell at a time; tests).
   */
  executor: string | CellExecutor;
  /** Worker count (module executors). */
  workers: number;
  /** Backend name handed to the executor. */
  backend: string;
  /** Threads per cell handed to the executor (native backend); absent = the library's default. */
  threads?: number;
  /** Code commit, for records of crashed cells. */
  commit?: string;
  /** Keep a finished cell's checkpoint folder (default: removed after its record is written). */
  keepCheckpoints?: boolean;
  progress?: ProgressSink;
  signal?: AbortSignal;
}

/** What a run did. */
export interface RunSummary {
  /** Cells of this run (after sharding). */
  total: number;
  /** Cells skipped because a finished record existed. */
  skipped: number;
  done: number;
  failed: Array<{ id: string; error: string }>;
  /** True when the run was aborted before every cell ran. */
  aborted: boolean;
}

interface Job {
  cell: Cell;
  startedAt: Date;
  t0: number;
}

/** Runs `opts.cells`, skipping finished ones. */
export async function runCells(opts: RunOptions): Promise<RunSummary> {
  const progress = opts.progress ?? new QuietProgress();
  await Deno.mkdir(`${opts.out}/cells`, { recursive: true });
  await cleanStaleTemps(`${opts.out}/cells`);
  await cleanStaleTemps(opts.out);
  const todo: Cell[] = [];
  let skipped = 0;
  for (const cell of opts.cells) {
    const r = await readRecord(opts.out, cell.id);
    if (r?.status === "done") skipped++;
    else todo.push(cell);
  }
  const summary: RunSummary = { total: opts.cells.length, skipped, done: 0, failed: [], aborted: false };
  const workers = typeof opts.executor === "string" ? Math.max(1, Math.min(opts.workers, todo.length)) : 1;
  progress.sweepStart(todo.length, skipped, workers, todo);

  // Records are written one at a time so that each results.csv rewrite sees every record before it.
  let writes: Promise<void> = Promise.resolve();
  const finish = (job: Job, record: CellRecord) => {
    writes = writes.then(() => store(job, record));
    return writes;
  };
  const store = async (job: Job, record: CellRecord) => {
    await writeRecord(opts.out, record);
    await writeResults(opts.out, opts.allIds);
    if (record.status === "done" && !opts.keepCheckpoints) {
      await Deno.remove(cellDirPath(opts.out, record.id), { recursive: true }).catch(() => {});
    }
    if (record.status === "done") summary.done++;
    else summary.failed.push({ id: record.id, error: record.error ?? "unknown" });
    progress.cellEnd(job.cell.id, record, (performance.now() - job.t0) / 1000);
  };
  const crash = (job: Job, error: string) =>
    failedRecord(
      job.cell.id,
      opts.preset,
      job.cell.config,
      error,
      opts.backend,
      opts.commit ?? "unknown",
      job.startedAt,
    );
  const checkRecord = (job: Job, r: CellRecord): CellRecord =>
    r && r.id === job.cell.id && (r.status === "done" || r.status === "failed")
      ? r
      : crash(job, `executor returned a record for ${r?.id ?? "nothing"} instead of ${job.cell.id}`);

  let next = 0;
  const take = (): Job | null => {
    if (opts.signal?.aborted || next >= todo.length) return null;
    const cell = todo[next++];
    return { cell, startedAt: new Date(), t0: performance.now() };
  };

  const lane = async (): Promise<void> => {
    for (let job = take(); job; job = take()) {
      await Deno.mkdir(cellDirPath(opts.out, job.cell.id), { recursive: true });
      progress.cellStart(job.cell.id, job.cell.config);
      const result = typeof opts.executor === "string"
        ? await runInWorker(opts, opts.executor, job, progress)
        : await runInProcess(opts, opts.executor, job, progress);
      if (result === "aborted") {
        summary.aborted = true;
        return;
      }
      await finish(job, "error" in result ? crash(job, result.error) : checkRecord(job, result.record));
    }
  };
  await Promise.all(Array.from({ length: workers }, () => lane()));
  if (opts.signal?.aborted) summary.aborted = true;
  progress.sweepEnd();
  return summary;
}

type Outcome = { record: CellRecord } | { error: string } | "aborted";

async function runInProcess(opts: RunOptions, execute: CellExecutor, job: Job, progress: ProgressSink) {
  const id = job.cell.id;
  try {
    const record = await execute(job.cell.config, {
      outDir: opts.out,
      cellDir: cellDirPath(opts.out, id),
      id,
      preset: opts.preset,
      backend: opts.backend,
      threads: opts.threads,
      workers: opts.workers,
      signal: opts.signal ?? new AbortController().signal,
      progress: (p) => progress.cellProgress(id, p),
    });
    if (opts.signal?.aborted) return "aborted" as const;
    return { record };
  } catch (e) {
    if (opts.signal?.aborted) return "aborted" as const;
    return { error: (e as Error)?.message ?? String(e) };
  }
}

function runInWorker(opts: RunOptions, executor: string, job: Job, progress: ProgressSink): Promise<Outcome> {
  const id = job.cell.id;
  const worker = new Worker(new URL("./worker.ts", import.meta.url).href, { type: "module" });
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const settle = (o: Outcome) => {
      if (settled) return;
      settled = true;
      opts.signal?.removeEventListener("abort", onAbort);
      worker.terminate();
      resolve(o);
    };
    const onAbort = () => settle("aborted");
    opts.signal?.addEventListener("abort", onAbort);
    worker.onmessage = (ev: MessageEvent<WorkerReply>) => {
      const m = ev.data;
      if (m.type === "progress") progress.cellProgress(id, m.progress);
      else if (m.type === "result") settle({ record: m.record });
      else settle({ error: m.user ? m.message : `${m.message}${m.stack ? `\n${m.stack}` : ""}` });
    };
    worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault();
      settle({ error: `worker crashed: ${ev.message}` });
    };
    const msg: RunMessage = {
      type: "run",
      executor,
      config: job.cell.config,
      id,
      preset: opts.preset,
      outDir: opts.out,
      cellDir: cellDirPath(opts.out, id),
      backend: opts.backend,
      threads: opts.threads,
      workers: opts.workers,
    };
    if (opts.signal?.aborted) settle("aborted");
    else worker.postMessage(msg);
  });
}
