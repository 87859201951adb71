/**
 * The machinery every method shares, written once: a root container for the method's
 * parts (backbone, heads, φ, momentum copies, queue), parameter groups that leave out the
 * untrained parts, eval-mode feature functions and parameter counts. A method file only
 * builds its parts and writes its forward pass.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { type Ctx, ctx, Module, type NamedParam } from "../models/module.ts";
import { type Backbone, backboneForward } from "./backbone.ts";
import type { MethodModel, StepInfo, StepOutput, StepTaus } from "./method.ts";
import type { LossOutput } from "./losses/output.ts";
import { TemperatureMlp } from "../models/temperature.ts";
import type { MultiHead } from "../models/multihead.ts";
import type { Mlp } from "../models/mlp.ts";
import type { ParamGroup } from "./optim.ts";

/** A module whose children are added from outside: the root of a method's parts. */
export class Parts extends Module {
  /** Registers `module` under `name`. */
  add<M extends Module>(name: string, module: M): M {
    return this.child(name, module);
  }
}

/** Something with a forward from backbone features [N, F] to head features [N, C, D]. */
export interface Projector extends Module {
  forward(x: tf.Tensor2D, c: Ctx): tf.Tensor3D;
}

/** Base class of the methods. Subclasses add parts to {@link root} and write `forward`. */
export abstract class MethodBase implements MethodModel {
  readonly root: Parts = new Parts();
  /** Root children that the optimiser never trains (momentum copies, queues). */
  protected readonly untrained = new Set<string>();

  constructor(
    readonly method: string,
    readonly variant: "baseline" | "amcl",
    readonly backbone: Backbone,
    readonly projector: Projector,
  ) {
    this.root.add("backbone", backbone.module);
    this.root.add("projector", projector);
  }

  abstract forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx, rng: Rng, info: StepInfo): StepOutput;

  /** No after-step work by default. */
  afterStep(_info: StepInfo): void {}

  /** The parameters the optimiser trains by default: all but the untrained parts. */
  protected trainedParams(): NamedParam[] {
    return this.root.parameters().filter((p) => !this.untrained.has(p.path.split(".")[0]));
  }

  /** One group with every trained parameter. */
  paramGroups(_stage: string): ParamGroup[] {
    return [{ name: "all", params: this.trainedParams() }];
  }

  /** Backbone features of `x` in training mode (BN updates to `c`). */
  protected encode(x: tf.Tensor4D, c: Ctx): tf.Tensor2D {
    return backboneForward(this.backbone, x, c);
  }

  /** Eval-mode backbone features [B, F]. */
  features(x: tf.Tensor4D): tf.Tensor2D {
    return tf.tidy(() => backboneForward(this.backbone, x, ctx(false)));
  }

  /** Eval-mode head features [B, C, D] (the projector's output). */
  headFeatures(x: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => {
      const c = ctx(false);
      return this.projector.forward(backboneForward(this.backbone, x, c), c);
    });
  }

  /** Trainable scalars by part: backbone, heads (everything else trained), φ. */
  paramCounts(): { backbone: number; heads: number; phi: number; total: number } {
    const count = (pred: (top: string) => boolean) =>
      this.root.parameters().filter((p) =>
        pred(p.path.split(".")[0]) && !this.untrained.has(p.path.split(".")[0])
      )
        .reduce((s, p) => s + p.variable.size, 0);
    const backbone = count((t) => t === "backbone");
    const phi = count((t) => t === "phi");
    const total = count(() => true);
    return { backbone, heads: total - backbone - phi, phi, total };
  }

  /** Frees every variable of every part. */
  dispose(): void {
    this.root.dispose();
  }
}

/** The temperatures of a loss output as the loop takes them (τ⁻ absent for SimSiam). */
export function stepTaus(out: LossOutput): StepTaus | undefined {
  if (!out.temperatures) return undefined;
  return {
    pos: out.temperatures.map((t) => t.positive),
    neg: out.temperatures.flatMap((t) => (t.negative ? [t.negative] : [])),
  };
}

/** Builds φ for a cell's AMCL variant (input width `inDim`: d', or B for Barlow Twins). */
export function buildPhi(rng: Rng, inDim: number, hidden: number): TemperatureMlp {
  return new TemperatureMlp(rng.derive("phi"), inDim, hidden);
}

/**
 * Runs head c of `heads` on `x[:, c, :]` for x [N, C, D] → [N, C, D']. Uses slices (whose
 * gradient is a pad) rather than tfjs' Unpack, whose gradient fails when an output gets no
 * gradient.
 */
export function perHead(heads: MultiHead<Mlp>, x: tf.Tensor3D, c: Ctx): tf.Tensor3D {
  return tf.tidy(() => {
    const [n, count, d] = x.shape;
    const outs = heads.heads.map((h, i) =>
      h.forward(tf.reshape(tf.slice(x, [0, i, 0], [n, 1, d]), [n, d]), c)
    );
    return count === 1 ? tf.expandDims(outs[0], 1) as tf.Tensor3D : tf.stack(outs, 1) as tf.Tensor3D;
  });
}
