/**
 * C independent copies of one head architecture (AMCL's multi-head projector). Each copy
 * draws its weights from its own stream `rng.derive("head<c>")` and has its own BatchNorm
 * statistics. The output is stacked as [N, C, D], the layout the losses take.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import { type Ctx, Module } from "./module.ts";
import { Mlp, type MlpSpec } from "./mlp.ts";
import { stackable, stackedMlpForward } from "./stacked_mlp.ts";

/** What a head must offer: a forward on [N, in] and its output width. */
export interface Head extends Module {
  readonly outDim: number;
  forward(x: tf.Tensor2D, ctx: Ctx): tf.Tensor2D;
}

/** C independent heads; parameter paths `<c>.…`. */
export class MultiHead<H extends Head = Head> extends Module {
  readonly heads: H[] = [];
  /** Output width D of every head. */
  readonly outDim: number;

  /** Builds `count` heads with `make(rng.derive("head<c>"), c)`. */
  constructor(rng: Rng, readonly count: number, make: (rng: Rng, index: number) => H) {
    super();
    check(Number.isInteger(count) && count >= 1, `number of heads ${count} must be a positive integer`);
    for (let c = 0; c < count; c++) this.heads.push(this.child(`${c}`, make(rng.derive(`head${c}`), c)));
    this.outDim = this.heads[0].outDim;
    this.#stacked = this.heads.every((h) => h.constructor === Mlp) &&
      stackable(this.heads as unknown as Mlp[]);
  }

  /** MLP heads of one spec run side by side (models/stacked_mlp.ts), else one call per head. */
  readonly #stacked: boolean;

  /**
   * Runs every head (MLP heads of one spec as one network, with the values and gradients of
   * one call per head). `x` is either shared by all heads, [N, in], or per head, [N, C, in]
   * (head c reads `x[:, c, :]`, e.g. a predictor applied to a multi-head projection; the
   * gradient reaches only the slices whose heads the loss uses).
   * Returns [N, C, D].
   */
  forward(x: tf.Tensor2D | tf.Tensor3D, ctx: Ctx): tf.Tensor3D {
    if (x.rank === 3) {
      check(
        x.shape[1] === this.count,
        () => `multi-head input has ${x.shape[1]} heads, this module has ${this.count}`,
      );
    }
    if (this.#stacked) return stackedMlpForward(this.heads as unknown as Mlp[], x, ctx);
    return tf.tidy(() => {
      const outs = this.heads.map((h, c) =>
        h.forward(x.rank === 3 ? headSlice(x as tf.Tensor3D, c) : x as tf.Tensor2D, ctx)
      );
      // Concat + reshape rather than stack: the gradient is then one SplitV instead of an
      // Unpack, which tfjs-wasm runs ≈ 30× slower than a copy.
      const n = outs[0].shape[0];
      const joined = outs.length === 1 ? outs[0] : tf.concat(outs, 1);
      return tf.reshape(joined, [n, outs.length, this.outDim]) as tf.Tensor3D;
    });
  }
}

/**
 * `x[:, c, :]` of x [N, C, in] as [N, in]. A Slice (whose gradient is a Pad) rather than
 * tfjs' Unpack: Unpack's gradient in tfjs 4.22 fails when one of its outputs receives no
 * gradient (a loss that reads only some heads).
 */
function headSlice(x: tf.Tensor3D, c: number): tf.Tensor2D {
  const [n, , d] = x.shape;
  return tf.reshape(tf.slice(x, [0, c, 0], [n, 1, d]), [n, d]);
}

/** `count` independent MLP heads of one {@link MlpSpec}. */
export function multiMlp(rng: Rng, count: number, spec: MlpSpec): MultiHead<Mlp> {
  return new MultiHead(rng, count, (r) => new Mlp(r, spec));
}
