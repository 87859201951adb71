/**
 * Temperature statistics for AMCL runs and the temperature-collapse flag of spec amcl.md
 * §8: a run has collapsed when ≥ 90% of its temperatures lie within 1% of tauMin.
 *
 * @module
 */
import type { TauStats } from "../benchmarks/record.ts";

/** Share of temperatures at tauMin above which a run counts as collapsed. */
export const COLLAPSE_SHARE = 0.9;

/** True when `tau` lies within 1% of `tauMin`. */
export function atTauMin(tau: number, tauMin: number): boolean {
  return tau <= tauMin * 1.01;
}

/** Mean, std, min, max and share at tauMin of `values`. */
export function tauStats(values: ArrayLike<number>, tauMin: number): TauStats {
  const n = values.length;
  if (n === 0) return { mean: NaN, std: NaN, min: NaN, max: NaN, atMin: NaN };
  let sum = 0, min = Infinity, max = -Infinity, low = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (atTauMin(v, tauMin)) low++;
  }
  const mean = sum / n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  return { mean, std: Math.sqrt(ss / n), min, max, atMin: low / n };
}

/**
 * The collapse flag over every head's τ⁺ and τ⁻ values: true when at least
 * {@link COLLAPSE_SHARE} of all of them are within 1% of tauMin.
 */
export function temperatureCollapsed(all: ArrayLike<number>[], tauMin: number): boolean {
  let n = 0, low = 0;
  for (const a of all) {
    for (let i = 0; i < a.length; i++) {
      n++;
      if (atTauMin(a[i], tauMin)) low++;
    }
  }
  return n > 0 && low / n >= COLLAPSE_SHARE;
}
