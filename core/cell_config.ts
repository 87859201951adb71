/**
 * The resolved configuration of one grid cell, shared by every room that builds, trains,
 * evaluates or reports a cell (so it lives in core: nothing imports upward to reach it).
 * The cell id hashes it (benchmarks/cell_id.ts).
 *
 * @module
 */

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
