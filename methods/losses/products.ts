/**
 * Matrix products whose gradients use only untransposed products (the transposes are done
 * explicitly by the Transpose kernel). tfjs' generic MatMul gradient multiplies with
 * transposed operands, which the wasm backend runs 10–30× slower than plain products at
 * the sizes of these losses ([2B, 2B] similarity matrices, B = 512). The forward `a · bᵀ`
 * keeps the transposeB flag: core/kernels/matmul.ts packs b's rows directly on wasm. Same
 * values, same gradients, on every backend. The native tier multiplies transposed operands
 * at full speed, so there the gradients pass transpose flags instead of copies. Products of
 * rank 3 run per matrix of the batch. {@link gramLazy} is the exception, for products
 * whose second operand usually needs no gradient (a custom gradient computes every input's).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { isNativeBackend } from "../../core/native/names.ts";

type Save = tf.GradSaveFunc;
/** The transpose of the last two axes (a batch of matrices stays a batch). */
const T = (x: tf.Tensor) => {
  const perm = [...Array(x.rank).keys()];
  [perm[x.rank - 2], perm[x.rank - 1]] = [perm[x.rank - 1], perm[x.rank - 2]];
  return tf.transpose(x, perm);
};

/**
 * `a · b` with `a` and/or `b` transposed (last two axes). The native tier's products take
 * the transposes as flags (oneDNN's sgemm reads either layout at full speed), so no copy is
 * made; elsewhere the operand is transposed first (see the module doc).
 */
function mm(a: tf.Tensor, b: tf.Tensor, ta: boolean, tb: boolean): tf.Tensor {
  if (isNativeBackend(tf.getBackend())) return tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, ta, tb);
  return tf.matMul((ta ? T(a) : a) as tf.Tensor2D, (tb ? T(b) : b) as tf.Tensor2D);
}

const matmulOp = tf.customGrad((a, b, save) => {
  (save as Save)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [mm(dy, y, false, true), mm(x, dy, true, false)],
  };
});

const gramOp = tf.customGrad((a, b, save) => {
  (save as Save)([a as tf.Tensor, b as tf.Tensor]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true),
    gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [
      tf.matMul(dy as tf.Tensor2D, y as tf.Tensor2D),
      mm(dy, x, true, false),
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
    value: mm(a as tf.Tensor, b as tf.Tensor, true, false),
    gradFunc: (dy: tf.Tensor, [x, y]: tf.Tensor[]) => [
      mm(y, dy, false, true),
      tf.matMul(x as tf.Tensor2D, dy as tf.Tensor2D),
    ],
  };
});

/** `a · b` for a [M, K], b [K, N] → [M, N]. */
export function matmul(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matmulOp(a, b) as tf.Tensor2D;
}

/**
 * `a · bᵀ` for a [M, D], b [N, D] → [M, N] (similarity matrices), or per matrix of a batch:
 * a [C, M, D], b [C, N, D] → [C, M, N].
 */
export function gram<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T): T {
  return gramOp(a, b) as T;
}

/**
 * `a · bᵀ` for a [M, D], b [N, D] → [M, N] through tfjs' own MatMul gradient, which
 * computes only the gradients the tape needs (a custom gradient computes all of them): for
 * products whose b usually carries none — keys from a queue or a momentum encoder — this
 * skips b's [N, M]·[M, D] product. Same values and gradients as {@link gram}, batched too.
 */
export function gramLazy<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T): T {
  return tf.matMul(a, b, false, true) as T;
}

/** `a · aᵀ` for a [M, D] → [M, M] (one product fewer in the backward pass than `gram(a, a)`). */
export function gramSelf(a: tf.Tensor2D): tf.Tensor2D {
  return gramSelfOp(a) as tf.Tensor2D;
}

/** `aᵀ · b` for a [B, M], b [B, N] → [M, N] (cross-correlations), or per matrix of a batch [C, ·, ·]. */
export function crossGram<T extends tf.Tensor2D | tf.Tensor3D>(a: T, b: T): T {
  return crossOp(a, b) as T;
}
