/**
 * The record of one grid cell: the only thing reports read. A cell is one resolved
 * configuration × seed; its record is written atomically to `OUT/cells/ID.json`.
 *
 * Bump {@link RECORD_SCHEMA} whenever a field changes meaning; reports refuse records of
 * another schema with a clear error.
 *
 * @module
 */

import type { Histogram, TauStats, TemperatureHistogram } from "../core/temperature_stats.ts";
export type { Histogram, TauStats, TemperatureHistogram };

/** Schema version of {@link CellRecord}. */
export const RECORD_SCHEMA = 1;

/** How temperatures are chosen (spec amcl.md §6). */
export type TauMode =
  | "adaptive" // fully adaptive (AMCL)
  | "constant" // one constant τ for every pair
  | "adaptive-pos" // adaptive positives, constant negatives
  | "adaptive-neg" // adaptive negatives, constant positives
  | "head1"; // adaptive, every head's temperatures from head 1

/** The resolved configuration of one cell (every field set; the cell id hashes it). */
export interface CellConfig {
  /** Method name from the registry, e.g. "simclr". */
  method: string;
  /** "baseline" or "amcl". */
  variant: "baseline" | "amcl";
  /** Dataset name: "embedded", "cifar10", "fashion-mnist", "cifar10-subset", "imagefolder:PATH", … */
  dataset: string;
  /** Backbone name: "resnet18", "resnet34", "resnet50", "vit-tiny", … */
  backbone: string;
  /** Width multiplier of the backbone (ResNets). */
  width: number;
  /** Pre-training epochs. */
  epochs: number;
  /** Batch size (images per view). */
  batchSize: number;
  /** Number of projection heads C. */
  heads: number;
  /** Top-κ among negatives (AMCL); 0 means the softmax form. */
  topk: number;
  /** Augmentation set: "a", "ab", "abc", "abcd", "abcde", "default". */
  augs: string;
  /** Temperature mode. */
  tauMode: TauMode;
  /** Constant temperature (baselines, and the constant side of ablations). */
  tau: number;
  /** Lower temperature bound (AMCL). */
  tauMin: number;
  /** Upper temperature bound (AMCL). */
  tauMax: number;
  /** Negative regulariser form (spec amcl.md §8). */
  negReg: "code" | "paper";
  /** Regulariser weight β. */
  beta: number;
  /** Learning rate (base). */
  lr: number;
  /** Linear-probe epochs (0 = no probe). */
  probeEpochs: number;
  /** Labelled images per class for label efficiency (empty = not run). */
  labelsPerClass: number[];
  /** Epochs at which the kNN monitor runs. */
  knnEpochs: number[];
  /** Scale the cell belongs to. */
  scale: "cpu" | "paper";
  /** Seed of every random choice in the cell. */
  seed: number;
  /** Further method-specific settings (e.g. CAN mask ratio), stable key order. */
  extra: Record<string, number | string | boolean>;
}

/** One epoch of training. */
export interface EpochPoint {
  epoch: number;
  /** Mean training loss over the epoch (sum over heads). */
  loss: number;
  /** Named loss parts (e.g. CAN's infonce, rec, denoise). */
  parts?: Record<string, number>;
  lr: number;
  imagesPerSec: number;
  /** kNN top-1 on the test split, when the monitor ran this epoch. */
  knnTop1?: number;
  /** τ⁺ statistics per head (AMCL). */
  tauPos?: TauStats[];
  /** τ⁻ statistics per head (AMCL). */
  tauNeg?: TauStats[];
  /** Temperature-collapse flag at the end of this epoch (AMCL). */
  collapsed?: boolean;
}

/** Collapse indicators (spec amcl.md §8), for every run. */
export interface CollapseInfo {
  /** AMCL: ≥ 90% of temperatures within 1% of tauMin at the end of training. */
  temperature: boolean;
  /** Share of final temperatures at tauMin (AMCL; null for baselines). */
  shareAtTauMin: number | null;
  /** Mean pairwise cosine of head features on the test set, per head. */
  meanPairwiseCosine: number[];
  /** Effective rank of head features on the test set, per head. */
  effectiveRank: number[];
}

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
  };
}
