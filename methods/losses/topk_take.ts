/**
 * Top-κ selection as a gather: the κ candidates with the largest score in each row are
 * picked once (no gradient flows through the choice), and the loss then works on the
 * picked entries [M, κ] only, instead of masking full [M, N] matrices. The entries are
 * taken with a differentiable gather whose gradient scatters back into [M, N] (each
 * position is picked at most once per row, so the scatter is exact).
 *
 * Exactly κ entries are picked per row, also when scores tie, in TopK's order (as
 * `torch.topk`). Only kernels every backend has are used (TopK, GatherV2, ScatterNd); TopK
 * runs off the gradient tape.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { withoutGradient } from "./stop_gradient.ts";

/**
 * Flat (row-major) positions [M·k] in an [M, N] matrix of the k largest scores of each row
 * among the valid candidates (`valid` a bool mask [M, N], null = all), rows in order and,
 * within a row, best first. int32; carries no gradient.
 */
export function topkPositions(scores: tf.Tensor2D, valid: tf.Tensor2D | null, k: number): tf.Tensor1D {
  const [m, n] = scores.shape;
  return withoutGradient(
    (s) =>
      tf.tidy(() => {
        const candidates = valid ? tf.where(valid, s, tf.fill(s.shape, -Infinity)) : s;
        const idx = tf.topk(candidates, k, true).indices;
        // Row offsets tiled to [M, k] first: a same-shape int32 add is far cheaper on wasm than a
        // broadcast one.
        const rowStart = tf.tile(tf.reshape(tf.range(0, m * n, n, "int32"), [m, 1]), [1, k]);
        return tf.reshape(tf.add(idx, rowStart), [m * k]) as tf.Tensor1D;
      }),
    scores,
  );
}

/**
 * `x` [M, N] at the flat positions `at` [M·k] (from {@link topkPositions}), as [M, k].
 * Differentiable in `x`: the gradient is scattered back to the picked positions (zero
 * elsewhere).
 */
export function takePositions(x: tf.Tensor2D, at: tf.Tensor1D, k: number): tf.Tensor2D {
  const [m, n] = x.shape;
  const op = tf.customGrad((v, p, save) => {
    (save as tf.GradSaveFunc)([p as tf.Tensor]);
    return {
      value: tf.reshape(tf.gather(tf.reshape(v as tf.Tensor, [m * n]), p as tf.Tensor1D), [m, k]),
      gradFunc: (dy: tf.Tensor, [pos]: tf.Tensor[]) => [
        tf.reshape(tf.scatterND(tf.reshape(pos, [m * k, 1]), tf.reshape(dy, [m * k]), [m * n]), [m, n]),
        tf.zeros(pos.shape),
      ],
    };
  });
  return op(x, at) as tf.Tensor2D;
}
