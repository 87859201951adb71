/**
 * What `deno task perf` reports (`--json`, `--out`): per row and backend the timings, memory
 * and tensor counts, the ratios to the PyTorch peer, the reference row and the baseline, the
 * targets checked, and the machine the run came from.
 *
 * @module
 */
import type { PerfRowDef } from "./perf_rows.ts";
import type { PeerStatus } from "./perf_peer.ts";

/** Schema version of {@link PerfReport}. */
export const PERF_SCHEMA = 1;

/** Options of {@link runPerf}. */
export interface PerfOptions {
  /** Backends to run, in order ("auto", "wasm", "cpu", …). */
  backends: string[];
  /**
   * Timed steps per row (median taken); heavy rows run at most {@link heavySteps}, except AMCL
   * rows, which run this many pairs of steps with their baseline.
   */
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
  /** Where the native backend keeps its tensors: per row by its estimate (`auto`, default), or always `heap` / `host`. */
  memory?: "auto" | "heap" | "host";
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
