/**
 * Top-κ selection without gather gradients: the κ candidates with the largest score per
 * row become a constant 0/1 mask (no gradient flows through the selection), and the loss
 * uses masked sums. Exactly κ entries are selected per row, also when scores tie (as
 * `torch.topk` does), via TopK indices scattered into the mask. Only forward kernels that
 * every backend has (TopK, ScatterNd, Select) are used, and only off the gradient tape.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { withoutGradient } from "./stop_gradient.ts";

function candidateScores(scores: tf.Tensor2D, valid: tf.Tensor2D | null): tf.Tensor2D {
  return valid ? tf.where(valid, scores, tf.fill(scores.shape, -Infinity)) : scores;
}

/**
 * The indices [M, k] of the k largest scores of each row among the valid candidates
 * (`valid` a bool mask [M, N], null = all). Not differentiable (use off the loss path).
 */
export function topkIndices(scores: tf.Tensor2D, valid: tf.Tensor2D | null, k: number): tf.Tensor2D {
  return tf.tidy(() => tf.topk(candidateScores(scores, valid), k, true).indices as tf.Tensor2D);
}

/**
 * A float32 0/1 mask [M, N] with exactly `k` ones per row: the valid candidates with the
 * largest scores. When `k` equals the number of valid candidates the mask is `valid`
 * itself. The mask carries no gradient to `scores`.
 */
export function topkMask(
  scores: tf.Tensor2D,
  valid: tf.Tensor2D | null,
  k: number,
  candidates: number,
): tf.Tensor2D {
  const [m, n] = scores.shape;
  if (k >= candidates) {
    return tf.tidy(() => valid ? tf.cast(valid, "float32") : tf.ones([m, n]));
  }
  return withoutGradient((s) =>
    tf.tidy(() => {
      const idx = topkIndices(s as tf.Tensor2D, valid, k);
      const rows = tf.tile(tf.reshape(tf.range(0, m, 1, "int32"), [m, 1]), [1, k]);
      const coords = tf.reshape(tf.stack([rows, idx], 2), [m * k, 2]);
      return tf.scatterND(coords, tf.ones([m * k]), [m, n]) as tf.Tensor2D;
    }), scores);
}

/**
 * The values [M·k] at the k best-scoring valid candidates of each row (row-major), e.g. the
 * temperatures of the selected negatives. Not differentiable; for reporting.
 */
export function selectedValues(
  values: tf.Tensor2D,
  scores: tf.Tensor2D,
  valid: tf.Tensor2D | null,
  k: number,
): tf.Tensor1D {
  const [m, n] = values.shape;
  return withoutGradient(
    (v, s) =>
      tf.tidy(() => {
        const idx = topkIndices(s as tf.Tensor2D, valid, k);
        const flat = tf.add(
          idx,
          tf.mul(tf.reshape(tf.range(0, m, 1, "int32"), [m, 1]), tf.scalar(n, "int32")),
        );
        return tf.gather(tf.reshape(v, [m * n]), tf.reshape(flat, [m * k])) as tf.Tensor1D;
      }),
    values,
    scores,
  );
}
