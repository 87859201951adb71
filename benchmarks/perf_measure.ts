/**
 * Measuring a perf row: an empty row to fill, timing a call after profiled warm-ups, the
 * per-kernel breakdown of a profile, memory (RSS, the process's peak) and the row's end
 * (tensor counts, median, images per second).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { PerfRowDef } from "./perf_rows.ts";
import type { KernelTime, PerfRow, TensorCounts } from "./perf_report.ts";

/** Bytes in a MiB. */
export const MiB = 1024 * 1024;

/** The process's peak RSS (VmHWM) in MiB, or null where /proc is unreadable (Deno wants -A). */
export function processPeakRssMiB(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(Deno.readTextFileSync("/proc/self/status"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The median of `xs` (not empty). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** `x` rounded to `d` decimals. */
export const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** The slowest `top` kernels of a profile, calls of one kernel summed. */
export function kernelBreakdown(
  kernels: Array<{ name: string; kernelTimeMs: unknown }>,
  top: number,
): KernelTime[] {
  const by = new Map<string, KernelTime>();
  for (const k of kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    const e = by.get(k.name) ?? { name: k.name, ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    by.set(k.name, e);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map((k) => ({
    ...k,
    ms: round(k.ms, 1),
  }));
}

/** A row of `def` on `backend` with nothing measured yet. */
export function emptyRow(def: PerfRowDef, backend: string): PerfRow {
  return {
    id: def.id,
    title: def.title,
    kind: def.kind,
    backend,
    ms: null,
    msSteps: [],
    imagesPerSec: null,
    peakRssMiB: null,
    processPeakRssMiB: null,
    tfjsPeakMiB: null,
    tensors: null,
    torchMs: null,
    ratioToTorch: null,
    ratioToReference: null,
    ratioToBaseline: null,
  };
}

/**
 * Fills the end of a measured row: its tensor counts (with growth and leaks derived), median
 * ms over `out.msSteps`, images per second when `images` (per timed call) is given, this
 * row's sampled peak RSS and the process's peak RSS so far.
 */
export function finishRow(
  out: PerfRow,
  t: Pick<TensorCounts, "before" | "afterWarmup" | "afterSteps" | "after">,
  peakRss: number,
  images?: number,
): void {
  out.tensors = {
    before: t.before,
    afterWarmup: t.afterWarmup,
    afterSteps: t.afterSteps,
    after: t.after,
    growth: t.afterSteps - t.afterWarmup,
    leaked: t.after - t.before,
  };
  out.ms = round(median(out.msSteps));
  if (images !== undefined) out.imagesPerSec = round(images / out.ms * 1000, 1);
  out.peakRssMiB = round(peakRss, 1);
  out.processPeakRssMiB = processPeakRssMiB();
}

/** The resident set size now (MiB). */
export function rss(): number {
  return Deno.memoryUsage().rss / MiB;
}

/**
 * Times `f` (which must free what it makes) `n` times after two warm-up calls, the second
 * profiled into `out` (tfjs peak bytes, kernel breakdown).
 */
export async function timeCalls(
  n: number,
  f: () => void,
  afterWarmup: () => void,
  out: PerfRow,
  topKernels: number,
): Promise<number[]> {
  f();
  const prof = await tf.profile(() => {
    f();
    return [];
  });
  out.tfjsPeakMiB = round(prof.peakBytes / MiB, 1);
  if (topKernels > 0) out.kernels = kernelBreakdown(prof.kernels, topKernels);
  afterWarmup();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    ms.push(round(performance.now() - t0));
  }
  return ms;
}
