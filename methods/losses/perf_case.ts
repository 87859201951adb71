/**
 * The loss's share of a training step at paper scale: times the forward + backward of
 * AMCL NT-Xent (B = 512, C = 3, d' = 128, κ = 100, φ hidden 128; spec amcl.md §7) and of
 * the NT-Xent baseline on the current backend, for the perf benchmark to set against a
 * ResNet-18 step. Inputs are seeded random projections.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../../core/random.ts";
import { amclNtxent } from "./amcl_ntxent.ts";
import { ntxent } from "./ntxent.ts";

/** Sizes of the timed case (paper scale by default). */
export interface LossPerfOptions {
  batch?: number;
  heads?: number;
  dim?: number;
  topk?: number;
  hidden?: number;
  /** Timed repetitions after one warm-up (default 3). */
  repeats?: number;
  seed?: number;
}

/** Mean milliseconds of one forward + backward. */
export interface LossPerfResult {
  amclNtxentMs: number;
  ntxentMs: number;
  sizes: Required<Omit<LossPerfOptions, "repeats" | "seed">>;
}

/** Times AMCL NT-Xent and NT-Xent forward + backward (gradients w.r.t. inputs and φ). */
export function timeLossSteps(opts: LossPerfOptions = {}): LossPerfResult {
  const b = opts.batch ?? 512, c = opts.heads ?? 3, d = opts.dim ?? 128;
  const topk = opts.topk ?? 100, h = opts.hidden ?? 128, repeats = opts.repeats ?? 3;
  const rng = new Rng(opts.seed ?? 0).derive("loss-perf");
  const t = (shape: number[], std = 1) => tf.tensor(rng.normals(shape.reduce((x, y) => x * y), std), shape);
  const xs = [t([b, c, d]), t([b, c, d]), t([d, h], 0.1), t([h], 0.01), t([h, d], 0.1), t([d], 0.01)];
  const phiOf = (p: tf.Tensor[]) => ({
    w1: p[0] as tf.Tensor2D,
    b1: p[1] as tf.Tensor1D,
    w2: p[2] as tf.Tensor2D,
    b2: p[3] as tf.Tensor1D,
  });
  const amcl = () =>
    tf.tidy(() => {
      const f = (...p: tf.Tensor[]) =>
        amclNtxent(p[0], p[1], phiOf(p.slice(2)), { heads: c, beta: 1e-4, topk }).loss;
      const r = tf.valueAndGrads(f)(xs);
      r.value.dataSync();
      r.grads.forEach((g) => g.dataSync());
    });
  const base = () =>
    tf.tidy(() => {
      const r = tf.valueAndGrads((z1: tf.Tensor, z2: tf.Tensor) =>
        ntxent(z1, z2, { heads: c, temperature: 0.5 }).loss
      )(
        xs.slice(0, 2),
      );
      r.value.dataSync();
      r.grads.forEach((g) => g.dataSync());
    });
  const time = (fn: () => void) => {
    fn();
    const t0 = performance.now();
    for (let i = 0; i < repeats; i++) fn();
    return (performance.now() - t0) / repeats;
  };
  try {
    return {
      amclNtxentMs: time(amcl),
      ntxentMs: time(base),
      sizes: { batch: b, heads: c, dim: d, topk, hidden: h },
    };
  } finally {
    tf.dispose(xs);
  }
}
