/**
 * A readable log axis for temperatures: the domain [tauMin, tauMax] (widened to the data),
 * tick values at powers of ten (every other decade when the span is wide) plus the ends,
 * and labels like "1e-5", "0.001"… "0.1", "2" instead of d3's default log labels.
 *
 * @module
 */

/** A log scale + axis pair for Vega-Lite. */
export interface LogAxis {
  /** `scale` of the positional channel. */
  scale: Record<string, unknown>;
  /** `axis` of the positional channel. */
  axis: Record<string, unknown>;
}

/** Tick values for a log axis over [lo, hi] (lo > 0): decades (every other one past 4) and the ends. */
export function logTicks(lo: number, hi: number): number[] {
  const first = Math.ceil(Math.log10(lo) - 1e-9);
  const last = Math.floor(Math.log10(hi) + 1e-9);
  const step = last - first > 4 ? 2 : 1;
  const ticks: number[] = [];
  for (let e = first; e <= last; e += step) ticks.push(Number(`1e${e}`));
  // Labels closer than an eighth of the span would overlap: the end value wins.
  const near = (a: number, b: number) => Math.abs(Math.log10(a / b)) < Math.log10(hi / lo) / 8;
  if (!ticks.some((t) => Math.abs(Math.log10(t / lo)) < 0.02)) {
    if (ticks.length && near(ticks[0], lo)) ticks.shift();
    ticks.unshift(lo);
  }
  if (!ticks.some((t) => Math.abs(Math.log10(t / hi)) < 0.02)) {
    if (ticks.length && near(ticks[ticks.length - 1], hi)) ticks.pop();
    ticks.push(hi);
  }
  return ticks;
}

/** Vega expression formatting a tick: "1e-5" below 0.01, plain ("0.1", "2") above. */
export const LOG_LABEL_EXPR = "datum.value < 0.01 ? format(datum.value, '.0e') : format(datum.value, '~g')";

/** Log scale and axis over [lo, hi] (exact domain, values outside clamped to the edge). */
export function logAxis(lo: number, hi: number): LogAxis {
  return {
    scale: { type: "log", domain: [lo, hi], nice: false, clamp: true },
    axis: { values: logTicks(lo, hi), labelExpr: LOG_LABEL_EXPR, grid: true },
  };
}
