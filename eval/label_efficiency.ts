/**
 * Label efficiency (spec methods.md): the linear probe trained on n labelled images per class
 * (n ∈ {10, 20, 50, 100, 200, 500} by default), tested on the full test features.
 *
 * Subsets are deterministic for a seed and nested: each class's training indices are shuffled
 * once by the seed's "labels/subset" stream and the first n are taken, so the 10-per-class set
 * is part of the 20-per-class set, and so on.
 *
 * @module
 */
import { check } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { checkLabelled, type FeatureMatrix, type Labelled, numClassesOf, selectRows } from "./features.ts";
import { linearProbe, type LinearProbeOptions, type LinearProbeResult } from "./linear.ts";

/** The default labelled-images-per-class axis. */
export const DEFAULT_LABELS_PER_CLASS: readonly number[] = [10, 20, 50, 100, 200, 500];

/** The result of a label-efficiency sweep (a plain JSON record). */
export interface LabelEfficiencyResult {
  protocol: "labels";
  seed: number;
  /** One probe per n, in the order asked. */
  points: Array<{ perClass: number; trainSize: number; top1: number; top5: number }>;
  /** The record's form: n (as a string key) → top-1. */
  top1ByPerClass: Record<string, number>;
  probe: Omit<LinearProbeResult, "top1" | "top5" | "trainSize" | "finalLoss" | "seconds">;
  seconds: number;
}

/**
 * Indices of `n` items per class of `labels`, drawn deterministically from `seed` (nested
 * across n). Throws a UserError when a class has fewer than n items.
 */
export function labelSubset(labels: Int32Array, numClasses: number, n: number, seed: number): Int32Array {
  check(Number.isInteger(n) && n > 0, `labelled images per class must be a positive integer, got ${n}`);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const rng = new Rng(seed).derive("labels/subset");
  const out: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    const idx = byClass[c];
    check(
      idx.length >= n,
      `class ${c} has only ${idx.length} training images, fewer than ${n} per class; lower the per-class count`,
    );
    // Each class gets its own derived stream so its order does not depend on other classes.
    const order = rng.derive(c).permutation(idx.length);
    for (let k = 0; k < n; k++) out.push(idx[order[k]]);
  }
  return Int32Array.from(out.sort((a, b) => a - b));
}

/** Runs the probe on n labelled images per class for every n of `perClass`. */
export function labelEfficiency(
  train: Labelled<FeatureMatrix>,
  test: Labelled<FeatureMatrix>,
  perClass: readonly number[] = DEFAULT_LABELS_PER_CLASS,
  opts: LinearProbeOptions = {},
): LabelEfficiencyResult {
  checkLabelled(train, "label-efficiency train");
  checkLabelled(test, "label-efficiency test");
  check(perClass.length > 0, "label efficiency needs at least one per-class count (e.g. --per-class 10,100)");
  const t0 = performance.now();
  const numClasses = opts.numClasses ?? numClassesOf(train, test);
  const seed = opts.seed ?? 0;
  const points: LabelEfficiencyResult["points"] = [];
  let last: LinearProbeResult | null = null;
  for (const n of perClass) {
    const idx = labelSubset(train.y, numClasses, n, seed);
    const sub = { x: selectRows(train.x, idx), y: Int32Array.from(idx, (i) => train.y[i]), numClasses };
    last = linearProbe(sub, test, { ...opts, numClasses, seed });
    points.push({ perClass: n, trainSize: idx.length, top1: last.top1, top5: last.top5 });
  }
  const { top1: _a, top5: _b, trainSize: _c, finalLoss: _d, seconds: _e, ...probe } = last!;
  return {
    protocol: "labels",
    seed,
    points,
    top1ByPerClass: Object.fromEntries(points.map((p) => [String(p.perClass), p.top1])),
    probe,
    seconds: (performance.now() - t0) / 1000,
  };
}
