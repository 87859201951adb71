/**
 * REFERENCE VALUES FROM THE PAPER — not results of this suite.
 *
 * Every number below is copied from `../shared/spec/paper.md`, which read them off the
 * authors' ECCV 2024 poster plots (±0.3 points). At `paper` scale the figures draw them as
 * a second series labelled "paper" and the tables add a "paper" column, so a reader sees
 * where a reproduction stands. They are never used as, or mixed into, measured results.
 *
 * @module
 */

import type { TauMode } from "../core/cell_config.ts";

/** Where the values come from, shown next to every use. */
export const PAPER_SOURCE =
  "reference values from spec/paper.md (read off the authors' poster plots, ±0.3 points)";

/** The series label of reference values in figures. */
export const PAPER_LABEL = "paper";

/** T6 temperature ablation (top-1 %), by temperature mode. */
export const PAPER_T6: Readonly<Record<TauMode, number>> = {
  constant: 81.4,
  "adaptive-neg": 82.0,
  "adaptive-pos": 82.2,
  head1: 82.4,
  adaptive: 83.7,
};

/** F6 temperature sweep (top-1 %): constant τ with 1 head, and the adaptive flat lines. */
export const PAPER_F6 = {
  constant: [
    [0.07, 53.1],
    [0.1, 53.8],
    [0.2, 57.4],
    [0.3, 57.6],
    [0.4, 57.0],
    [0.5, 55.6],
    [0.6, 54.3],
    [0.7, 52.3],
    [0.8, 51.4],
    [0.9, 51.5],
    [1.0, 49.6],
  ] as ReadonlyArray<readonly [number, number]>,
  adaptiveHeads: { 1: 57.0, 3: 61.8 } as Readonly<Record<number, number>>,
};

/** F7 label efficiency (top-1 %) at 10, 20, 50, 100, 200, 500 labelled images. */
export const PAPER_F7 = {
  labels: [10, 20, 50, 100, 200, 500],
  series: [
    { heads: 1, adaptive: false, values: [61.0, 68.5, 73.5, 76.5, 78.6, 80.6] },
    { heads: 1, adaptive: true, values: [62.1, 68.7, 73.9, 76.2, 78.4, 80.3] },
    { heads: 3, adaptive: false, values: [65.3, 71.3, 74.8, 77.8, 79.7, 81.4] },
    { heads: 3, adaptive: true, values: [71.1, 76.4, 79.4, 81.4, 81.9, 83.7] },
  ],
} as const;

/** F4 ImageNet linear probe (top-1 %): baseline → AMCL per backbone and pre-training epochs. */
export const PAPER_F4: ReadonlyArray<{
  method: string;
  backbone: string;
  width: number;
  epochs: number;
  baseline: number;
  amcl: number;
}> = [
  { method: "simclr", backbone: "resnet50", width: 1, epochs: 100, baseline: 56.7, amcl: 57.5 },
  { method: "simclr", backbone: "resnet50", width: 1, epochs: 300, baseline: 67.1, amcl: 68.0 },
  { method: "simclr", backbone: "resnet50", width: 2, epochs: 100, baseline: 64.0, amcl: 65.8 },
  { method: "simclr", backbone: "resnet50", width: 2, epochs: 300, baseline: 71.8, amcl: 72.8 },
  { method: "simclr", backbone: "resnet50", width: 4, epochs: 100, baseline: 66.5, amcl: 68.2 },
  { method: "simclr", backbone: "resnet50", width: 4, epochs: 300, baseline: 73.0, amcl: 74.0 },
  { method: "can", backbone: "vit-base", width: 1, epochs: 100, baseline: 70.5, amcl: 71.6 },
  { method: "can", backbone: "vit-base", width: 1, epochs: 800, baseline: 74.0, amcl: 74.9 },
  { method: "can", backbone: "vit-large", width: 1, epochs: 100, baseline: 75.4, amcl: 76.2 },
  { method: "can", backbone: "vit-large", width: 1, epochs: 800, baseline: 76.2, amcl: 76.8 },
];

/** F3 approximate centres of the similarity distributions (SimCLR R18 STL-10). */
export const PAPER_F3: ReadonlyArray<
  {
    features: "head" | "backbone";
    variant: "baseline" | "amcl";
    pair: "positive" | "negative";
    value: number;
  }
> = [
  { features: "head", variant: "baseline", pair: "negative", value: 0.2 },
  { features: "head", variant: "baseline", pair: "positive", value: 0.8 },
  { features: "head", variant: "amcl", pair: "negative", value: 0.0 },
  { features: "backbone", variant: "baseline", pair: "negative", value: 0.45 },
  { features: "backbone", variant: "baseline", pair: "positive", value: 0.9 },
  { features: "backbone", variant: "amcl", pair: "negative", value: 0.35 },
];

/** F1 STL-10 example pairs: similarity under the baseline and AMCL (first five positive). */
export const PAPER_F1_EXAMPLES: ReadonlyArray<{ positive: boolean; baseline: number; amcl: number }> = [
  { positive: true, baseline: 0.48, amcl: 0.80 },
  { positive: true, baseline: 0.60, amcl: 0.95 },
  { positive: true, baseline: 0.35, amcl: 0.76 },
  { positive: true, baseline: 0.42, amcl: 0.83 },
  { positive: true, baseline: 0.58, amcl: 0.81 },
  { positive: false, baseline: 0.75, amcl: 0.42 },
  { positive: false, baseline: 0.82, amcl: 0.53 },
];
