/**
 * The collapse indicators a cell records (eval/collapse.ts computes them; reports read them).
 * A type of its own, free of tensor code, so the reports' import closure stays tfjs-free.
 *
 * @module
 */

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
