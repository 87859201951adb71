/**
 * C MLP heads of one spec run side by side as one network, the forward {@link MultiHead}
 * uses for AMCL's projectors and predictors: head c's features are columns c·d … (c+1)·d − 1
 * of one [N, C·d] activation, so each layer is one product, one BatchNorm and one
 * activation for all heads instead of C of each (the heads' kernel calls, not their
 * multiply-adds, were most of AMCL's extra step time at batch 32). Each head keeps its own
 * parameters and running statistics; values and gradients are those of C separate calls.
 *
 * - first layer on a shared input [N, in]: x · [W₁ … W_C] ([in, C·out], the weights joined);
 * - on per-head features: [C, N, d] · [C, d, out] as one batched product (heads as batch);
 * - BatchNorm: {@link batchNormSideBySide} (every channel is normalised on its own).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Ctx } from "./module.ts";
import type { Mlp } from "./mlp.ts";
import { batchNormSideBySide } from "./layers.ts";
import { activate } from "./activations.ts";

/** True when `heads` can run side by side: two or more MLPs of one spec. */
export function stackable(heads: readonly Mlp[]): boolean {
  if (heads.length < 2) return false;
  const spec = JSON.stringify(heads[0].spec);
  return heads.every((h) => h.layers.length === heads[0].layers.length && JSON.stringify(h.spec) === spec);
}

/**
 * The C heads on `x`, shared [N, in] or per head [N, C, in] (head c reads x[:, c, :]), as
 * [N, C, D]. The heads must be {@link stackable}.
 */
export function stackedMlpForward(
  heads: readonly Mlp[],
  x: tf.Tensor2D | tf.Tensor3D,
  ctx: Ctx,
): tf.Tensor3D {
  const C = heads.length;
  return tf.tidy(() => {
    const n = x.shape[0];
    let shared = x.rank === 2;
    let d = x.shape[x.rank - 1];
    let y = (shared ? x : tf.reshape(x, [n, C * d])) as tf.Tensor2D;
    for (let i = 0; i < heads[0].layers.length; i++) {
      const ls = heads.map((h) => h.layers[i]);
      const out = ls[0].linear.outFeatures;
      if (shared) {
        y = tf.matMul(y, tf.concat(ls.map((l) => l.linear.weight as tf.Tensor2D), 1));
        shared = false;
      } else {
        const xt = tf.transpose(tf.reshape(y, [n, C, d]), [1, 0, 2]) as tf.Tensor3D;
        const w = tf.concat(ls.map((l) => tf.reshape(l.linear.weight, [1, d, out]) as tf.Tensor3D), 0);
        y = tf.reshape(tf.transpose(tf.matMul(xt, w), [1, 0, 2]), [n, C * out]);
      }
      if (ls[0].linear.bias) y = tf.add(y, tf.concat(ls.map((l) => l.linear.bias!), 0));
      if (ls[0].bn) y = batchNormSideBySide(ls.map((l) => l.bn!), y, ctx);
      y = activate(y, ls[0].act);
      d = out;
    }
    return tf.reshape(y, [n, C, d]) as tf.Tensor3D;
  });
}
