/**
 * MoCo, v2-style (spec methods.md): query encoder + projector, a momentum (EMA, m = 0.99)
 * copy of both producing the keys (no gradient), and a per-head FIFO queue [C, D, K] of
 * L2-normalised keys, enqueued after the optimiser step. Baseline: InfoNCE of q (view 1)
 * against k (view 2) and the queue, τ = 0.1, one direction. AMCL: Eq. 2.1 top-κ over the
 * queue, both directions (q → k and k → q) against the same queue, C heads, shared φ.
 * SGD lr 0.08.
 *
 * Extras: `projDim` (128), `projHidden` (d), `queueSize` (4096), `momentum` (0.99),
 * `phiHidden` (128).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import type { CellConfig } from "../core/cell_config.ts";
import { copyState, type Ctx } from "../models/module.ts";
import { mocoV2Projector } from "../models/mlp.ts";
import { multiMlp } from "../models/multihead.ts";
import type { TemperatureMlp } from "../models/temperature.ts";
import { backboneForward, buildBackbone, type BuiltBackbone, type ImageSpec } from "./backbone.ts";
import { buildPhi, MethodBase, type Projector, stepTaus } from "./method_model_base.ts";
import type { StepOutput } from "./method_model.ts";
import { extraNumber, type MethodDef } from "./method_definition.ts";
import { MOCO_CARD } from "./method_cards.ts";
import { resnetDefaults, sgdPlan } from "./family_defaults.ts";
import { contrastOptions } from "./amcl_settings.ts";
import { KeyQueue } from "./key_queue.ts";
import { emaUpdate } from "./ema.ts";
import { l2Normalize } from "../core/l2_normalize.ts";
import { moco } from "./losses/moco.ts";
import { amclMoco } from "./losses/amcl_moco.ts";
import { withoutGradient } from "./losses/stop_gradient.ts";

class MocoModel extends MethodBase {
  readonly phi: TemperatureMlp | null;
  readonly keyBackbone: BuiltBackbone;
  readonly keyProjector: Projector;
  readonly queue: KeyQueue;
  readonly momentum: number;
  #pendingKeys: tf.Tensor3D | null = null;

  constructor(readonly cell: CellConfig, image: ImageSpec, rng: Rng) {
    const make = () => {
      const backbone = buildBackbone(rng.derive("backbone"), {
        name: cell.backbone,
        width: cell.width,
        image,
        extra: cell.extra,
      });
      const d = backbone.featureDim;
      const spec = mocoV2Projector(d, extraNumber(cell, "projDim", 128), extraNumber(cell, "projHidden", d));
      return { backbone, projector: multiMlp(rng.derive("projector"), cell.heads, spec) };
    };
    const online = make();
    super("moco", cell.variant, online.backbone, online.projector);
    const key = make();
    copyState(online.backbone.module, key.backbone.module);
    copyState(online.projector, key.projector);
    this.keyBackbone = key.backbone;
    this.keyProjector = key.projector;
    this.root.add("key_backbone", key.backbone.module);
    this.root.add("key_projector", key.projector);
    const dim = online.projector.outDim;
    this.queue = this.root.add(
      "queue",
      new KeyQueue(rng.derive("queue"), cell.heads, dim, extraNumber(cell, "queueSize", 4096)),
    );
    for (const n of ["key_backbone", "key_projector", "queue"]) this.untrained.add(n);
    this.momentum = extraNumber(cell, "momentum", 0.99);
    this.phi = cell.variant === "amcl"
      ? this.root.add("phi", buildPhi(rng, dim, extraNumber(cell, "phiHidden", 128)))
      : null;
  }

  /** Keys of view 2 from the momentum encoder, L2-normalised, without gradient. */
  #keys(x: tf.Tensor4D, c: Ctx): tf.Tensor3D {
    return withoutGradient(
      (v) =>
        l2Normalize(this.keyProjector.forward(backboneForward(this.keyBackbone, v as tf.Tensor4D, c), c)),
      x,
    );
  }

  forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx): StepOutput {
    const q = this.projector.forward(this.encode(views[0], c), c);
    const k = this.#keys(views[1], c);
    this.#pendingKeys?.dispose();
    this.#pendingKeys = tf.keep(k.clone());
    const out = this.phi
      ? amclMoco(q, k, this.queue.queue, this.phi.tensors(), contrastOptions(this.cell))
      : moco(q, k, this.queue.queue, { heads: this.cell.heads, temperature: this.cell.tau });
    return { loss: out.loss, parts: {}, taus: stepTaus(out) };
  }

  /** EMA update of the key encoder and projector, then enqueue this step's keys. */
  override afterStep(): void {
    emaUpdate(this.keyBackbone.module, this.backbone.module, this.momentum);
    emaUpdate(this.keyProjector, this.projector, this.momentum);
    if (this.#pendingKeys) {
      this.queue.enqueue(this.#pendingKeys);
      this.#pendingKeys.dispose();
      this.#pendingKeys = null;
    }
  }

  override dispose(): void {
    this.#pendingKeys?.dispose();
    super.dispose();
  }
}

/** MoCo (v2-style). */
export const MOCO: MethodDef = {
  ...MOCO_CARD,
  families: ["resnet", "vit"],
  defaults: (scale, variant) =>
    resnetDefaults(scale, variant, {
      lr: 0.08,
      tau: 0.1,
      beta: 1e-4,
      topk: 100,
      extra: { projDim: 128, queueSize: scale === "paper" ? 4096 : 1024, momentum: 0.99 },
    }),
  trainPlan: sgdPlan,
  build: (cell, image, rng) => new MocoModel(cell, image, rng),
};
