/**
 * SimSiam (spec methods.md): projector 3-layer MLP (BN, last BN non-affine), predictor
 * Linear–BN–ReLU–Linear (2048 → 512 → 2048 at paper scale), stop-gradient on the targets;
 * negative cosine (baseline) or AMCL Eq. 2.2 on C heads (each head has its own projector
 * and predictor) with the shared φ. SGD lr 0.05.
 *
 * Extras: `projDim` (2048), `projHidden` (= projDim), `predHidden` (512), `phiHidden` (128).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import type { CellConfig } from "../core/cell_config.ts";
import { bothViews, type Ctx } from "../models/module.ts";
import { type Mlp, simsiamPredictor, simsiamProjector } from "../models/mlp.ts";
import { type MultiHead, multiMlp } from "../models/multihead.ts";
import type { TemperatureMlp } from "../models/temperature.ts";
import { buildBackbone, type ImageSpec } from "./backbone.ts";
import { buildPhi, MethodBase, stepTaus } from "./method_model_base.ts";
import type { StepOutput } from "./method_model.ts";
import { extraNumber, type MethodDef } from "./method_definition.ts";
import { SIMSIAM_CARD } from "./method_cards.ts";
import { resnetDefaults, sgdPlan } from "./family_defaults.ts";
import { temperatureOptions } from "./amcl_settings.ts";
import { simsiam } from "./losses/simsiam.ts";
import { amclSimsiam } from "./losses/amcl_simsiam.ts";
import { stopGradient } from "./losses/stop_gradient.ts";

class SimsiamModel extends MethodBase {
  readonly phi: TemperatureMlp | null;
  readonly predictor: MultiHead<Mlp>;

  constructor(readonly cell: CellConfig, image: ImageSpec, rng: Rng) {
    const backbone = buildBackbone(rng.derive("backbone"), {
      name: cell.backbone,
      width: cell.width,
      image,
      extra: cell.extra,
    });
    const dim = extraNumber(cell, "projDim", 2048);
    const proj = simsiamProjector(backbone.featureDim, dim, extraNumber(cell, "projHidden", dim));
    super("simsiam", cell.variant, backbone, multiMlp(rng.derive("projector"), cell.heads, proj));
    this.predictor = this.root.add(
      "predictor",
      multiMlp(
        rng.derive("predictor"),
        cell.heads,
        simsiamPredictor(dim, extraNumber(cell, "predHidden", 512)),
      ),
    );
    this.phi = cell.variant === "amcl"
      ? this.root.add("phi", buildPhi(rng, dim, extraNumber(cell, "phiHidden", 128)))
      : null;
  }

  forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx): StepOutput {
    const [z1, z2] = this.projectViews(views, c);
    // The predictor on both views in one pass too (BatchNorm per view).
    const [p1, p2] = bothViews((z: tf.Tensor3D, g) => this.predictor.forward(z, g), z1, z2, c);
    const t1 = stopGradient(z1);
    const t2 = stopGradient(z2);
    const out = this.phi
      ? amclSimsiam(p1, t2, p2, t1, this.phi.tensors(), {
        ...temperatureOptions(this.cell),
        heads: this.cell.heads,
        beta: this.cell.beta,
        returnTemperatures: true,
      })
      : simsiam(p1, t2, p2, t1, { heads: this.cell.heads });
    return { loss: out.loss, parts: {}, taus: stepTaus(out) };
  }
}

/** SimSiam. */
export const SIMSIAM: MethodDef = {
  ...SIMSIAM_CARD,
  families: ["resnet", "vit"],
  defaults: (scale, variant) =>
    resnetDefaults(scale, variant, {
      lr: 0.05,
      tau: 0.5,
      beta: 1e-4,
      topk: 100,
      extra: scale === "paper" ? { projDim: 2048, predHidden: 512 } : { projDim: 512, predHidden: 128 },
    }),
  trainPlan: sgdPlan,
  build: (cell, image, rng) => new SimsiamModel(cell, image, rng),
};
