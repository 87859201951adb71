/**
 * The contract between the runner and whatever trains one cell: a cell executor takes a
 * resolved {@link CellConfig} and returns its {@link CellRecord}. The real executor is
 * `benchmarks/run_cell.ts`; tests inject their own. Executors are named by module URL (a
 * module exporting `executeCell`) so that Web Workers can load them.
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "./record.ts";

/** Live progress of a cell, as the executor reports it. */
export interface CellProgress {
  epoch: number;
  epochs: number;
  step: number;
  steps: number;
  loss?: number;
  imagesPerSec?: number;
}

/** What the runner hands an executor besides the configuration. */
export interface CellContext {
  /** The sweep's output folder (OUT). */
  outDir: string;
  /** The cell's own folder for checkpoints (OUT/cells/ID); created by the runner. */
  cellDir: string;
  /** The cell id. */
  id: string;
  /** The preset the cell came from. */
  preset: string;
  /** Backend to start ("auto", "wasm", "cpu", …). */
  backend: string;
  /** Threads for the backend (native only; default: its library's default). */
  threads?: number;
  /** Workers of the sweep (recorded in the cell's environment). */
  workers?: number;
  /** Aborted when the sweep is cancelled. */
  signal: AbortSignal;
  /** Called during training (cheap; may be throttled by the runner). */
  progress: (p: CellProgress) => void;
}

/** Trains and evaluates one cell. Throws on failure; the runner records the reason. */
export type CellExecutor = (config: CellConfig, ctx: CellContext) => Promise<CellRecord>;

/** A module that provides an executor (the shape Web Workers import). */
export interface ExecutorModule {
  executeCell: CellExecutor;
}

/** URL of the real executor module. */
export const REAL_EXECUTOR: string = new URL("./run_cell.ts", import.meta.url).href;

/** Imports an executor module by URL and checks its shape. */
export async function loadExecutor(url: string): Promise<CellExecutor> {
  const mod = await import(url) as Partial<ExecutorModule>;
  if (typeof mod.executeCell !== "function") {
    throw new Error(`executor module ${url} does not export executeCell`);
  }
  return mod.executeCell;
}
