/**
 * Running one perf row of each kind on the current backend: a training step (AMCL rows
 * alternated with their baseline), the leak row, the AMCL loss alone and augmentation.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../core/random.ts";
import { contrastOptions } from "../methods/amcl_settings.ts";
import { amclNtxent } from "../methods/losses/amcl_ntxent.ts";
import { disposeTemperatures, type LossOutput } from "../methods/losses/output.ts";
import { TemperatureMlp } from "../models/temperature.ts";
import { Augmenter } from "../datasets/augment.ts";
import type { AugmentRow, LeakRow, LossRow, StepRow } from "./perf_rows.ts";
import type { PerfOptions, PerfRow } from "./perf_report.ts";
import { denseMacs } from "./perf_macs.ts";
import { emptyRow, finishRow, kernelBreakdown, median, MiB, round, rss, timeCalls } from "./perf_measure.ts";
import { cellFor, runSteps, type TrainSteps } from "./perf_steps.ts";

/**
 * A step row. AMCL rows also build their baseline (same method and shapes) and alternate
 * single steps of the two, so that load from other processes hits both alike: their
 * ratio ({@link PerfRow.pairedBaselineRatio}) is the median of per-pair ratios.
 */
export async function stepRow(def: StepRow, o: PerfOptions, backend: string): Promise<PerfRow> {
  const out = emptyRow(def, backend);
  const paired = def.variant === "amcl" ? { ...def, variant: "baseline" as const } : null;
  // A paired row's ratio is a median over its pairs: it keeps --steps pairs even when heavy (a
  // step of a 2-core VM varies by ±10%, against a 5% target).
  const steps = def.heavy && !paired ? Math.min(o.steps, o.heavySteps ?? 2) : o.steps;
  const before = tf.memory().numTensors;
  let afterWarmup = 0, afterSteps = 0;
  let peakRss = rss();
  const body = async (trainSteps: TrainSteps, baseSteps: TrainSteps | null) => {
    // First-step costs (heap growth, operator set-up) stay out of the profile.
    if (!def.heavy) await trainSteps(1);
    if (baseSteps) {
      const baseProf = await tf.profile(async () => {
        await baseSteps(1);
        return [];
      });
      out.pairedBaselineGmacs = round(denseMacs(baseProf.kernels) / 1e9, 3);
    }
    const prof = await tf.profile(async () => {
      await trainSteps(1);
      return [];
    });
    out.gmacs = round(denseMacs(prof.kernels) / 1e9, 3);
    if (out.pairedBaselineGmacs) out.macRatio = round(out.gmacs / out.pairedBaselineGmacs, 3);
    out.tfjsPeakMiB = round(prof.peakBytes / MiB, 1);
    if (o.topKernels > 0) out.kernels = kernelBreakdown(prof.kernels, o.topKernels);
    afterWarmup = tf.memory().numTensors;
    peakRss = Math.max(peakRss, rss());
    const base: number[] = [];
    for (let i = 0; i < steps; i++) {
      await trainSteps(1, (ms) => out.msSteps.push(round(ms)));
      peakRss = Math.max(peakRss, rss());
      if (baseSteps) await baseSteps(1, (ms) => base.push(ms));
      o.progress?.(`  ${def.id} step ${i + 1}/${steps}: ${out.msSteps[i].toFixed(0)} ms`);
    }
    if (base.length > 0) {
      out.pairedBaselineMs = round(median(base));
      out.pairedBaselineRatio = round(median(base.map((b, i) => out.msSteps[i] / b)), 3);
    }
    afterSteps = tf.memory().numTensors;
  };
  await runSteps(
    def,
    (trainSteps) =>
      paired ? runSteps(paired, (baseSteps) => body(trainSteps, baseSteps)) : body(trainSteps, null),
  );
  const after = tf.memory().numTensors;
  finishRow(out, { before, afterWarmup, afterSteps, after }, peakRss, def.batch);
  return out;
}

/** The leak row: many steps, the tensor count after each. */
export async function leakRow(def: LeakRow, o: PerfOptions, backend: string): Promise<PerfRow> {
  const out = emptyRow(def, backend);
  const before = tf.memory().numTensors;
  const counts: number[] = [];
  let peakRss = rss();
  await runSteps(def, async (trainSteps) => {
    await trainSteps(def.steps, (ms) => {
      out.msSteps.push(round(ms));
      counts.push(tf.memory().numTensors);
      peakRss = Math.max(peakRss, rss());
      if (counts.length % 10 === 0) o.progress?.(`  ${def.id} step ${counts.length}/${def.steps}`);
    });
  });
  const after = tf.memory().numTensors;
  // With no steps recorded both ends are `before`, so growth is 0.
  const afterWarmup = counts[0] ?? before;
  const afterSteps = counts[counts.length - 1] ?? before;
  finishRow(out, { before, afterWarmup, afterSteps, after }, peakRss, def.batch);
  out.note = `${counts.length} steps; tensor count after each step from ${counts[0]} to ${
    counts[counts.length - 1]
  }`;
  return out;
}

/** The loss row: AMCL NT-Xent forward and backward alone, at paper scale. */
export async function lossRow(def: LossRow, o: PerfOptions, backend: string): Promise<PerfRow> {
  const out = emptyRow(def, backend);
  const before = tf.memory().numTensors;
  const rng = new Rng(2);
  const { batch: B, heads: C, dim: D } = def;
  const z1 = tf.variable(tf.tensor3d(rng.derive("z1").normals(B * C * D), [B, C, D]));
  const z2 = tf.variable(tf.tensor3d(rng.derive("z2").normals(B * C * D), [B, C, D]));
  const phi = new TemperatureMlp(rng.derive("phi"), D, 128);
  // The options training passes for an AMCL SimCLR cell with this κ.
  const opts = contrastOptions({
    ...cellFor({ method: "simclr", variant: "amcl", width: 1, batch: B }),
    topk: def.topk,
  });
  const vars = [z1, z2, ...phi.parameters().map((p) => p.variable)];
  let peakRss = rss();
  let afterWarmup = 0;
  out.msSteps = await timeCalls(
    o.steps,
    () => {
      tf.tidy(() => {
        let res: LossOutput | undefined;
        const { value, grads } = tf.variableGrads(() => {
          res = amclNtxent(z1, z2, phi.tensors(), opts);
          return res.loss as tf.Scalar;
        }, vars);
        value.dataSync();
        for (const g of Object.values(grads)) g.dataSync();
        // Training reads the temperatures for its statistics; they are kept past the tidy.
        for (const t of res!.temperatures ?? []) t.positive.dataSync();
        disposeTemperatures(res!);
      });
      peakRss = Math.max(peakRss, rss());
    },
    () => (afterWarmup = tf.memory().numTensors),
    out,
    o.topKernels,
  );
  const afterSteps = tf.memory().numTensors;
  tf.dispose([z1, z2]);
  phi.dispose();
  const after = tf.memory().numTensors;
  finishRow(out, { before, afterWarmup, afterSteps, after }, peakRss);
  return out;
}

/** The augment row: one augmented view of a batch of images. */
export async function augmentRow(def: AugmentRow, o: PerfOptions, backend: string): Promise<PerfRow> {
  const out = emptyRow(def, backend);
  const before = tf.memory().numTensors;
  const rng = new Rng(3);
  const n = def.images * def.size * def.size * 3;
  const images = tf.tensor4d(rng.derive("images").uniforms(n), [def.images, def.size, def.size, 3]);
  const aug = new Augmenter(def.augs, {
    shape: [def.size, def.size, 3],
    mean: [0.5, 0.5, 0.5],
    std: [0.25, 0.25, 0.25],
  });
  let i = 0;
  let peakRss = rss();
  let afterWarmup = 0;
  out.msSteps = await timeCalls(
    o.steps,
    () => {
      const v = aug.view(images, rng.derive(`view/${i++}`));
      // Wait for the view (GPU backends run asynchronously) through a scalar: training keeps the
      // view on the device, so reading all of it back would time a copy it never pays.
      const probe = tf.sum(v);
      probe.dataSync();
      tf.dispose([v, probe]);
      peakRss = Math.max(peakRss, rss());
    },
    () => (afterWarmup = tf.memory().numTensors),
    out,
    o.topKernels,
  );
  const afterSteps = tf.memory().numTensors;
  images.dispose();
  const after = tf.memory().numTensors;
  finishRow(out, { before, afterWarmup, afterSteps, after }, peakRss, def.images);
  return out;
}
