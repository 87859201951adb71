/**
 * SimCLR (spec methods.md): two augmented views through one encoder and projector
 * Linear(d, d)–ReLU–Linear(d, 128); NT-Xent τ = 0.5 (baseline) or AMCL NT-Xent (Eq. 2.1,
 * top-κ) on C heads with the shared φ. SGD lr 0.06, momentum 0.9, weight decay 5e-4, cosine.
 *
 * Extras: `projDim` (128), `projHidden` (d), `phiHidden` (128).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { Ctx } from "../models/module.ts";
import { simclrProjector } from "../models/mlp.ts";
import { multiMlp } from "../models/multihead.ts";
import type { TemperatureMlp } from "../models/temperature.ts";
import { buildBackbone, type ImageSpec } from "./backbone.ts";
import { buildPhi, MethodBase, stepTaus } from "./method_model_base.ts";
import type { StepOutput } from "./method_model.ts";
import { extraNumber, type MethodDef } from "./method_definition.ts";
import { SIMCLR_CARD } from "./method_cards.ts";
import { resnetDefaults, sgdPlan } from "./family_defaults.ts";
import { contrastOptions } from "./amcl_settings.ts";
import { ntxent } from "./losses/ntxent.ts";
import { amclNtxent } from "./losses/amcl_ntxent.ts";

class SimclrModel extends MethodBase {
  readonly phi: TemperatureMlp | null;
  constructor(readonly cell: CellConfig, image: ImageSpec, rng: Rng) {
    const backbone = buildBackbone(rng.derive("backbone"), {
      name: cell.backbone,
      width: cell.width,
      image,
      extra: cell.extra,
    });
    const d = backbone.featureDim;
    const out = extraNumber(cell, "projDim", 128);
    const spec = simclrProjector(d, out, extraNumber(cell, "projHidden", d));
    super("simclr", cell.variant, backbone, multiMlp(rng.derive("projector"), cell.heads, spec));
    this.phi = cell.variant === "amcl"
      ? this.root.add("phi", buildPhi(rng, out, extraNumber(cell, "phiHidden", 128)))
      : null;
  }

  forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx): StepOutput {
    const [z1, z2] = this.projectViews(views, c);
    const out = this.phi
      ? amclNtxent(z1, z2, this.phi.tensors(), contrastOptions(this.cell))
      : ntxent(z1, z2, { heads: this.cell.heads, temperature: this.cell.tau });
    return { loss: out.loss, parts: {}, taus: stepTaus(out) };
  }
}

/** SimCLR. */
export const SIMCLR: MethodDef = {
  ...SIMCLR_CARD,
  families: ["resnet", "vit"],
  defaults: (scale, variant) =>
    resnetDefaults(scale, variant, { lr: 0.06, tau: 0.5, beta: 1e-4, topk: 100, extra: { projDim: 128 } }),
  trainPlan: sgdPlan,
  build: (cell, image, rng) => new SimclrModel(cell, image, rng),
};
