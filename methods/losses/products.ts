/**
 * Matrix products whose gradients use only untransposed products (the transposes are done
 * explicitly by the Transpose kernel). tfjs' generic MatMul gradient multiplies with
 * transposed operands, which the wasm backend runs 10–30× slower than plain products at
 * the sizes of these losses ([2B, 2B] similarity matrices, B = 512). The forward `a · bᵀ`
 * keeps the transposeB flag: core/kernels/matmul.ts packs b's rows directly on wasm. Same
 * values, same gradients, on every backend. {@link gramLazy} is the exception, for products
 * whose second operand usually needs no gradient (a custom gradient computes every input's).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

type Save = tf.GradSaveFunc;
const T = (x: tf.Tensor) => tf.transpose(x as tf.Tensor2D);

const matmulOp = tf.customGrad((a, b, save) => {
  (save as Save)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, T(y)),
      tf.matMul(T(x), dy as tf.Tensor2D),
    ],
  };
});

const gramOp = tf.customGrad((a, b, save) => {
  (save as Save)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true),
    gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, y as tf.Tensor2D),
      tf.matMul(T(dy), x as tf.Tensor2D),
    ],
  };
});

const gramSelfOp = tf.customGrad((a, save) => {
  (save as Save)([a as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor2D, a as tf.Tensor2D, false, true),
    gradFunc: (dy: tf.Tensor, [x]: tf.Tensor[]) =>
      tf.matMul(tf.add(dy, T(dy)) as tf.Tensor2D, x as tf.Tensor2D),
  };
});

const crossOp = tf.customGrad((a, b, save) => {
  (save as Save)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(T(a as tf.Tensor), b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [
      tf.matMul(y as tf.Tensor2D, T(dy)),
      tf.matMul(x as tf.Tensor2D, dy as tf.Tensor2D),
    ],
  };
});

/** `a · b` for a [M, K], b [K, N] → [M, N]. */
export function matmul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matmulOp(a, b) as tf.Tensor2D;
}

/** `a · bᵀ` for a [M, D], b [N, D] → [M, N] (similarity matrices). */
export function gram(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return gramOp(a, b) as tf.Tensor2D;
}

/**
 * `a · bᵀ` for a [M, D], b [N, D] → [M, N] through tfjs' own MatMul gradient, which
 * computes only the gradients the tape needs (a custom gradient computes all of them): for
 * products whose b usually carries none — keys from a queue or a momentum encoder — this
 * skips b's [N, M]·[M, D] product. Same values and gradients as {@link gram}.
 */
export function gramLazy(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(a, b, false, true);
}

/** `a · aᵀ` for a [M, D] → [M, M] (one product fewer in the backward pass than `gram(a, a)`). */
export function gramSelf(a: tf.Tensor2D): tf.Tensor2D {
  return gramSelfOp(a) as tf.Tensor2D;
}

/** `aᵀ · b` for a [B, M], b [B, N] → [M, N] (cross-correlations). */
export function crossGram(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return crossOp(a, b) as tf.Tensor2D;
}
