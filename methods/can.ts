/**
 * CAN (Mishra et al. 2022; spec methods.md): a ViT encoder sees the **visible** patches of
 * two augmented views, each with its own random mask (ratio `maskRatio`, default 0.5), and
 * with Gaussian noise `σ·ε`, `σ = σ_max·U(0,1)` per image, added to its input. Three losses:
 *
 * - contrastive: InfoNCE (τ = 0.1) on `normalize(MLP(mean of encoder tokens))` of the two
 *   views (baseline), or AMCL Eq. 2.4 on C heads with the shared φ;
 * - reconstruction: an MAE decoder predicts the clean pixels of the **masked** patches; MSE
 *   per patch (optionally on per-patch normalised targets, `normPix`);
 * - denoising: the same decoder, told σ through `MLP(sincos(σ))` added to its tokens,
 *   predicts the noise on the **visible** patches; MSE.
 *
 * Total `wInfonce·L_c + wRec·L_rec + wDenoise·L_den` (0.03 / 0.67 / 0.3). AdamW (β 0.9/0.95,
 * wd 0.05, none on biases and norms), lr 2.5e-4·batch/256, warm-up then cosine.
 *
 * Extras: `maskRatio`, `sigmaMax` (0.05), `wInfonce`, `wRec`, `wDenoise`, `normPix`
 * (false), `projDim` (128), `decoderDim`/`decoderDepth`/`decoderHeads`, `phiHidden`,
 * `warmupEpochs`, ViT overrides (see backbone.ts).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { Ctx } from "../models/module.ts";
import { simclrProjector } from "../models/mlp.ts";
import { multiMlp } from "../models/multihead.ts";
import type { TemperatureMlp } from "../models/temperature.ts";
import type { ViT } from "../models/vit.ts";
import type { MaeDecoder } from "../models/mae_decoder.ts";
import { ScalarEmbedding } from "../models/mae_decoder.ts";
import { randomMasks } from "../models/masking.ts";
import { patchify } from "../models/patches.ts";
import { buildBackbone, type ImageSpec } from "./backbone.ts";
import { buildPhi, MethodBase, stepTaus } from "./method_model_base.ts";
import type { StepOutput } from "./method_model.ts";
import { extraBool, extraNumber, type MethodDef } from "./method_definition.ts";
import { CAN_CARD } from "./method_cards.ts";
import { vitDefaults } from "./family_defaults.ts";
import { contrastOptions } from "./amcl_settings.ts";
import { maskedPatchMse, normalizePatches } from "./patch_loss.ts";
import { maeDecoderFromCell } from "./mae_decoder_from_cell.ts";
import { infonce } from "./losses/infonce.ts";
import { amclInfonce } from "./losses/amcl_infonce.ts";

class CanModel extends MethodBase {
  readonly phi: TemperatureMlp | null;
  readonly vit: ViT;
  readonly decoder: MaeDecoder;
  readonly sigmaEmbed: ScalarEmbedding;
  /** Fraction of patches masked in each view of the last step (for tests and records). */
  lastMaskedFraction: number[] = [];

  constructor(readonly cell: CellConfig, image: ImageSpec, rng: Rng) {
    const backbone = buildBackbone(rng.derive("backbone"), {
      name: cell.backbone,
      width: cell.width,
      image,
      pool: "mean",
      extra: cell.extra,
    });
    const d = backbone.featureDim;
    const out = extraNumber(cell, "projDim", 128);
    super(
      "can",
      cell.variant,
      backbone,
      multiMlp(rng.derive("projector"), cell.heads, simclrProjector(d, out, d)),
    );
    this.vit = backbone.module as ViT;
    this.decoder = this.root.add("decoder", maeDecoderFromCell(rng.derive("decoder"), this.vit, cell));
    this.sigmaEmbed = this.root.add(
      "sigma_embed",
      new ScalarEmbedding(rng.derive("sigma_embed"), this.decoder.config.dim),
    );
    this.phi = cell.variant === "amcl"
      ? this.root.add("phi", buildPhi(rng, out, extraNumber(cell, "phiHidden", 128)))
      : null;
  }

  forward(views: [tf.Tensor4D, tf.Tensor4D], c: Ctx, rng: Rng): StepOutput {
    const cell = this.cell;
    const ratio = extraNumber(cell, "maskRatio", 0.5);
    const sigmaMax = extraNumber(cell, "sigmaMax", 0.05);
    const normPix = extraBool(cell, "normPix", false);
    const p = this.vit.config.patchSize;
    const L = this.vit.numPatches;
    const z: tf.Tensor3D[] = [];
    const rec: tf.Scalar[] = [];
    const den: tf.Scalar[] = [];
    this.lastMaskedFraction = [];
    views.forEach((x, v) => {
      const b = x.shape[0];
      const mask = randomMasks(rng.derive(`mask/${v}`), b, L, ratio);
      this.lastMaskedFraction.push((L - mask.numKeep) / L);
      const sigma = tf.tensor1d(rng.derive(`sigma/${v}`).uniforms(b, 0, sigmaMax));
      const noise = tf.mul(
        tf.tensor(rng.derive(`noise/${v}`).normals(x.size), x.shape),
        tf.reshape(sigma, [b, 1, 1, 1]),
      );
      const tokens = this.vit.forwardTokens(tf.add(x, noise) as tf.Tensor4D, c, { keep: mask.keep });
      z.push(this.projector.forward(this.vit.pool(tokens, "mean"), c));
      const pred = this.decoder.forward(tokens, mask.keep, this.sigmaEmbed.forward(sigma));
      const clean = patchify(x, p);
      rec.push(maskedPatchMse(pred, normPix ? normalizePatches(clean) : clean, mask.mask));
      den.push(maskedPatchMse(pred, patchify(noise as tf.Tensor4D, p), tf.sub(1, mask.mask) as tf.Tensor2D));
    });
    const out = this.phi
      ? amclInfonce(z[0], z[1], this.phi.tensors(), contrastOptions(cell))
      : infonce(z[0], z[1], { heads: cell.heads, temperature: cell.tau });
    const lRec = tf.div(tf.add(rec[0], rec[1]), 2) as tf.Scalar;
    const lDen = tf.div(tf.add(den[0], den[1]), 2) as tf.Scalar;
    const loss = tf.addN([
      tf.mul(out.loss, extraNumber(cell, "wInfonce", 0.03)),
      tf.mul(lRec, extraNumber(cell, "wRec", 0.67)),
      tf.mul(lDen, extraNumber(cell, "wDenoise", 0.3)),
    ]) as tf.Scalar;
    return { loss, parts: { infonce: out.loss, rec: lRec, denoise: lDen }, taus: stepTaus(out) };
  }
}

/** CAN. */
export const CAN: MethodDef = {
  ...CAN_CARD,
  families: ["vit"],
  defaults: (scale, variant) => {
    const batch = scale === "paper" ? 4096 : 64;
    return vitDefaults(scale, variant, {
      lr: 2.5e-4 * batch / 256,
      tau: 0.1,
      epochs: scale === "paper" ? 800 : 10,
      extra: {
        maskRatio: 0.5,
        sigmaMax: 0.05,
        wInfonce: 0.03,
        wRec: 0.67,
        wDenoise: 0.3,
        normPix: false,
        projDim: 128,
        warmupEpochs: scale === "paper" ? 40 : 1,
      },
    });
  },
  trainPlan: (cell) => ({
    stages: [{
      name: "main",
      epochs: cell.epochs,
      optimizer: { kind: "adamw", weightDecay: extraNumber(cell, "weightDecay", 0.05), betas: [0.9, 0.95] },
      schedule: { base: cell.lr, warmupEpochs: extraNumber(cell, "warmupEpochs", 0), granularity: "step" },
    }],
    clipNorm: extraNumber(cell, "clipNorm", 0),
  }),
  build: (cell, image, rng) => new CanModel(cell, image, rng),
};
