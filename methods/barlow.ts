/**
 * Barlow Twins (spec methods.md): projector as SimSiam's (d' = 2048 at paper scale),
 * cross-correlation loss λ = 5e-3 (baseline) or AMCL Eq. 2.3 on C heads, whose φ maps
 * batch vectors R^B → R^B — so an AMCL run has one fixed batch size, and any other batch
 * is refused with a clear error. SGD lr 0.11 (`extra.optimizer: "lars"` offers the original
 * paper's LARS).
 *
 * Extras: `projDim` (2048), `projHidden` (= projDim), `lambda` (5e-3), `phiHidden` (128),
 * `optimizer` ("sgd" | "lars").
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { Ctx } from "../models/module.ts";
import { barlowProjector } from "../models/mlp.ts";
import { multiMlp } from "../models/multihead.ts";
import type { TemperatureMlp } from "../models/temperature.ts";
import { buildBackbone, type ImageSpec } from "./backbone.ts";
import { buildPhi, MethodBase, stepTaus } from "./method_model_base.ts";
import type { StepOutput } from "./method_model.ts";
import { extraNumber, extraString, type MethodDef } from "./method_definition.ts";
import { BARLOW_CARD } from "./method_cards.ts";
import { resnetDefaults, sgdPlan } from "./family_defaults.ts";
import { temperatureOptions } from "./amcl_settings.ts";
import { barlow } from "./losses/barlow.ts";
import { amclBarlow } from "./losses/amcl_barlow.ts";

class BarlowModel extends MethodBase {
  readonly phi: TemperatureMlp | null;
  protected override readonly phiOverBatch = true;

  constructor(readonly cell: CellConfig, image: ImageSpec, rng: Rng) {
    const backbone = buildBackbone(rng.derive("backbone"), {
      name: cell.backbone,
      width: cell.width,
      image,
      extra: cell.extra,
    });
    const dim = extraNumber(cell, "projDim", 2048);
    const proj = barlowProjector(backbone.featureDim, dim, extraNumber(cell, "projHidden", dim));
    super("barlow", cell.variant, backbone, multiMlp(rng.derive("projector"), cell.heads, proj));
    this.phi = cell.variant === "amcl"
      ? this.root.add("phi", buildPhi(rng, cell.batchSize, extraNumber(cell, "phiHidden", 128)))
      : null;
  }

  forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx): StepOutput {
    const b = views[0].shape[0];
    check(
      !this.phi || b === this.cell.batchSize,
      () =>
        `Barlow Twins AMCL was built for batch size ${this.cell.batchSize} (φ maps R^${this.cell.batchSize} → ` +
        `R^${this.cell.batchSize}) but got a batch of ${b}; train with batch size ${this.cell.batchSize} and drop ` +
        `the last partial batch`,
    );
    const [z1, z2] = this.projectViews(views, c);
    const lambda = extraNumber(this.cell, "lambda", 5e-3);
    const out = this.phi
      ? amclBarlow(z1, z2, this.phi.tensors(), {
        ...temperatureOptions(this.cell),
        heads: this.cell.heads,
        lambda,
        beta: this.cell.beta,
        batchSize: this.cell.batchSize,
        returnTemperatures: true,
      })
      : barlow(z1, z2, { heads: this.cell.heads, lambda });
    return { loss: out.loss, parts: {}, taus: stepTaus(out) };
  }
}

/** Barlow Twins. */
export const BARLOW: MethodDef = {
  ...BARLOW_CARD,
  families: ["resnet", "vit"],
  defaults: (scale, variant) =>
    resnetDefaults(scale, variant, {
      lr: 0.11,
      tau: 0.5,
      beta: 1e-6,
      topk: 100,
      extra: { projDim: scale === "paper" ? 2048 : 512, lambda: 5e-3, optimizer: "sgd" },
    }),
  validate(cell) {
    const opt = extraString(cell, "optimizer", "sgd");
    check(opt === "sgd" || opt === "lars", `Barlow Twins optimizer "${opt}"; use sgd or lars`);
  },
  trainPlan: sgdPlan,
  build: (cell, image, rng) => new BarlowModel(cell, image, rng),
};
