/**
 * Messages between the runner and a cell worker (a Deno module Web Worker running one
 * cell at a time, single-threaded).
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "./record.ts";
import type { CellProgress } from "./executor.ts";

/** Runner → worker: run one cell. */
export interface RunMessage {
  type: "run";
  executor: string;
  config: CellConfig;
  id: string;
  preset: string;
  outDir: string;
  cellDir: string;
  backend: string;
  /** Threads per cell (native backend); absent = the library's default. */
  threads?: number;
  /** The sweep's worker count (recorded in the cell's environment). */
  workers?: number;
}

/** Runner → worker: stop the cell in progress. */
export interface AbortMessage {
  type: "abort";
}

/** Worker → runner. */
export type WorkerReply =
  | { type: "progress"; id: string; progress: CellProgress }
  | { type: "result"; id: string; record: CellRecord }
  | { type: "error"; id: string; message: string; stack?: string; user: boolean };
