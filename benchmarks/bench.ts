/**
 * `deno task bench` as an API: plan the sweep, then either emit cluster files or run this
 * process's share of the cells (resuming), write the shard marker, render the report and
 * summarise. Returns the exit code: 0 when every cell of this run is done, 1 otherwise.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { Catalog } from "./grid_catalog.ts";
import type { CellExecutor } from "./executor.ts";
import { planSweep, type Sweep, sweepManifest } from "./sweep.ts";
import { parseShard, type Shard, shardCells } from "./shard.ts";
import { openStore, readRecord } from "./store.ts";
import { planSummary } from "./plan_summary.ts";
import { runCells, type RunSummary } from "./runner.ts";
import { makeProgress, type ProgressSink } from "./progress.ts";
import { emit } from "./emit.ts";
import { codeVersion } from "./code_version.ts";
import { gitCommit } from "../core/git_commit.ts";
import { writeAtomic } from "./atomic.ts";
import { planParallelism } from "./parallelism.ts";
import type { Scale } from "./settings.ts";
import type { CellConfig } from "../core/cell_config.ts";

/** Options of {@link runBench} (the command line, parsed). */
export interface BenchOptions {
  preset: string;
  scale: Scale;
  dataset?: string;
  backend: string;
  /** Sweep folder; default `runs/<preset>` (`runs/<preset>-paper` at paper scale). */
  out?: string;
  /** Worker count; default one per core on CPU backends, one on a GPU (native: see parallelism.ts). */
  workers?: number;
  /** Threads per cell (native backend); default: the cores shared out between the workers. */
  threads?: number;
  seeds?: string;
  shard?: string;
  sets: string[];
  force: boolean;
  quiet: boolean;
  /** Emit cluster files instead of running. */
  emit?: string;
  /** Shard count for `emit` (default: one per cell, at most 64). */
  shards?: number;
  emitOpts: string[];
  /** Keep each finished cell's checkpoint folder (default: removed once its record is written). */
  keepCheckpoints?: boolean;
  /** Render the report at the end (when the reports room offers it). */
  report: boolean;
  /** Print the plan (cells per member preset, distinct total, already stored) and stop. */
  dryRun?: boolean;
  /** The executor: module URL (workers) or function (in process). */
  executor: string | CellExecutor;
  catalog: Catalog;
  /** Renders the report of OUT and returns where it is (injected by bench_main). */
  renderReport?: (out: string) => Promise<string>;
  /**
   * Turns `auto` into the backend the cells will use, once, after the sweep is planned
   * (injected by bench_main; without it the name is passed to the workers as given).
   */
  resolveBackend?: (backend: string) => Promise<string>;
  /**
   * Opens and checks the datasets of this run's cells once, before the backend starts or
   * anything is written; throws a `UserError` for one that cannot be read (injected by
   * bench_main: `checkCellDatasets`).
   */
  checkData?: (configs: CellConfig[]) => Promise<void>;
  /** Default worker count for `backend` (injected by bench_main; GPU backends → 1). */
  defaultWorkers?: (backend: string) => number;
  progress?: ProgressSink;
  log?: (line: string) => void;
  signal?: AbortSignal;
}

/** The default sweep folder of a preset at a scale. */
export function defaultOut(preset: string, scale: Scale): string {
  const base = preset.replace(/\.json$/, "").replace(/^.*\//, "");
  return `runs/${base}${scale === "paper" ? "-paper" : ""}`;
}

/** The bench flags a shard repeats to rebuild the same sweep. */
export function benchArgs(o: BenchOptions): string[] {
  const a = ["--preset", o.preset, "--scale", o.scale, "--backend", o.backend];
  if (o.dataset !== undefined) a.push("--dataset", o.dataset);
  if (o.seeds !== undefined) a.push("--seeds", o.seeds);
  if (o.workers !== undefined) a.push("--workers", String(o.workers));
  if (o.threads !== undefined) a.push("--threads", String(o.threads));
  for (const s of o.sets) a.push("--set", s);
  a.push("--quiet");
  return a;
}

async function writeShardMarker(out: string, shard: Shard, summary: RunSummary): Promise<void> {
  await Deno.mkdir(`${out}/shards`, { recursive: true });
  await writeAtomic(
    `${out}/shards/${shard.index}-of-${shard.count}.json`,
    JSON.stringify({
      shard: `${shard.index}/${shard.count}`,
      ...summary,
      finishedAt: new Date().toISOString(),
    }) +
      "\n",
  );
}

/** Ids of the sweep's cells with a finished record in `out`; undefined when `out` has no cells folder. */
async function storedIds(out: string, sweep: Sweep): Promise<Set<string> | undefined> {
  try {
    if (!(await Deno.stat(`${out}/cells`)).isDirectory) return undefined;
  } catch {
    return undefined;
  }
  const done = await Promise.all(
    sweep.cells.map(async (c) => (await readRecord(out, c.id))?.status === "done"),
  );
  return new Set(sweep.cells.filter((_, i) => done[i]).map((c) => c.id));
}

/** Runs `deno task bench`. */
export async function runBench(o: BenchOptions): Promise<number> {
  const log = o.log ?? ((l: string) => console.log(l));
  const say = o.quiet ? () => {} : log;
  const sweep: Sweep = await planSweep(
    { preset: o.preset, scale: o.scale, sets: o.sets, seeds: o.seeds, dataset: o.dataset },
    o.catalog,
  );
  const out = o.out ?? defaultOut(sweep.preset.name, o.scale);
  const version = await codeVersion();
  const manifest = sweepManifest(sweep, version);
  if (sweep.cells.length === 0) throw new UserError(`preset ${sweep.preset.name} has no cells`);
  if (o.dryRun) {
    for (const line of planSummary(sweep, out, await storedIds(out, sweep))) log(line);
    return 0;
  }

  if (o.emit !== undefined) {
    const shards = o.shards ?? Math.min(sweep.cells.length, 64);
    const paths = await emit({
      target: o.emit,
      out,
      shards,
      cells: sweep.cells.length,
      scale: o.scale,
      benchArgs: benchArgs(o),
      options: o.emitOpts,
    });
    await openStore(out, manifest, o.force);
    log(`wrote ${paths.join(", ")} (${sweep.cells.length} cells in ${shards} shards)`);
    log(
      o.emit === "slurm"
        ? `submit with: bash ${out}/slurm/submit.sh`
        : `submit with: kubectl apply -f ${out}/k8s/sweep.yaml (the image must hold this repo at this commit)`,
    );
    return 0;
  }
  if (o.shards !== undefined) {
    throw new UserError("--shards goes with --emit; to run one shard here use --shard i/n");
  }

  const shard = o.shard !== undefined ? parseShard(o.shard) : undefined;
  const cells = shard ? shardCells(sweep.cells, shard) : sweep.cells;
  // Unreadable data is one error here, not a failed record per cell.
  await o.checkData?.(cells.map((c) => c.config));
  const backend = o.resolveBackend ? await o.resolveBackend(o.backend) : o.backend;
  await openStore(out, manifest, o.force);
  const cores = navigator.hardwareConcurrency || 1;
  const { workers, threads } = planParallelism({
    backend,
    cores,
    cells: cells.length,
    workers: o.workers,
    threads: o.threads,
    defaultWorkers: (o.defaultWorkers ?? (() => cores))(backend),
  });
  if (!Number.isInteger(workers) || workers < 1) {
    throw new UserError(`--workers ${workers}: expected a whole number ≥ 1`);
  }
  if (!Number.isInteger(threads) || threads < 1) {
    throw new UserError(`--threads ${threads}: expected a whole number ≥ 1`);
  }
  say(
    `bench: preset ${sweep.preset.name} (${o.scale}), ${sweep.cells.length} cells` +
      `${shard ? `, shard ${shard.index}/${shard.count}: ${cells.length} cells` : ""} → ${out}` +
      (backend === "native" ? `; ${workers} worker(s) × ${threads} thread(s) on ${cores} cores` : ""),
  );
  const summary = await runCells({
    out,
    preset: sweep.preset.name,
    cells,
    allIds: manifest.cells,
    executor: o.executor,
    workers,
    backend,
    threads: backend === "native" ? threads : undefined,
    commit: gitCommit(),
    keepCheckpoints: o.keepCheckpoints ?? false,
    progress: o.progress ?? makeProgress(o.quiet),
    signal: o.signal,
  });
  if (summary.aborted) {
    log(`bench: stopped; ${summary.done} cells finished this run; rerun the same command to resume`);
    return 130;
  }
  if (shard) await writeShardMarker(out, shard, summary);
  say(`results: ${out}/results.csv (${summary.skipped} cells were already done, ${summary.done} ran)`);
  if (o.report && !shard && o.renderReport) {
    try {
      say(`report: ${await o.renderReport(out)}`);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      log(`report: not rendered (${e.message})`);
    }
  }
  if (summary.failed.length) {
    log(`bench: ${summary.failed.length} of ${summary.total} cells failed:`);
    for (const f of summary.failed) log(`  ${f.id}: ${f.error.split("\n")[0]}`);
    return 1;
  }
  return 0;
}
