/**
 * One epoch of the training loop's record (methods/train.ts produces it; the cell record's
 * `curves` and the reports read it).
 *
 * @module
 */
import type { TauStats } from "../core/temperature_stats.ts";

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
