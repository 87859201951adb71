/**
 * LGP, Layer Grafted Pre-training (Jiang et al. ICLR 2023; spec methods.md). Two stages:
 *
 * 1. `mae` (`extra.maeEpochs` epochs): MAE on view 1 — the ViT encoder sees the visible
 *    patches (mask 0.75), the decoder predicts the masked ones; MSE on per-patch normalised
 *    pixels. AdamW (β 0.9/0.95, wd 0.05), lr `extra.maeLr`.
 * 2. `moco` (`epochs` epochs): MoCo v3 initialised from the MAE encoder: online encoder +
 *    projector (3-layer MLP with BN) + predictor (2-layer), momentum encoder + projector
 *    (EMA, momentum cosine 0.99 → 1) copied from the online ones when the stage starts; the
 *    patch embedding is frozen; the lower 2/3 of the blocks (and the class token) learn at
 *    `lowerLrMult` (0.1) × the rate of the top 1/3. AdamW wd 0.1.
 *
 * Contrastive term: MoCo v3's loss (`mocov3`, spec methods.md) `2τ·CE(q·kᵀ/τ, diagonal)`,
 * symmetrised `ctr(q1, k2) + ctr(q2, k1)`, τ = 0.2, q the online predictions, k the momentum
 * projections (no gradient), the in-batch keys as negatives. AMCL: Eq. 2.4 on those keys
 * (`amclMocov3`: every key of the batch a top-κ candidate, the positive included), C heads,
 * shared φ.
 *
 * Extras: `maeEpochs`, `maeLr`, `maeMaskRatio` (0.75), `lowerLrMult` (0.1), `momentum`
 * (0.99 start), `projDim` (256), `projHidden` (4096), `predHidden` (4096), decoder sizes,
 * `phiHidden`, `warmupEpochs`, `maeWarmupEpochs`, ViT overrides.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import type { CellConfig } from "../core/cell_config.ts";
import { bothViews, copyState, type Ctx } from "../models/module.ts";
import { type Mlp, mocoV3Predictor, mocoV3Projector } from "../models/mlp.ts";
import { type MultiHead, multiMlp } from "../models/multihead.ts";
import type { TemperatureMlp } from "../models/temperature.ts";
import type { ViT } from "../models/vit.ts";
import type { MaeDecoder } from "../models/mae_decoder.ts";
import { randomMasks } from "../models/masking.ts";
import { patchify } from "../models/patches.ts";
import { backboneForward, buildBackbone, type BuiltBackbone, type ImageSpec } from "./backbone.ts";
import { buildPhi, MethodBase, type Projector, stepTaus } from "./method_model_base.ts";
import type { StepInfo, StepOutput } from "./method_model.ts";
import type { ParamGroup } from "./optim.ts";
import { extraNumber, type MethodDef } from "./method_definition.ts";
import { LGP_CARD } from "./method_cards.ts";
import { vitDefaults } from "./family_defaults.ts";
import { contrastOptions } from "./amcl_settings.ts";
import { maskedPatchMse, normalizePatches } from "./patch_loss.ts";
import { maeDecoderFromCell } from "./mae_decoder_from_cell.ts";
import { emaUpdate } from "./ema.ts";
import { momentumAt } from "./schedule.ts";
import { mocov3 } from "./losses/mocov3.ts";
import { amclMocov3 } from "./losses/amcl_mocov3.ts";
import { withoutGradient } from "./losses/stop_gradient.ts";

/** The two stages of LGP. */
export const LGP_STAGES = ["mae", "moco"] as const;

class LgpModel extends MethodBase {
  readonly phi: TemperatureMlp | null;
  readonly vit: ViT;
  readonly predictor: MultiHead<Mlp>;
  readonly decoder: MaeDecoder;
  readonly keyBackbone: BuiltBackbone;
  readonly keyProjector: Projector;

  constructor(readonly cell: CellConfig, image: ImageSpec, rng: Rng) {
    const make = () => {
      const backbone = buildBackbone(rng.derive("backbone"), {
        name: cell.backbone,
        width: cell.width,
        image,
        pool: "cls",
        extra: cell.extra,
      });
      const spec = mocoV3Projector(
        backbone.featureDim,
        extraNumber(cell, "projHidden", 4096),
        extraNumber(cell, "projDim", 256),
      );
      return { backbone, projector: multiMlp(rng.derive("projector"), cell.heads, spec) };
    };
    const online = make();
    super("lgp", cell.variant, online.backbone, online.projector);
    this.vit = online.backbone.module as ViT;
    const dim = online.projector.outDim;
    this.predictor = this.root.add(
      "predictor",
      multiMlp(
        rng.derive("predictor"),
        cell.heads,
        mocoV3Predictor(dim, extraNumber(cell, "predHidden", 4096)),
      ),
    );
    this.decoder = this.root.add("decoder", maeDecoderFromCell(rng.derive("decoder"), this.vit, cell));
    const key = make();
    this.keyBackbone = key.backbone;
    this.keyProjector = key.projector;
    this.root.add("key_backbone", key.backbone.module);
    this.root.add("key_projector", key.projector);
    this.untrained.add("key_backbone");
    this.untrained.add("key_projector");
    this.phi = cell.variant === "amcl"
      ? this.root.add("phi", buildPhi(rng, dim, extraNumber(cell, "phiHidden", 128)))
      : null;
  }

  /**
   * `mae`: the encoder and the decoder. `moco`: everything but the patch embedding (frozen)
   * and the decoder; the lower 2/3 of the blocks and the class token at `lowerLrMult`.
   */
  override paramGroups(stage: string): ParamGroup[] {
    const all = this.trainedParams();
    if (stage === "mae") {
      return [{ name: "mae", params: all.filter((p) => /^(backbone|decoder)\./.test(p.path)) }];
    }
    const depth = this.vit.config.depth;
    const lowerBlocks = Math.floor((2 * depth) / 3);
    const isLower = (path: string) => {
      if (path === "backbone.cls_token") return true;
      const m = /^backbone\.blocks\.(\d+)\./.exec(path);
      return m !== null && Number(m[1]) < lowerBlocks;
    };
    const used = all.filter((p) => !/^(decoder|backbone\.patch_embed)\./.test(p.path));
    return [
      {
        name: "blocks.lower",
        params: used.filter((p) => isLower(p.path)),
        lrMult: extraNumber(this.cell, "lowerLrMult", 0.1),
      },
      { name: "upper", params: used.filter((p) => !isLower(p.path)) },
    ];
  }

  /** The MoCo stage starts from the MAE encoder: the momentum copies take the online weights. */
  beginStage(stage: string): void {
    if (stage !== "moco") return;
    copyState(this.backbone.module, this.keyBackbone.module);
    copyState(this.projector, this.keyProjector);
  }

  forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx, rng: Rng, info: StepInfo): StepOutput {
    return info.stage === "mae" ? this.#mae(views[0], rng) : this.#moco(views, c);
  }

  #mae(x: tf.Tensor4D, rng: Rng): StepOutput {
    const ratio = extraNumber(this.cell, "maeMaskRatio", 0.75);
    const mask = randomMasks(rng.derive("mask"), x.shape[0], this.vit.numPatches, ratio);
    const tokens = this.vit.forwardTokens(x, undefined, { keep: mask.keep });
    const pred = this.decoder.forward(tokens, mask.keep);
    const target = normalizePatches(patchify(x, this.vit.config.patchSize));
    const rec = maskedPatchMse(pred, target, mask.mask);
    return { loss: rec, parts: { rec: rec.clone() } };
  }

  #keys(x: tf.Tensor4D, c: Ctx): tf.Tensor3D {
    return withoutGradient(
      (v) => this.keyProjector.forward(backboneForward(this.keyBackbone, v as tf.Tensor4D, c), c),
      x,
    );
  }

  #moco(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx): StepOutput {
    const [z1, z2] = this.projectViews(views, c);
    const [q1, q2] = bothViews((z: tf.Tensor3D, g) => this.predictor.forward(z, g), z1, z2, c);
    const [k1, k2] = bothViews((v: tf.Tensor4D, g) => this.#keys(v, g), views[0], views[1], c);
    const cell = this.cell;
    const out = this.phi
      ? amclMocov3(q1, q2, k1, k2, this.phi.tensors(), contrastOptions(cell))
      : mocov3(q1, q2, k1, k2, { heads: cell.heads, temperature: cell.tau });
    return { loss: out.loss, parts: { contrast: out.loss.clone() }, taus: stepTaus(out) };
  }

  /** Momentum update (cosine 0.99 → 1 over the stage) after each MoCo step. */
  override afterStep(info: StepInfo): void {
    if (info.stage !== "moco") return;
    const m = momentumAt(extraNumber(this.cell, "momentum", 0.99), 1, info.stageProgress);
    emaUpdate(this.keyBackbone.module, this.backbone.module, m);
    emaUpdate(this.keyProjector, this.projector, m);
  }
}

/** LGP. */
export const LGP: MethodDef = {
  ...LGP_CARD,
  families: ["vit"],
  defaults: (scale, variant) => {
    const paper = scale === "paper";
    const batch = paper ? 4096 : 64;
    return vitDefaults(scale, variant, {
      lr: 1.5e-4 * batch / 256,
      tau: 0.2,
      epochs: paper ? 300 : 5,
      extra: {
        maeEpochs: paper ? 1600 : 5,
        maeLr: 1.5e-4 * batch / 256,
        maeMaskRatio: 0.75,
        lowerLrMult: 0.1,
        momentum: 0.99,
        projDim: paper ? 256 : 128,
        projHidden: paper ? 4096 : 512,
        predHidden: paper ? 4096 : 512,
        warmupEpochs: paper ? 40 : 1,
        maeWarmupEpochs: paper ? 40 : 1,
      },
    });
  },
  validate(cell) {
    const mae = extraNumber(cell, "maeEpochs", 0);
    check(
      Number.isInteger(mae) && mae >= 0,
      `LGP maeEpochs = ${mae}; expected an integer ≥ 0 (0 skips the MAE stage)`,
    );
  },
  trainPlan: (cell) => ({
    stages: [
      ...(extraNumber(cell, "maeEpochs", 0) > 0
        ? [{
          name: "mae",
          epochs: extraNumber(cell, "maeEpochs", 0),
          optimizer: { kind: "adamw" as const, weightDecay: 0.05, betas: [0.9, 0.95] as [number, number] },
          schedule: {
            base: extraNumber(cell, "maeLr", cell.lr),
            warmupEpochs: extraNumber(cell, "maeWarmupEpochs", 0),
            granularity: "step" as const,
          },
        }]
        : []),
      {
        name: "moco",
        epochs: cell.epochs,
        optimizer: { kind: "adamw", weightDecay: extraNumber(cell, "weightDecay", 0.1) },
        schedule: { base: cell.lr, warmupEpochs: extraNumber(cell, "warmupEpochs", 0), granularity: "step" },
      },
    ],
    clipNorm: extraNumber(cell, "clipNorm", 0),
  }),
  build: (cell, image, rng) => new LgpModel(cell, image, rng),
};
