/**
 * What a loss returns: the scalar and, only when asked for, the temperatures it used.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** The temperatures one head used (flat, one value per pair that entered the loss). */
export interface HeadTemperatures {
  /** τ⁺ of every positive pair (one per anchor; for two-direction losses both directions). */
  positive: tf.Tensor1D;
  /**
   * τ⁻ of every negative pair that entered the loss: the selected top-κ negatives of each
   * anchor, all negatives for the softmax form, the off-diagonal pairs for Barlow Twins.
   * Absent for losses without negatives (SimSiam).
   */
  negative?: tf.Tensor1D;
}

/** The result of a loss. */
export interface LossOutput {
  /** The loss, a float32 scalar (differentiable). */
  loss: tf.Scalar;
  /**
   * Per head (index = head), the temperatures used; only when `returnTemperatures` was set.
   * These tensors are `tf.keep`-ed (they survive the caller's `tf.tidy` and gradient
   * scopes): the caller disposes them, e.g. with {@link disposeTemperatures}.
   */
  temperatures?: HeadTemperatures[];
}

/** Option common to every loss: ask for the temperatures (costs nothing when false). */
export interface TemperatureRequest {
  /** Also return the temperatures per head (default false). */
  returnTemperatures?: boolean;
}

/** Disposes the temperature tensors of a {@link LossOutput} (no-op when absent). */
export function disposeTemperatures(out: { temperatures?: HeadTemperatures[] }): void {
  for (const t of out.temperatures ?? []) {
    t.positive.dispose();
    t.negative?.dispose();
  }
}

/** Marks the temperatures as kept so they survive the enclosing scopes (internal helper). */
export function keepTemperatures(temps: HeadTemperatures[]): HeadTemperatures[] {
  for (const t of temps) {
    tf.keep(t.positive);
    if (t.negative) tf.keep(t.negative);
  }
  return temps;
}
