/**
 * LGP's MoCo stage uses MoCo v3's loss (spec methods.md "LGP"): its contrastive term equals
 * `mocov3` (baseline) / `amclMocov3` (AMCL) of the online predictions and the momentum
 * projections computed independently, differs from the two-view InfoNCE it replaced, and
 * back-propagates with one head (C = 1, the case tfjs' Unpack gradient broke) and with two.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { type Ctx, ctx, type Module } from "../../models/module.ts";
import type { MultiHead } from "../../models/multihead.ts";
import type { TemperatureMlp } from "../../models/temperature.ts";
import { buildMethod } from "../../methods/registry.ts";
import { LGP } from "../../methods/lgp.ts";
import { backboneForward, type BuiltBackbone } from "../../methods/backbone.ts";
import { contrastOptions } from "../../methods/amcl_settings.ts";
import type { StepInfo } from "../../methods/method_model.ts";
import { amclMocov3, infonce, mocov3 } from "../../methods/losses/mod.ts";
import { cifarImages, tinyCell } from "./helpers.ts";

await initBackend("wasm");
const x = cifarImages(8, 16);
const views: [tf.Tensor4D, tf.Tensor4D] = [x, tf.reverse(x, 2) as tf.Tensor4D];
const info: StepInfo = { stage: "moco", epoch: 0, stageProgress: 0, step: 0, totalSteps: 1 };

interface LgpParts {
  backbone: BuiltBackbone;
  projector: Module & { forward(x: tf.Tensor2D, c: Ctx): tf.Tensor3D };
  predictor: MultiHead;
  keyBackbone: BuiltBackbone;
  keyProjector: Module & { forward(x: tf.Tensor2D, c: Ctx): tf.Tensor3D };
  phi: TemperatureMlp | null;
}

Deno.test("LGP: the loss metadata is MoCo v3's (baseline and AMCL)", () => {
  assert.equal(LGP.loss.baseline.name, "mocov3");
  assert.equal(LGP.loss.amcl.name, "amcl_mocov3");
});

for (const variant of ["baseline", "amcl"] as const) {
  Deno.test(`LGP ${variant}: the MoCo-stage term is MoCo v3's loss of q (online) and k (momentum)`, () => {
    const cell = tinyCell("lgp", variant, {}, { vitDepth: 2 });
    const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
    const m = model as unknown as LgpParts;
    model.beginStage!("moco");
    const out = model.forward(views, ctx(true), new Rng(0), info);
    const got = out.parts.contrast.dataSync()[0];
    const expected = tf.tidy(() => {
      const c = ctx(true);
      const q = views.map((v) =>
        m.predictor.forward(m.projector.forward(backboneForward(m.backbone, v, c), c), c)
      );
      const k = views.map((v) => m.keyProjector.forward(backboneForward(m.keyBackbone, v, c), c));
      const ours = m.phi
        ? amclMocov3(q[0], q[1], k[0], k[1], m.phi.tensors(), {
          ...contrastOptions(cell),
          returnTemperatures: false,
        })
        : mocov3(q[0], q[1], k[0], k[1], { heads: cell.heads, temperature: cell.tau });
      const opts = { heads: cell.heads, temperature: cell.tau };
      const twoView = tf.mul(
        tf.add(infonce(q[0], k[1], opts).loss, infonce(q[1], k[0], opts).loss),
        2 * cell.tau,
      );
      return { ours: ours.loss.dataSync()[0], twoView: twoView.dataSync()[0] };
    });
    assert.ok(
      Math.abs(got - expected.ours) <= 1e-4 * Math.max(1, Math.abs(got)),
      `${got} vs ${expected.ours}`,
    );
    if (variant === "baseline") {
      assert.ok(Math.abs(got - expected.twoView) > 1e-3, "not the two-view InfoNCE");
    }
    assert.equal(out.taus?.pos.length, variant === "amcl" ? cell.heads : undefined);
    assert.equal(out.taus?.pos[0].size, variant === "amcl" ? 2 * x.shape[0] : undefined);
    tf.dispose([
      out.loss,
      ...Object.values(out.parts),
      ...(out.taus ? [...out.taus.pos, ...out.taus.neg] : []),
    ]);

    // Gradients: the predictor's heads (one head for the baseline cell) and the encoder learn.
    const trained = model.paramGroups("moco").flatMap((g) => g.params);
    const { value, grads } = tf.variableGrads(
      () => model.forward(views, ctx(true), new Rng(0), info).loss,
      trained.map((p) => p.variable),
    );
    const norm = (prefix: string) =>
      trained.filter((p) => p.path.startsWith(prefix)).reduce(
        (s, p) => s + tf.tidy(() => tf.sum(tf.square(grads[p.variable.name])).dataSync()[0]),
        0,
      );
    assert.ok(norm("predictor.") > 0 && norm("projector.") > 0 && norm("backbone.blocks.") > 0);
    assert.ok(trained.every((p) => !p.path.startsWith("key_")), "momentum copies are not trained");
    tf.dispose([value, ...Object.values(grads)]);
    model.dispose();
  });
}
