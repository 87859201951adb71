/**
 * The record of one grid cell: the only thing reports read. A cell is one resolved
 * configuration × seed; its record is written atomically to `OUT/cells/ID.json`.
 *
 * Bump {@link RECORD_SCHEMA} whenever a field changes meaning; reports refuse records of
 * another schema with a clear error.
 *
 * @module
 */

import type { Histogram, TemperatureHistogram } from "../core/temperature_stats.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { EpochPoint } from "../methods/epoch_point.ts";
import type { CollapseInfo } from "../eval/collapse_info.ts";

/** Schema version of {@link CellRecord}. */
export const RECORD_SCHEMA = 1;

/** The record of one finished (or failed) cell. */
export interface CellRecord {
  schema: typeof RECORD_SCHEMA;
  /** Stable id: hash of the resolved configuration. */
  id: string;
  /** Preset the cell came from. */
  preset: string;
  config: CellConfig;
  status: "done" | "failed";
  /** Why the cell failed (NaN guard, bad input, crash). */
  error?: string;
  /** Final metrics. */
  metrics: {
    knnTop1?: number;
    linearTop1?: number;
    linearTop5?: number;
    /** Label efficiency: labelled images per class → top-1. */
    labelEfficiency?: Record<string, number>;
  };
  curves: EpochPoint[];
  /**
   * Temperature histograms per head at chosen epochs (AMCL; figure F9): every τ of every step
   * of the epoch, 40 log-spaced bins over [tauMin, tauMax] (so temperatures collapsed to
   * tauMin show in the first bin).
   */
  temperatures?: TemperatureHistogram[];
  /** Similarity analysis (figures F1, F3). */
  similarity?: {
    backbonePos: Histogram;
    backboneNeg: Histogram;
    /** Temperature-scaled similarity of head features, per head. */
    headPos: Histogram[];
    headNeg: Histogram[];
    examples: Array<{ a: number; b: number; positive: boolean; backbone: number; head: number }>;
    /** Positive pairs (and as many negative pairs) measured. */
    pairs?: number;
    /** Which temperature the head similarities are scaled by (learned φ, constant τ, unscaled). */
    temperature?: string;
    /** Means, for tables: backbone cosine, per-head sim/τ and per-head τ of each kind of pair. */
    summary?: {
      backbonePosMean: number;
      backboneNegMean: number;
      headPosMean: number[];
      headNegMean: number[];
      tauPosMean: number[];
      tauNegMean: number[];
    };
  };
  collapse?: CollapseInfo;
  cost: {
    secondsPerEpoch: number;
    peakMemoryBytes: number;
    params: { backbone: number; heads: number; phi: number; total: number };
    /** How multi-head baseline losses were reduced ("sum"). */
    headReduction: "sum";
  };
  env: {
    backend: string;
    device: string;
    deno: string;
    tfjs: string;
    os: string;
    cpu: string;
    commit: string;
    hostname: string;
    startedAt: string;
    finishedAt: string;
    /** Threads the cell's backend computed on (native: `--threads`; others 1). Absent in older records. */
    threads?: number;
    /** Cells the sweep ran at once beside this one (`--workers`). Absent in older records. */
    workers?: number;
    /** Native backend only: where its tensors lived (`heap`: wasm heap; `host`: process memory). */
    nativeMemory?: "heap" | "host";
  };
}
