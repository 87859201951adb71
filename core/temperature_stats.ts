/**
 * Temperature statistics (figure F9 and the collapse flag of spec amcl.md §8): summaries and
 * histograms of the τ⁺ and τ⁻ values of each head, the share of temperatures at tauMin and
 * the temperature-collapse flag. Also the generic {@link histogram} the similarity analysis
 * uses.
 *
 * Shared by the training loop (per-epoch statistics and the collapse flag) and the
 * evaluation (collapse indicators, similarity histograms), so it lives in core: one
 * definition of "at tauMin" and of the collapse flag for the whole suite.
 *
 * @module
 */
import { check } from "./errors.ts";

/** Summary statistics of a set of temperatures. */
export interface TauStats {
  mean: number;
  std: number;
  min: number;
  max: number;
  /** Share of temperatures within 1% of tauMin. */
  atMin: number;
}

/** Histogram of values: bin edges (length n+1) and counts (length n). */
export interface Histogram {
  edges: number[];
  counts: number[];
}

/** One head's τ⁺ or τ⁻ histogram at one epoch (a cell record's `temperatures` entry). */
export interface TemperatureHistogram {
  epoch: number;
  head: number;
  kind: "pos" | "neg";
  hist: Histogram;
}

/** A temperature is "at tauMin" when it is at most tauMin · (1 + this). */
export const AT_TAU_MIN_TOLERANCE = 0.01;
/** The collapse flag is raised when at least this share of temperatures is at tauMin. */
export const TEMPERATURE_COLLAPSE_SHARE = 0.9;

/** Options of {@link histogram}. */
export interface HistogramOptions {
  /** Number of bins (default 50). */
  bins?: number;
  /** Lower edge (default: the smallest value). */
  min?: number;
  /** Upper edge (default: the largest value). */
  max?: number;
  /** "log": bins equally spaced in log10 (positive values only; for temperatures). */
  scale?: "linear" | "log";
}

/**
 * Histogram of `values` (record.ts {@link Histogram}): `bins` bins between min and max; values
 * outside [min, max] go to the first / last bin; the last bin includes its upper edge.
 * Custom on purpose: the clamped edges and log bins over [tauMin, tauMax] are what show a
 * collapse at tauMin (figure F9), which a generic binning would spread or drop.
 */
export function histogram(values: ArrayLike<number>, opts: HistogramOptions = {}): Histogram {
  const bins = opts.bins ?? 50;
  check(Number.isInteger(bins) && bins > 0, `histogram bins must be a positive integer, got ${bins}`);
  const log = opts.scale === "log";
  let lo = opts.min ?? Infinity;
  let hi = opts.max ?? -Infinity;
  if (opts.min === undefined || opts.max === undefined) {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (opts.min === undefined && v < lo) lo = v;
      if (opts.max === undefined && v > hi) hi = v;
    }
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = log ? 1 : 0;
    hi = log ? 10 : 1;
  }
  if (log) check(lo > 0, `a log-scale histogram needs positive values; the smallest is ${lo}`);
  const a = log ? Math.log10(lo) : lo;
  let b = log ? Math.log10(hi) : hi;
  if (b <= a) b = a + (a === 0 ? 1 : Math.abs(a) * 1e-6 + 1e-12);
  const width = (b - a) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => {
    const x = i === bins ? b : a + i * width;
    return log ? 10 ** x : x;
  });
  const counts = new Array<number>(bins).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isNaN(v)) continue;
    const x = log ? Math.log10(Math.max(v, Number.MIN_VALUE)) : v;
    const k = Math.min(bins - 1, Math.max(0, Math.floor((x - a) / width)));
    counts[k]++;
  }
  return { edges, counts };
}

/** Share of `values` within 1% of `tauMin` (τ ≤ tauMin · 1.01). */
export function shareAtTauMin(values: ArrayLike<number>, tauMin: number): number {
  if (values.length === 0 || !(tauMin > 0)) return 0;
  const limit = tauMin * (1 + AT_TAU_MIN_TOLERANCE);
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i] <= limit) n++;
  return n / values.length;
}

/** The temperature-collapse flag: at least 90% of `values` within 1% of tauMin. */
export function temperatureCollapsed(values: ArrayLike<number>, tauMin: number): boolean {
  return values.length > 0 && shareAtTauMin(values, tauMin) >= TEMPERATURE_COLLAPSE_SHARE;
}

/** Summary of a set of temperatures (record.ts {@link TauStats}); population std. */
export function tauStats(values: ArrayLike<number>, tauMin: number): TauStats {
  check(values.length > 0, "temperature statistics need at least one temperature");
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  const mean = sum / values.length;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / values.length), min, max, atMin: shareAtTauMin(values, tauMin) };
}

/** τ⁺ and τ⁻ of one head, as collected over an epoch (or an evaluation pass). */
export interface HeadTauValues {
  pos: ArrayLike<number>;
  /** Absent or empty for losses without negatives (SimSiam). */
  neg?: ArrayLike<number>;
}

/** Per-epoch temperature summary of every head (the EpochPoint fields and the collapse flag). */
export interface EpochTemperatureSummary {
  tauPos: TauStats[];
  tauNeg: TauStats[];
  /** ≥ 90% of all temperatures (every head, τ⁺ and τ⁻ pooled) within 1% of tauMin. */
  collapsed: boolean;
  /** Share of all temperatures within 1% of tauMin. */
  shareAtTauMin: number;
}

/** Summarises the temperatures of every head at one epoch. */
export function summarizeTemperatures(heads: HeadTauValues[], tauMin: number): EpochTemperatureSummary {
  check(heads.length > 0, "temperature summary needs at least one head");
  let atMin = 0;
  let total = 0;
  for (const h of heads) {
    for (const v of [h.pos, h.neg ?? []]) {
      atMin += shareAtTauMin(v, tauMin) * v.length;
      total += v.length;
    }
  }
  const share = total > 0 ? atMin / total : 0;
  return {
    tauPos: heads.map((h) => tauStats(h.pos, tauMin)),
    tauNeg: heads.filter((h) => h.neg && h.neg.length > 0).map((h) => tauStats(h.neg!, tauMin)),
    collapsed: total > 0 && share >= TEMPERATURE_COLLAPSE_SHARE,
    shareAtTauMin: share,
  };
}

/**
 * Log-scale histograms of τ⁺ and τ⁻ per head at one epoch, as the record's `temperatures`
 * entries (figure F9). Bins span [tauMin, tauMax] so epochs and runs share edges.
 */
export function temperatureHistograms(
  epoch: number,
  heads: HeadTauValues[],
  range: { tauMin: number; tauMax: number },
  bins = 40,
): TemperatureHistogram[] {
  const opts: HistogramOptions = { bins, min: range.tauMin, max: range.tauMax, scale: "log" };
  return heads.flatMap((h, head): TemperatureHistogram[] => [
    { epoch, head, kind: "pos", hist: histogram(h.pos, opts) },
    ...(h.neg && h.neg.length > 0
      ? [{ epoch, head, kind: "neg" as const, hist: histogram(h.neg, opts) }]
      : []),
  ]);
}
