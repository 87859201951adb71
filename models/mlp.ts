/**
 * Projector and predictor MLPs, declared as data ({@link MlpSpec}) so that method files only
 * say which layers they want, plus builders for the standard heads of each method.
 *
 * A layer is `Linear → [BatchNorm] → [activation]`. Following the official code of each
 * method, a Linear followed by BatchNorm has no bias (the BN shift replaces it).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import { type Ctx, Module } from "./module.ts";
import { BatchNorm, Linear } from "./layers.ts";
import { activate, type Activation } from "./activations.ts";

/** One MLP layer: Linear(in → out), then optional BatchNorm, then optional activation. */
export interface MlpLayerSpec {
  /** Output width. */
  out: number;
  /** BatchNorm after the Linear: `bn` (affine), `bn-noaffine`, or `none` (default). */
  norm?: "bn" | "bn-noaffine" | "none";
  /** Activation after the norm (default `none`). */
  act?: Activation;
  /** Linear bias (default: true when `norm` is `none`, false otherwise). */
  bias?: boolean;
}

/** An MLP: the input width and its layers. */
export interface MlpSpec {
  inDim: number;
  layers: MlpLayerSpec[];
}

/** Checks a spec (UserError naming the bad layer). */
export function validateMlpSpec(spec: MlpSpec): void {
  check(
    Number.isInteger(spec.inDim) && spec.inDim > 0,
    `MLP input width ${spec.inDim} must be a positive integer`,
  );
  check(spec.layers.length > 0, "an MLP needs at least one layer");
  spec.layers.forEach((l, i) => {
    check(Number.isInteger(l.out) && l.out > 0, `MLP layer ${i} width ${l.out} must be a positive integer`);
    check(
      l.norm === undefined || ["bn", "bn-noaffine", "none"].includes(l.norm),
      `MLP layer ${i} norm "${l.norm}" must be bn, bn-noaffine or none`,
    );
    check(
      l.act === undefined || ["relu", "gelu", "none"].includes(l.act),
      `MLP layer ${i} activation "${l.act}" must be relu, gelu or none`,
    );
  });
}

/** One built layer of an {@link Mlp}. */
export interface MlpLayer {
  readonly linear: Linear;
  readonly bn: BatchNorm | null;
  readonly act: Activation;
}

/** An MLP built from an {@link MlpSpec}. Parameter paths: `<i>.linear.…`, `<i>.bn.…`. */
export class Mlp extends Module {
  readonly spec: MlpSpec;
  readonly outDim: number;
  readonly #layers: MlpLayer[] = [];

  constructor(rng: Rng, spec: MlpSpec) {
    super();
    validateMlpSpec(spec);
    this.spec = spec;
    let d = spec.inDim;
    spec.layers.forEach((l, i) => {
      const norm = l.norm ?? "none";
      const linear = this.child(
        `${i}.linear`,
        new Linear(rng.derive(`${i}.linear`), d, l.out, { bias: l.bias ?? norm === "none" }),
      );
      const bn = norm === "none"
        ? null
        : this.child(`${i}.bn`, new BatchNorm(l.out, { affine: norm === "bn" }));
      this.#layers.push({ linear, bn, act: l.act ?? "none" });
      d = l.out;
    });
    this.outDim = d;
  }

  /** The built layers, in order. */
  get layers(): readonly MlpLayer[] {
    return this.#layers;
  }

  /** [N, inDim] → [N, outDim]; BN mode from `ctx.training`. */
  forward(x: tf.Tensor2D, ctx: Ctx): tf.Tensor2D {
    return tf.tidy(() => {
      let y: tf.Tensor2D = x;
      for (const l of this.#layers) {
        y = l.linear.forward(y) as tf.Tensor2D;
        if (l.bn) y = l.bn.forward(y, ctx);
        y = activate(y, l.act);
      }
      return y;
    });
  }
}

/** SimCLR projector: Linear(d, hidden=d) – ReLU – Linear(hidden, out=128), with biases. */
export function simclrProjector(inDim: number, out = 128, hidden = inDim): MlpSpec {
  return { inDim, layers: [{ out: hidden, act: "relu" }, { out }] };
}

/**
 * SimSiam / Barlow Twins projector: (Linear – BN – ReLU) × 2, then Linear – BN with the last
 * BN non-affine (SimSiam's official code). All Linears without bias. Paper scale: 2048 wide
 * (Barlow Twins: 8192, but the spec uses 2048).
 */
export function simsiamProjector(inDim: number, dim = 2048, hidden = dim): MlpSpec {
  return {
    inDim,
    layers: [
      { out: hidden, norm: "bn", act: "relu" },
      { out: hidden, norm: "bn", act: "relu" },
      { out: dim, norm: "bn-noaffine" },
    ],
  };
}

/** Barlow Twins projector: the SimSiam projector's shape (spec: "Projector as SimSiam's"). */
export function barlowProjector(inDim: number, dim = 2048, hidden = dim): MlpSpec {
  return simsiamProjector(inDim, dim, hidden);
}

/** SimSiam predictor: Linear(dim, hidden=512, no bias) – BN – ReLU – Linear(hidden, dim). */
export function simsiamPredictor(dim = 2048, hidden = 512): MlpSpec {
  return { inDim: dim, layers: [{ out: hidden, norm: "bn", act: "relu" }, { out: dim }] };
}

/**
 * MoCo v3's `_build_mlp`: `numLayers` Linears without bias; every layer but the last is
 * followed by BN + ReLU; the last by a non-affine BN when `lastBn`.
 */
export function mocoV3Mlp(
  numLayers: number,
  inDim: number,
  hidden: number,
  out: number,
  lastBn: boolean,
): MlpSpec {
  check(Number.isInteger(numLayers) && numLayers >= 1, `MoCo v3 MLP needs ≥ 1 layer, got ${numLayers}`);
  const layers: MlpLayerSpec[] = [];
  for (let i = 0; i < numLayers; i++) {
    const last = i === numLayers - 1;
    layers.push(
      last
        ? { out, norm: lastBn ? "bn-noaffine" : "none", bias: false }
        : { out: hidden, norm: "bn", act: "relu", bias: false },
    );
  }
  return { inDim, layers };
}

/** MoCo v3 projector: 3 layers, hidden 4096, out 256, last BN non-affine (paper scale). */
export function mocoV3Projector(inDim: number, hidden = 4096, out = 256): MlpSpec {
  return mocoV3Mlp(3, inDim, hidden, out, true);
}

/** MoCo v3 predictor: 2 layers, hidden 4096, out = dim, no last BN. */
export function mocoV3Predictor(dim = 256, hidden = 4096): MlpSpec {
  return mocoV3Mlp(2, dim, hidden, dim, false);
}

/** MoCo v2 projector: Linear(d, d) – ReLU – Linear(d, 128), with biases (as SimCLR's). */
export function mocoV2Projector(inDim: number, out = 128, hidden = inDim): MlpSpec {
  return simclrProjector(inDim, out, hidden);
}
