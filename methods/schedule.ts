/**
 * Learning-rate and momentum schedules: linear warm-up then cosine decay (evaluated per
 * step or per epoch), and the momentum cosine `m → 1` of BYOL / MoCo v3 / LGP.
 *
 * @module
 */

/** A warm-up + cosine learning-rate schedule. */
export interface LrSchedule {
  /** Base (peak) learning rate. */
  base: number;
  /** Warm-up length in epochs (may be fractional; 0 = none). */
  warmupEpochs: number;
  /** Total training epochs. */
  epochs: number;
  /** Final learning rate as a fraction of `base` (default 0). */
  finalFraction?: number;
  /** "step": the rate changes every step; "epoch": it is constant within an epoch. */
  granularity: "step" | "epoch";
  /** "cosine" decay, or "constant" after the warm-up. */
  shape?: "cosine" | "constant";
}

/**
 * The learning rate at step `stepInEpoch` of epoch `epoch` (both 0-based) with
 * `stepsPerEpoch` steps per epoch. Warm-up ramps linearly from base/warmupSteps to base;
 * then cosine from base to `finalFraction·base` at the end of training.
 */
export function lrAt(s: LrSchedule, epoch: number, stepInEpoch: number, stepsPerEpoch: number): number {
  const per = Math.max(1, stepsPerEpoch);
  const unit = s.granularity === "epoch" ? 1 : per;
  const t = s.granularity === "epoch" ? epoch : epoch * per + stepInEpoch;
  const total = Math.max(1, s.epochs * unit);
  const warm = Math.round(s.warmupEpochs * unit);
  if (t < warm) return (s.base * (t + 1)) / warm;
  if ((s.shape ?? "cosine") === "constant") return s.base;
  const final = s.base * (s.finalFraction ?? 0);
  const span = Math.max(1, total - warm);
  const progress = Math.min(1, (t - warm) / span);
  return final + (s.base - final) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/**
 * Momentum of an EMA target network following a cosine from `start` (at progress 0) to
 * `end` (at progress 1): `end − (end − start)·(cos(π·progress) + 1)/2`.
 */
export function momentumAt(start: number, end: number, progress: number): number {
  const p = Math.min(1, Math.max(0, progress));
  return end - (end - start) * (Math.cos(Math.PI * p) + 1) / 2;
}
