/**
 * The training-speed benchmark behind `deno task perf`: times one full training step
 * (forward, backward, optimiser, BN and after-step updates) of methods from the registry —
 * the step the training loop runs, through {@link train} itself — per backend, beside the
 * PyTorch peer on the same shapes and thread count; plus the AMCL loss alone, augmentation,
 * and a tensor-count check over many steps. See {@link perfRows} for the rows.
 *
 * Per step row: the first step is the warm-up (excluded from timing; it is profiled for the
 * tfjs peak memory and the per-kernel breakdown), then `steps` timed steps (2 for heavy
 * rows); ms/step is their median. Images/s counts images (each seen as two views) per
 * second. Memory: the largest RSS sampled after each step, the process's peak RSS so far
 * (VmHWM, cumulative over rows; the reference row runs first), and tfjs's peak bytes during
 * the warm-up step. Tensors: the count before the model is built, after the warm-up, after
 * the timed steps and after the model is freed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import os from "node:os";
import { cpuModel, initBackend } from "../core/backend.ts";
import { Rng } from "../core/random.ts";
import type { CellConfig } from "./record.ts";
import { buildMethod, methodDefaults, trainPlanFor } from "../methods/registry.ts";
import { train, type TrainData, type TrainPlan } from "../methods/train.ts";
import { contrastOptions } from "../methods/amcl_settings.ts";
import { amclNtxent } from "../methods/losses/amcl_ntxent.ts";
import { disposeTemperatures, type LossOutput } from "../methods/losses/output.ts";
import { TemperatureMlp } from "../models/temperature.ts";
import { Augmenter } from "../datasets/augment.ts";
import {
  type AugmentRow,
  type LeakRow,
  type LossRow,
  type PerfRowDef,
  perfRows,
  REFERENCE_ROW,
  selectRows,
  type StepRow,
} from "./perf_rows.ts";
import { type PeerStatus, peerStatus, runPeer } from "./perf_peer.ts";
import { denseMacs } from "./perf_macs.ts";

/** Schema version of {@link PerfReport}. */
export const PERF_SCHEMA = 1;

/** Options of {@link runPerf}. */
export interface PerfOptions {
  /** Backends to run, in order ("auto", "wasm", "cpu", …). */
  backends: string[];
  /** Timed steps per row (median taken); heavy rows run at most {@link heavySteps}. */
  steps: number;
  /** The most timed steps of a heavy row (ResNet-18 ×1, ViT; default 2). */
  heavySteps?: number;
  /** Row id filters (substring match); empty = every row. */
  rows: string[];
  /** Threads of the PyTorch peer (the suite's wasm backend runs one thread). */
  threads: number;
  /** Run the PyTorch peer when it is available. */
  peer: boolean;
  /** Steps of the leak row. */
  leakSteps: number;
  /** Kernels to keep per row in the breakdown (0 = none). */
  topKernels: number;
  /** Shrink every shape (smoke tests): batch, image side, width, loss batch, images. */
  tiny?: boolean;
  /** Called with one line per event (progress). */
  progress?: (line: string) => void;
  /** Called with the report so far after each row (so a crash loses only the running row). */
  onRow?: (partial: PerfReport) => void | Promise<void>;
}

/** One kernel's share of a profiled step. */
export interface KernelTime {
  name: string;
  ms: number;
  calls: number;
}

/** Tensor counts around a row. */
export interface TensorCounts {
  /** Before the model (or inputs) were made. */
  before: number;
  /** After the warm-up step, model alive. */
  afterWarmup: number;
  /** After the timed steps, model alive. */
  afterSteps: number;
  /** After everything the row made was freed. */
  after: number;
  /** afterSteps − afterWarmup: growth across the timed steps (must be 0). */
  growth: number;
  /** after − before: tensors the row left behind (must be 0). */
  leaked: number;
}

/** The result of one row on one backend. */
export interface PerfRow {
  id: string;
  title: string;
  kind: PerfRowDef["kind"];
  backend: string;
  /** Median ms of the timed steps (or calls); null when the row failed. */
  ms: number | null;
  /** Every timed step (ms). */
  msSteps: number[];
  /** Images per second (step rows: batch images, each as two views; augment: images). */
  imagesPerSec: number | null;
  /** Largest RSS sampled after each step of this row (MiB). */
  peakRssMiB: number | null;
  /** The process's peak RSS so far at the end of this row (VmHWM, MiB; cumulative). */
  processPeakRssMiB: number | null;
  /** tfjs's peak bytes during the warm-up step (MiB). */
  tfjsPeakMiB: number | null;
  tensors: TensorCounts | null;
  /** PyTorch peer ms/step on the same shapes and threads (null: no peer for this row). */
  torchMs: number | null;
  /** ms / torchMs. */
  ratioToTorch: number | null;
  /** Loss and augment rows: ms / the reference row's ms (same backend, this run). */
  ratioToReference: number | null;
  /** AMCL step rows: ms / the same method's baseline row's ms. */
  ratioToBaseline: number | null;
  /** AMCL step rows: median ms of the baseline's steps alternated with this row's. */
  pairedBaselineMs?: number;
  /** AMCL step rows: median over alternated step pairs of AMCL ms / baseline ms. */
  pairedBaselineRatio?: number;
  /** Step rows: dense multiply–accumulates of one step (convolutions, products), in G. */
  gmacs?: number;
  /** AMCL step rows: the same for the paired baseline's step. */
  pairedBaselineGmacs?: number;
  /**
   * AMCL step rows: gmacs / pairedBaselineGmacs — the least extra cost any implementation has
   * at this shape (see perf_macs.ts); compare with {@link pairedBaselineRatio}.
   */
  macRatio?: number;
  /**
   * Loss row: ms / an estimated paper-scale ResNet-18 step (width ×1 at the loss's batch),
   * scaled linearly in batch from the ×1 row of this run; null when that row did not run.
   */
  ratioToPaperStep?: number | null;
  /** Slowest kernels of the profiled warm-up step. */
  kernels?: KernelTime[];
  /** Caveats (e.g. what the peer models). */
  note?: string;
  /** Why the row failed. */
  error?: string;
}

/** One target of the issue, checked on this run. */
export interface TargetCheck {
  name: string;
  value: number | null;
  limit: number;
  /** null when not measured in this run. */
  pass: boolean | null;
}

/** The machine a run came from. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  memoryGiB: number | null;
  os: string;
  deno: string;
  /** /proc/loadavg at the start and end (1, 5, 15 min); null where unreadable. */
  loadStart: number[] | null;
  loadEnd: number[] | null;
}

/** What `deno task perf --json` prints. */
export interface PerfReport {
  schema: typeof PERF_SCHEMA;
  createdAt: string;
  machine: MachineInfo;
  backends: Array<{ name: string; device: string }>;
  threads: { suite: number; peer: number };
  peer: PeerStatus;
  steps: number;
  rows: PerfRow[];
  targets: TargetCheck[];
}

const MiB = 1024 * 1024;

/** Load average: `Deno.loadavg()` (needs --allow-sys=loadavg), else /proc/loadavg (needs -A). */
export function loadavg(): number[] | null {
  try {
    return Deno.loadavg().map((x) => Math.round(x * 100) / 100);
  } catch { /* no permission: try /proc */ }
  try {
    return Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).map(Number);
  } catch {
    return null;
  }
}

/** The process's peak RSS (VmHWM) in MiB, or null where /proc is unreadable (Deno wants -A). */
export function processPeakRssMiB(): number | null {
  try {
    const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(Deno.readTextFileSync("/proc/self/status"));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/** The machine a run came from (load at the start; the caller fills the end). */
export function machineInfo(): MachineInfo {
  let cores = 0;
  try {
    cores = os.cpus().length;
  } catch { /* no --allow-sys=cpus */ }
  let memoryGiB: number | null = null;
  try {
    memoryGiB = Deno.systemMemoryInfo().total / 1024 ** 3;
  } catch { /* no permission */ }
  let osName: string = Deno.build.os;
  try {
    osName = `${Deno.build.os} ${Deno.osRelease()}`;
  } catch { /* no permission */ }
  return {
    cpu: cpuModel(),
    cores: cores || navigator.hardwareConcurrency || 0,
    memoryGiB: memoryGiB === null ? null : Math.round(memoryGiB * 10) / 10,
    os: osName,
    deno: Deno.version.deno,
    loadStart: loadavg(),
    loadEnd: null,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x: number, d = 2) => Math.round(x * 10 ** d) / 10 ** d;

/** A cell for a step row: the method's cpu-scale registry defaults at the row's shapes. */
export function cellFor(
  row: {
    method: string;
    variant: "baseline" | "amcl";
    width: number;
    batch: number;
    extra?: Record<string, number>;
  },
): CellConfig {
  const d = methodDefaults(row.method, row.variant, "cpu");
  return {
    ...d,
    method: row.method,
    variant: row.variant,
    dataset: "embedded",
    width: d.backbone.startsWith("vit") ? d.width : row.width,
    epochs: 1,
    batchSize: row.batch,
    probeEpochs: 0,
    labelsPerClass: [],
    knnEpochs: [],
    scale: "cpu",
    seed: 0,
    extra: { ...d.extra, ...row.extra },
  };
}

/** Fixed inputs for the loop: the same two views every step (augmentation is not timed). */
function fixedData(batch: number, size: number, steps: number, rng: Rng): TrainData & { dispose(): void } {
  const n = batch * size * size * 3;
  const images = tf.tensor4d(rng.derive("images").uniforms(n), [batch, size, size, 3]);
  const v1 = tf.tensor4d(rng.derive("v1").normals(n), [batch, size, size, 3]);
  const v2 = tf.tensor4d(rng.derive("v2").normals(n), [batch, size, size, 3]);
  return {
    stepsPerEpoch: steps,
    batchSize: batch,
    *batches() {
      for (let i = 0; i < steps; i++) yield tf.clone(images);
    },
    views: () => [tf.clone(v1), tf.clone(v2)],
    dispose: () => tf.dispose([images, v1, v2]),
  };
}

function kernelBreakdown(kernels: Array<{ name: string; kernelTimeMs: unknown }>, top: number): KernelTime[] {
  const by = new Map<string, KernelTime>();
  for (const k of kernels) {
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    const e = by.get(k.name) ?? { name: k.name, ms: 0, calls: 0 };
    e.ms += ms;
    e.calls++;
    by.set(k.name, e);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map((k) => ({
    ...k,
    ms: round(k.ms, 1),
  }));
}

function emptyRow(def: PerfRowDef, backend: string): PerfRow {
  return {
    id: def.id,
    title: def.title,
    kind: def.kind,
    backend,
    ms: null,
    msSteps: [],
    imagesPerSec: null,
    peakRssMiB: null,
    processPeakRssMiB: null,
    tfjsPeakMiB: null,
    tensors: null,
    torchMs: null,
    ratioToTorch: null,
    ratioToReference: null,
    ratioToBaseline: null,
  };
}

/**
 * Fills the end of a measured row: its tensor counts (with growth and leaks derived), median
 * ms over `out.msSteps`, images per second when `images` (per timed call) is given, this
 * row's sampled peak RSS and the process's peak RSS so far.
 */
function finishRow(
  out: PerfRow,
  t: Pick<TensorCounts, "before" | "afterWarmup" | "afterSteps" | "after">,
  peakRss: number,
  images?: number,
): void {
  out.tensors = {
    before: t.before,
    afterWarmup: t.afterWarmup,
    afterSteps: t.afterSteps,
    after: t.after,
    growth: t.afterSteps - t.afterWarmup,
    leaked: t.after - t.before,
  };
  out.ms = round(median(out.msSteps));
  if (images !== undefined) out.imagesPerSec = round(images / out.ms * 1000, 1);
  out.peakRssMiB = round(peakRss, 1);
  out.processPeakRssMiB = processPeakRssMiB();
}

function rss(): number {
  return Deno.memoryUsage().rss / MiB;
}

/** Trains `model` for `steps` steps through the training loop, reporting each step. */
export async function runSteps(
  row: {
    method: string;
    variant: "baseline" | "amcl";
    width: number;
    batch: number;
    size: number;
    extra?: Record<string, number>;
  },
  onModel: (
    trainSteps: (n: number, onStep?: (ms: number) => void) => Promise<void>,
  ) => Promise<void>,
): Promise<void> {
  const cell = cellFor(row);
  const rng = new Rng(1);
  const model = buildMethod(cell, { size: row.size, channels: 3 }, rng.derive("model"));
  const plan: TrainPlan = trainPlanFor(cell);
  try {
    await onModel(async (n, onStep) => {
      const data = fixedData(row.batch, row.size, n, rng.derive(`data/${n}`));
      try {
        const res = await train(model, data, {
          plan,
          seed: 1,
          tauMin: cell.tauMin,
          maxStepsPerEpoch: n,
          stepTemperatures: () => false,
          onStep: (m) => onStep?.((row.batch / m.imagesPerSec) * 1000),
        });
        if (res.status !== "done") throw new Error(res.error ?? `training ${res.status}`);
      } finally {
        data.dispose();
      }
    });
  } finally {
    model.dispose();
  }
}

type TrainSteps = (n: number, onStep?: (ms: number) => void) => Promise<void>;

/**
 * A step row. AMCL rows also build their baseline (same method and shapes) and alternate
 * single steps of the two, so that load from other processes hits both alike: their
 * ratio ({@link PerfRow.pairedBaselineRatio}) is the median of per-pair ratios.
 */
async function stepRow(def: StepRow, o: PerfOptions, backend: string): Promise<PerfRow> {
  const out = emptyRow(def, backend);
  const steps = def.heavy ? Math.min(o.steps, o.heavySteps ?? 2) : o.steps;
  const before = tf.memory().numTensors;
  let afterWarmup = 0, afterSteps = 0;
  let peakRss = rss();
  const paired = def.variant === "amcl" ? { ...def, variant: "baseline" as const } : null;
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

async function leakRow(def: LeakRow, o: PerfOptions, backend: string): Promise<PerfRow> {
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

/**
 * Times `f` (which must free what it makes) `n` times after two warm-up calls, the second
 * profiled into `out` (tfjs peak bytes, kernel breakdown).
 */
async function timeCalls(
  n: number,
  f: () => void,
  afterWarmup: () => void,
  out: PerfRow,
  topKernels: number,
): Promise<number[]> {
  f();
  const prof = await tf.profile(() => {
    f();
    return [];
  });
  out.tfjsPeakMiB = round(prof.peakBytes / MiB, 1);
  if (topKernels > 0) out.kernels = kernelBreakdown(prof.kernels, topKernels);
  afterWarmup();
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    ms.push(round(performance.now() - t0));
  }
  return ms;
}

async function lossRow(def: LossRow, o: PerfOptions, backend: string): Promise<PerfRow> {
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

async function augmentRow(def: AugmentRow, o: PerfOptions, backend: string): Promise<PerfRow> {
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

/** Shrinks a row's shapes for smoke tests. */
function tinyRow(r: PerfRowDef): PerfRowDef {
  switch (r.kind) {
    case "step":
      return {
        ...r,
        batch: 8,
        size: 16,
        width: Math.min(r.width, 0.0625),
        heavy: false,
        peer: r.peer && { ...r.peer, batch: 8, size: 16, width: Math.min(r.peer.width, 0.0625) },
      };
    case "leak":
      return { ...r, batch: 8, size: 16, width: 0.0625 };
    case "loss":
      return { ...r, batch: 16, dim: 16, topk: 4 };
    case "augment":
      return { ...r, images: 8, size: 16 };
  }
}

/** Runs the selected rows on every backend and returns the report. */
export async function runPerf(o: PerfOptions): Promise<PerfReport> {
  const machine = machineInfo();
  const defs = selectRows(perfRows(o.leakSteps), o.rows).map((r) => (o.tiny ? tinyRow(r) : r));
  const peer: PeerStatus = o.peer && defs.some((d) => d.kind === "step" && d.peer)
    ? await peerStatus()
    : { available: false, reason: o.peer ? "no row with a peer selected" : "peer disabled (--no-peer)" };
  const rows: PerfRow[] = [];
  const backends: PerfReport["backends"] = [];
  for (const name of o.backends) {
    const info = await initBackend(name);
    backends.push({ name: info.name, device: info.device });
    let dead: string | null = null;
    for (const def of defs) {
      o.progress?.(`${info.name} ${def.id}: ${def.title}`);
      let row: PerfRow;
      if (dead) {
        row = emptyRow(def, info.name);
        row.error = `not run: ${dead}`;
        rows.push(row);
        continue;
      }
      try {
        row = def.kind === "step"
          ? await stepRow(def, o, info.name)
          : def.kind === "leak"
          ? await leakRow(def, o, info.name)
          : def.kind === "loss"
          ? await lossRow(def, o, info.name)
          : await augmentRow(def, o, info.name);
      } catch (e) {
        row = emptyRow(def, info.name);
        row.error = e instanceof Error ? e.message.split("\n")[0] : String(e);
        if (aborted(e)) {
          // An emscripten abort (in practice: the wasm heap is exhausted) leaves the backend
          // unusable for the rest of the process.
          row.error =
            `the ${info.name} backend aborted (out of wasm memory: its heap is limited to 4 GiB); ` +
            `run this row alone with a smaller batch`;
          dead = `the ${info.name} backend aborted on ${def.id}`;
        }
      }
      if (def.kind === "step" && def.peer && peer.available && row.ms !== null) {
        try {
          const p = await runPeer({
            ...def.peer,
            threads: o.threads,
            steps: Math.max(2, row.msSteps.length),
          });
          row.torchMs = p.msPerStep;
          row.ratioToTorch = round(row.ms / p.msPerStep, 3);
          if (def.peer.note) row.note = def.peer.note;
        } catch (e) {
          row.note = e instanceof Error ? e.message : String(e);
        }
      }
      rows.push(row);
      await o.onRow?.(report());
      o.progress?.(
        `  → ${row.error ? `failed: ${row.error}` : `${row.ms} ms`}${
          row.torchMs ? ` (PyTorch ${row.torchMs} ms, ×${row.ratioToTorch})` : ""
        }`,
      );
    }
  }
  return report();

  function report(): PerfReport {
    relate(rows, defs);
    machine.loadEnd = loadavg();
    return {
      schema: PERF_SCHEMA,
      createdAt: new Date().toISOString(),
      machine,
      backends,
      threads: { suite: 1, peer: o.threads },
      peer,
      steps: o.steps,
      rows,
      targets: targets(rows),
    };
  }
}

/**
 * Whether the backend died with `e`: an emscripten abort (in practice the wasm heap ran
 * out), after which later calls fail with unrelated errors. Probed with a small op.
 */
function aborted(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  if (/Aborted\(/.test(text)) return true;
  try {
    tf.tidy(() => tf.add(tf.ones([1024]), 1).dataSync());
    return false;
  } catch {
    return true;
  }
}

/** Fills the ratios between rows of the same backend. */
function relate(rows: PerfRow[], defs: PerfRowDef[]): void {
  const def = (id: string) => defs.find((d) => d.id === id);
  for (const r of rows) {
    const same = (id: string) => rows.find((x) => x.backend === r.backend && x.id === id && x.ms !== null);
    if (r.ms === null) continue;
    if (r.kind === "loss" || r.kind === "augment") {
      const ref = same(REFERENCE_ROW);
      if (ref) r.ratioToReference = round(r.ms / ref.ms!, 4);
    }
    const ld = def(r.id);
    if (ld?.kind === "loss") {
      const full = defs.find((x): x is StepRow =>
        x.kind === "step" && x.method === "simclr" && x.width === 1
      );
      const f = full && same(full.id);
      r.ratioToPaperStep = f ? round(r.ms / (f.ms! * ld.batch / full.batch), 4) : null;
    }
    const d = def(r.id);
    if (d?.kind === "step" && d.variant === "amcl") {
      const base = defs.find((x) =>
        x.kind === "step" && x.variant === "baseline" && x.method === d.method && x.width === d.width &&
        x.batch === d.batch && x.size === d.size
      );
      const b = base && same(base.id);
      if (b) r.ratioToBaseline = round(r.ms / b.ms!, 3);
    }
  }
}

function check(name: string, value: number | null | undefined, limit: number, strict = false): TargetCheck {
  const v = value ?? null;
  return { name, value: v, limit, pass: v === null ? null : strict ? v < limit : v <= limit };
}

/** The issue's targets, per backend, from the rows of this run. */
export function targets(rows: PerfRow[]): TargetCheck[] {
  const out: TargetCheck[] = [];
  for (const backend of [...new Set(rows.map((r) => r.backend))]) {
    const of = (id: string) => rows.find((r) => r.backend === backend && r.id === id);
    const ref = of(REFERENCE_ROW);
    out.push(check(`${backend}: SimCLR R18 ×1/8 b128 suite/PyTorch`, ref?.ratioToTorch, 1.5));
    for (
      const r of rows.filter((r) =>
        r.backend === backend && (r.pairedBaselineRatio ?? r.ratioToBaseline) != null
      )
    ) {
      out.push(
        check(
          `${backend}: ${r.id} step / baseline step (paired${
            r.macRatio === undefined ? "" : `; dense-MAC floor ×${r.macRatio.toFixed(2)}`
          })`,
          r.pairedBaselineRatio ?? r.ratioToBaseline,
          1.15,
        ),
      );
    }
    const loss = rows.find((r) => r.backend === backend && r.kind === "loss");
    out.push(check(`${backend}: AMCL NT-Xent fwd+bwd / R18 ×1/8 step`, loss?.ratioToReference, 0.1, true));
    out.push(
      check(
        `${backend}: AMCL NT-Xent fwd+bwd / paper-scale R18 step (×1, b512, estimated)`,
        loss?.ratioToPaperStep,
        0.1,
        true,
      ),
    );
    const aug = rows.find((r) => r.backend === backend && r.kind === "augment");
    out.push(check(`${backend}: augment 256 abcde / R18 ×1/8 step`, aug?.ratioToReference, 0.1, true));
    for (const r of rows.filter((r) => r.backend === backend && r.tensors)) {
      if (r.kind === "leak") {
        out.push(check(`${backend}: tensor growth over ${r.msSteps.length} steps`, r.tensors!.growth, 0));
      }
    }
    const peak = ref?.processPeakRssMiB ?? ref?.peakRssMiB ?? null;
    out.push(
      check(
        `${backend}: peak RSS of the R18 ×1/8 row (GiB)`,
        peak === null ? null : round(peak / 1024, 3),
        1.5,
        true,
      ),
    );
  }
  return out;
}
