/**
 * The training loop shared by every method: two augmented views per image, one forward
 * pass inside `tf.variableGrads`, gradient-norm clipping, the optimiser step, then the
 * BatchNorm updates and the method's after-step hook (EMA, queue). Per-step metrics, a
 * per-epoch summary ({@link EpochPoint}) with τ statistics and the temperature-collapse flag
 * for AMCL runs, a NaN/Inf guard that stops the run and says why, per-epoch checkpoints and
 * exact resume.
 *
 * Exact resume: every random choice of epoch e (data order, augmentations, method noise
 * and masks) is drawn from streams derived from the seed and e, and a checkpoint holds the
 * whole model state and optimiser state, the curves, the caller's state and the last
 * step's temperatures, so a run stopped after epoch k and resumed returns the same
 * {@link TrainResult} (weights, curves, `lastTaus`) as an uninterrupted run, timings aside,
 * even when k was the last epoch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Rng } from "../core/random.ts";
import { applyUpdates, ctx, discardUpdates } from "../models/module.ts";
import type { EpochPoint } from "./epoch_point.ts";
import type { MethodModel, StepInfo, StepOutput } from "./method_model.ts";
import { clipGradNorm, Optimizer, type OptimizerConfig } from "./optim.ts";
import { lrAt, type LrSchedule } from "./schedule.ts";
import { loadCheckpoint, readCheckpointMeta, saveCheckpoint } from "./checkpoint.ts";
import { summarizeTemperatures } from "../core/temperature_stats.ts";
import type { ImageSpec } from "./backbone.ts";

/** The training images, as the loop sees them. */
export interface TrainData {
  /** Steps (batches) per epoch. */
  stepsPerEpoch: number;
  /** Images per batch. */
  batchSize: number;
  /** The batches of `epoch` in the order drawn from `rng`, [B, H, W, C]; the loop frees each. */
  batches(epoch: number, rng: Rng): Iterable<tf.Tensor4D>;
  /** Two augmented, normalised views of `images` drawn from `rng` (not freeing `images`). */
  views(images: tf.Tensor4D, rng: Rng): [tf.Tensor4D, tf.Tensor4D];
}

/** One training stage (most methods have one; LGP has "mae" then "moco"). */
export interface StagePlan {
  name: string;
  epochs: number;
  optimizer: OptimizerConfig;
  /** The learning-rate schedule over this stage's epochs. */
  schedule: Omit<LrSchedule, "epochs">;
}

/** How to train: stages in order, and the gradient-norm clip (0 = none). */
export interface TrainPlan {
  stages: StagePlan[];
  clipNorm: number;
}

/** Metrics of one step. */
export interface StepMetrics {
  epoch: number;
  step: number;
  stage: string;
  loss: number;
  parts: Record<string, number>;
  lr: number;
  gradNorm: number;
  imagesPerSec: number;
  /** Mean τ⁺ / τ⁻ per head (AMCL). */
  tauPos?: number[];
  tauNeg?: number[];
  /**
   * This step's temperatures per head (AMCL), at the epochs {@link TrainOptions.stepTemperatures}
   * asks for (otherwise only their means are read from the device).
   */
  taus?: { pos: Float32Array[]; neg: Float32Array[] };
}

/** Options of {@link train}. */
export interface TrainOptions {
  plan: TrainPlan;
  /** Seed of every random choice of the run. */
  seed: number;
  /** AMCL: tauMin, for the τ statistics and the collapse flag. */
  tauMin?: number;
  /**
   * Per-epoch checkpoints in `dir`, tagged with the configuration's hash; `config` (the full
   * resolved configuration) and `image` (the input images the model was built for) are
   * stored with them so a checkpoint can be rebuilt and evaluated on its own.
   */
  checkpoint?: { dir: string; configHash: string; config?: unknown; image?: ImageSpec };
  /** After each epoch, before its checkpoint; may fill `point.knnTop1`. */
  onEpoch?: (point: EpochPoint, model: MethodModel) => void | Promise<void>;
  /** After each step. */
  onStep?: (m: StepMetrics) => void;
  /**
   * AMCL: whether `onStep` gets every temperature of the steps of `epoch` (0-based) as
   * `m.taus` (default: every epoch). Reading them all costs a copy per step (Barlow Twins:
   * d'(d'−1) per head); the per-step means and the per-epoch statistics are kept either way.
   */
  stepTemperatures?: (epoch: number) => boolean;
  /** Stop after this many epochs have completed in total, as a killed run would (tests, budgets). */
  stopAfterEpochs?: number;
  /** At most this many steps per epoch (tests). */
  maxStepsPerEpoch?: number;
  /**
   * The caller's own per-epoch state (e.g. histograms built in `onStep`), saved with each
   * checkpoint (`save`, JSON) and handed back on resume (`load`), so it survives a kill.
   */
  callerState?: { save(): unknown; load(saved: unknown): void };
}

/** The outcome of {@link train}. */
export interface TrainResult {
  /** "done"; "failed" (NaN/Inf guard; see `error`); "stopped" (stopAfterEpochs). */
  status: "done" | "failed" | "stopped";
  error?: string;
  /** One point per completed epoch (from the start of the run, resumed ones included). */
  curves: EpochPoint[];
  /** Epochs completed before this call (0 when not resumed). */
  resumedFrom: number;
  /** Temperatures of the last step, per head (AMCL), for histograms. */
  lastTaus?: { pos: Float32Array[]; neg: Float32Array[] };
  /** Wall seconds per epoch trained in this call. */
  secondsPerEpoch: number;
}

interface StageAt {
  stage: StagePlan;
  stageEpoch: number;
}

function stageAt(plan: TrainPlan, epoch: number): StageAt {
  let start = 0;
  for (const stage of plan.stages) {
    if (epoch < start + stage.epochs) return { stage, stageEpoch: epoch - start };
    start += stage.epochs;
  }
  const last = plan.stages[plan.stages.length - 1];
  return { stage: last, stageEpoch: last.epochs - 1 };
}

function makeOptimizer(model: MethodModel, stage: StagePlan): Optimizer {
  return new Optimizer(stage.optimizer, model.paramGroups(stage.name));
}

function readScalar(t: tf.Tensor): number {
  return t.dataSync()[0];
}

type TauTensors = NonNullable<StepOutput["taus"]>;
type TauArrays = { pos: Float32Array[]; neg: Float32Array[] };

function readTaus(t: TauTensors): TauArrays {
  return {
    pos: t.pos.map((x) => x.dataSync() as Float32Array),
    neg: t.neg.map((x) => x.dataSync() as Float32Array),
  };
}

/** Mean τ⁺ and τ⁻ per head, reduced on the device (one small read). */
function meanTaus(t: TauTensors): { pos: number[]; neg: number[] } {
  const v = tf.tidy(() => tf.stack([...t.pos, ...t.neg].map((x) => tf.mean(x))).dataSync());
  return { pos: Array.from(v.subarray(0, t.pos.length)), neg: Array.from(v.subarray(t.pos.length)) };
}

function disposeTaus(t: TauTensors | undefined): void {
  if (t) tf.dispose([...t.pos, ...t.neg]);
}

/** Frees the parts and temperatures of `out` (its loss is the gradient call's value, freed there). */
function disposeOutput(out: StepOutput | undefined): void {
  if (!out) return;
  for (const p of Object.values(out.parts)) p.dispose();
  if (out.taus) { for (const t of [...out.taus.pos, ...out.taus.neg]) t.dispose(); }
}

/**
 * Trains `model` on `data` following `opts.plan`. Resumes from `opts.checkpoint.dir` when
 * it holds a checkpoint of the same configuration (a different configuration's checkpoint
 * is refused with a `UserError`).
 */
export async function train(model: MethodModel, data: TrainData, opts: TrainOptions): Promise<TrainResult> {
  const plan = opts.plan;
  const totalEpochs = plan.stages.reduce((s, st) => s + st.epochs, 0);
  const stepsPerEpoch = Math.min(data.stepsPerEpoch, opts.maxStepsPerEpoch ?? Infinity);
  const totalSteps = totalEpochs * stepsPerEpoch;
  const rootRng = new Rng(opts.seed).derive("train");
  let curves: EpochPoint[] = [];
  let start = 0;
  let current = stageAt(plan, 0).stage;
  let optimizer: Optimizer | null = null;
  let lastTaus: TrainResult["lastTaus"];

  const ck = opts.checkpoint;
  const meta = ck ? await readCheckpointMeta(ck.dir, ck.configHash) : null;
  if (meta) {
    start = meta.epoch + 1;
    const saved = meta.extra as { curves?: EpochPoint[]; caller?: unknown } | null;
    curves = (saved?.curves ?? []).slice();
    if (saved?.caller !== undefined) opts.callerState?.load(saved.caller);
    current = stageAt(plan, Math.min(start, totalEpochs - 1)).stage;
    optimizer = makeOptimizer(model, current);
    const arrays = await loadCheckpoint(
      ck!.dir,
      meta,
      model.root,
      meta.stage === current.name ? optimizer : null,
    );
    lastTaus = tausFromArrays(arrays);
  }
  const resumedFrom = start;
  // The latest step's temperatures (for its epoch's statistics), read at the end of the epoch.
  let tausHeld: TauTensors | undefined;
  let trainedSeconds = 0;
  let trainedEpochs = 0;

  try {
    for (let epoch = start; epoch < totalEpochs; epoch++) {
      if (opts.stopAfterEpochs !== undefined && epoch >= opts.stopAfterEpochs) {
        return { status: "stopped", curves, resumedFrom, lastTaus, secondsPerEpoch: perEpoch() };
      }
      const { stage, stageEpoch } = stageAt(plan, epoch);
      if (!optimizer || stage.name !== current.name) {
        optimizer?.dispose();
        current = stage;
        optimizer = makeOptimizer(model, stage);
      }
      if (stageEpoch === 0) model.beginStage?.(stage.name);
      const schedule: LrSchedule = { ...stage.schedule, epochs: stage.epochs };
      const epochRng = rootRng.derive(`epoch/${epoch}`);
      const t0 = performance.now();
      let lossSum = 0;
      const partSums: Record<string, number> = {};
      let steps = 0;
      let lr = 0;
      const fullTaus = opts.stepTemperatures?.(epoch) ?? true;

      for (const images of data.batches(epoch, epochRng.derive("order"))) {
        if (steps >= stepsPerEpoch) {
          images.dispose();
          break;
        }
        const i = steps;
        const stepRng = epochRng.derive(`step/${i}`);
        const views = data.views(images, stepRng.derive("augment"));
        images.dispose();
        lr = lrAt(schedule, stageEpoch, i, stepsPerEpoch);
        const info: StepInfo = {
          stage: stage.name,
          epoch,
          stageProgress: (stageEpoch * stepsPerEpoch + i) / Math.max(1, stage.epochs * stepsPerEpoch),
          step: epoch * stepsPerEpoch + i,
          totalSteps,
        };
        const c = ctx(true);
        let out: StepOutput | undefined;
        const ts = performance.now();
        let computed: { value: tf.Scalar; grads: Record<string, tf.Tensor | null> };
        try {
          computed = tf.variableGrads(() => {
            out = model.forward(views, c, stepRng.derive("method"), info);
            for (const p of Object.values(out.parts)) tf.keep(p);
            if (out.taus) { for (const t of [...out.taus.pos, ...out.taus.neg]) tf.keep(t); }
            return out.loss;
          }, optimizer.variables());
        } catch (e) {
          discardUpdates(c);
          throw e;
        } finally {
          views[0].dispose();
          views[1].dispose();
        }
        const { value, grads } = computed;
        const loss = readScalar(value);
        value.dispose();
        const parts: Record<string, number> = {};
        for (const [k, p] of Object.entries(out!.parts)) parts[k] = readScalar(p);
        const gradNorm = Number.isFinite(loss) ? clipGradNorm(grads, plan.clipNorm) : NaN;
        const bad = !Number.isFinite(loss)
          ? `loss is ${loss}`
          : !Number.isFinite(gradNorm)
          ? `gradient norm is ${gradNorm}`
          : null;
        if (bad) {
          tf.dispose(Object.values(grads).filter((g): g is tf.Tensor => g != null));
          discardUpdates(c);
          disposeOutput(out);
          const where = `epoch ${epoch + 1}, step ${i + 1}`;
          const partText = Object.entries(parts).map(([k, v]) => `${k}=${v}`).join(", ");
          return {
            status: "failed",
            error: `non-finite training: ${bad} at ${where}${
              partText ? ` (${partText})` : ""
            }; the run stopped`,
            curves,
            resumedFrom,
            lastTaus,
            secondsPerEpoch: perEpoch(),
          };
        }
        optimizer.apply(grads, lr);
        tf.dispose(Object.values(grads).filter((g): g is tf.Tensor => g != null));
        applyUpdates(c);
        model.afterStep(info);
        let tauPos: number[] | undefined, tauNeg: number[] | undefined;
        let taus: StepMetrics["taus"];
        if (out!.taus) {
          if (fullTaus) {
            taus = readTaus(out!.taus);
            tauPos = taus.pos.map(mean);
            tauNeg = taus.neg.map(mean);
          } else ({ pos: tauPos, neg: tauNeg } = meanTaus(out!.taus));
          disposeTaus(tausHeld);
          tausHeld = out!.taus;
          out!.taus = undefined;
        }
        disposeOutput(out);
        const seconds = (performance.now() - ts) / 1000;
        lossSum += loss;
        for (const [k, v] of Object.entries(parts)) partSums[k] = (partSums[k] ?? 0) + v;
        steps++;
        opts.onStep?.({
          epoch,
          step: i,
          stage: stage.name,
          loss,
          parts,
          lr,
          gradNorm,
          imagesPerSec: data.batchSize / Math.max(seconds, 1e-9),
          tauPos,
          tauNeg,
          taus,
        });
      }
      const seconds = (performance.now() - t0) / 1000;
      trainedSeconds += seconds;
      trainedEpochs++;
      const point: EpochPoint = {
        epoch: epoch + 1,
        loss: lossSum / Math.max(1, steps),
        lr,
        imagesPerSec: (steps * data.batchSize) / Math.max(seconds, 1e-9),
      };
      if (Object.keys(partSums).length > 0) {
        point.parts = Object.fromEntries(
          Object.entries(partSums).map(([k, v]) => [k, v / Math.max(1, steps)]),
        );
      }
      const tausNow = tausHeld && readTaus(tausHeld);
      disposeTaus(tausHeld);
      tausHeld = undefined;
      if (tausNow) {
        lastTaus = tausNow;
        const tauMin = opts.tauMin ?? 0;
        const s = summarizeTemperatures(tausNow.pos.map((pos, h) => ({ pos, neg: tausNow.neg[h] })), tauMin);
        point.tauPos = s.tauPos;
        point.tauNeg = s.tauNeg;
        point.collapsed = s.collapsed;
      }
      await opts.onEpoch?.(point, model);
      curves.push(point);
      if (ck) {
        await saveCheckpoint(ck.dir, {
          configHash: ck.configHash,
          epoch,
          stage: stage.name,
          root: model.root,
          optimizer,
          extra: opts.callerState ? { curves, caller: opts.callerState.save() } : { curves },
          arrays: lastTaus && tausToArrays(lastTaus),
          config: ck.config,
          image: ck.image,
        });
      }
    }
    return { status: "done", curves, resumedFrom, lastTaus, secondsPerEpoch: perEpoch() };
  } finally {
    disposeTaus(tausHeld);
    optimizer?.dispose();
  }

  function perEpoch(): number {
    return trainedEpochs > 0 ? trainedSeconds / trainedEpochs : 0;
  }
}

/** The last step's temperatures as checkpoint arrays: `taus/pos/H`, `taus/neg/H`. */
function tausToArrays(t: TauArrays): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  t.pos.forEach((a, h) => out[`taus/pos/${h}`] = a);
  t.neg.forEach((a, h) => out[`taus/neg/${h}`] = a);
  return out;
}

/** The inverse of {@link tausToArrays}; undefined when the checkpoint holds none. */
function tausFromArrays(arrays: Map<string, Float32Array>): TauArrays | undefined {
  const pos: Float32Array[] = [];
  const neg: Float32Array[] = [];
  for (let h = 0; arrays.has(`taus/pos/${h}`); h++) {
    pos.push(arrays.get(`taus/pos/${h}`)!);
    neg.push(arrays.get(`taus/neg/${h}`) ?? new Float32Array(0));
  }
  return pos.length ? { pos, neg } : undefined;
}

function mean(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : NaN;
}
