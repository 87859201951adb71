/**
 * Backend choice and start-up: `--backend auto|tensorflow|webgpu|native|wasm|cpu`.
 *
 * - `tensorflow`: `@tensorflow/tfjs-node-gpu`, else `@tensorflow/tfjs-node`, when installed
 *   (never a dependency of the suite: their install script downloads libtensorflow).
 * - `webgpu`: Deno's `navigator.gpu` with `@tensorflow/tfjs-backend-webgpu`.
 * - `native`: the wasm backend with its convolutions and matrix products run by oneDNN 2.x
 *   (Debian `libdnnl2`) through FFI, in place on the wasm heap, on `--threads` threads
 *   (`native/`). Needs `--allow-ffi`.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` with SIMD (XNNPACK), plus the gradient kernels of
 *   `wasm_grads.ts`. The default on CPU machines without oneDNN.
 * - `cpu`: `@tensorflow/tfjs-backend-cpu`, the fallback.
 * - `auto`: times a small conv + batch-norm + ReLU forward and backward on every available
 *   backend (once per process; the backends alternated over up to 5 rounds, ~1.5 s at most,
 *   median per backend; native at the run's threads) and takes the fastest; a software GPU
 *   adapter is only chosen if it wins.
 *
 * tfjs falls back silently when a backend cannot start, so every start is checked against
 * `tf.getBackend()` (`backend_start.ts` starts each one); a backend that cannot start is a
 * `UserError` naming the fix.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "./errors.ts";
import { batchNormTrain } from "./kernels/batch_norm.ts";
import { loadDnnl } from "./native/dnnl.ts";
import type { NativeMemory } from "./native/backend.ts";
import {
  nativeThreadCount,
  probeBackend,
  requestedNativeMemory,
  requestedNativeThreads,
  setNativeMemory,
  setNativeThreads,
  switchTo,
  TFJS_NAME,
} from "./backend_start.ts";

export { cpuModel, probeBackend } from "./backend_start.ts";
/** Backend names accepted by `--backend`. */
export const BACKENDS = ["auto", "tensorflow", "webgpu", "native", "wasm", "cpu"] as const;
/** A backend name. */
export type BackendName = typeof BACKENDS[number];
/** A backend that can actually run (everything but `auto`). */
export type ConcreteBackend = Exclude<BackendName, "auto">;

/** What was actually started. */
export interface BackendInfo {
  /** The backend in use (as asserted against `tf.getBackend()`). */
  name: ConcreteBackend;
  /** The device: CPU model and wasm/js flavour, GPU adapter description, or TensorFlow device. */
  device: string;
  /** For `auto`: the measured micro-benchmark times (ms) of the backends it tried. */
  measured?: Partial<Record<ConcreteBackend, number>>;
  /** Threads the backend computes on (native: the library's threads; wasm and cpu: 1). */
  threads?: number;
  /** Native only: where its tensors live (see {@link BackendOptions.memory}). */
  memory?: NativeMemory;
}

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /** Threads for the native backend (default: its library's default, every core). Other backends run on 1. */
  threads?: number;
  /**
   * Where the native backend keeps its tensors: `heap` (a wasm heap, ≤ 4 GiB, fastest small
   * ops; the default) or `host` (process memory, no ceiling). Other backends ignore it.
   */
  memory?: NativeMemory;
}

/** Whether a backend can start here, and why not. */
export interface BackendProbe {
  name: ConcreteBackend;
  available: boolean;
  /** Why it is unavailable, with the fix (absent when available). */
  reason?: string;
  /** Device description when available. */
  device?: string;
  /** True for a software GPU adapter (llvmpipe, SwiftShader, a fallback adapter). */
  software?: boolean;
}

/** Checks a `--backend` value; throws a `UserError` naming the choices otherwise. */
export function parseBackendName(name: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new UserError(`unknown backend "${name}"; use --backend ${BACKENDS.join("|")}`);
  }
  return name as BackendName;
}

/** Milliseconds of one small conv + batch-norm + ReLU forward and backward on the active backend. */
async function microStep(): Promise<number> {
  const t0 = performance.now();
  const g = tf.tidy(() => {
    const x = tf.randomNormal([8, 16, 16, 32], 0, 1, "float32", 1) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 32, 32], 0, 0.1, "float32", 2) as tf.Tensor4D;
    const f = (a: tf.Tensor, b: tf.Tensor) => {
      const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same");
      return tf.sum(tf.relu(batchNormTrain(y, null, null, 1e-5).y));
    };
    const [gx, gw] = tf.grads(f)([x, w]);
    return tf.add(tf.sum(gx), tf.sum(gw));
  });
  await g.data();
  g.dispose();
  return performance.now() - t0;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Milliseconds of the micro-benchmark step on the active backend (one warm-up, median of 3). */
export async function microBenchmark(): Promise<number> {
  await microStep();
  return median([await microStep(), await microStep(), await microStep()]);
}

/** Rounds of the `auto` comparison; each round times every candidate once, in rotating order. */
const AUTO_ROUNDS = 5;
/** Total time the `auto` rounds may take before they stop early (at least 3 rounds run). */
const AUTO_BUDGET_MS = 1500;

/**
 * Median ms per candidate backend (tfjs names) of the micro-benchmark, the candidates
 * alternated round by round (a loaded moment hits every backend, not the one timed then);
 * the native library runs at the thread count the run will use.
 */
async function alternate(candidates: ConcreteBackend[]): Promise<Map<ConcreteBackend, number>> {
  const times = new Map<ConcreteBackend, number[]>(candidates.map((c) => [c, []]));
  for (const c of candidates) {
    if (await switchTo(TFJS_NAME[c])) await microStep(); // warm-up: kernels compiled, primitives cached
  }
  const t0 = performance.now();
  let racing = [...candidates];
  for (let r = 0; r < AUTO_ROUNDS; r++) {
    if (r >= 3 && performance.now() - t0 > AUTO_BUDGET_MS) break;
    for (let i = 0; i < racing.length; i++) {
      const c = racing[(i + r) % racing.length];
      if (await switchTo(TFJS_NAME[c])) times.get(c)!.push(await microStep());
    }
    // A backend whose fastest time is 3× the leader's median cannot win: it stops running.
    const lead = Math.min(...racing.map((c) => times.get(c)!.length ? median(times.get(c)!) : Infinity));
    racing = racing.filter((c) => Math.min(...times.get(c)!) <= 3 * lead);
  }
  return new Map([...times].filter(([, t]) => t.length > 0).map(([c, t]) => [c, median(t)]));
}

/** The `auto` choice, measured once per process. */
let autoChoice: BackendInfo | null = null;

async function chooseAuto(): Promise<BackendInfo> {
  if (autoChoice) return autoChoice;
  const probes = new Map<ConcreteBackend, BackendProbe>();
  for (const name of ["tensorflow", "webgpu", "native", "wasm"] as const) {
    const probe = await probeBackend(name);
    if (probe.available) probes.set(name, probe);
  }
  const medians = await alternate([...probes.keys()]);
  const measured: Partial<Record<ConcreteBackend, number>> = {};
  let best: { probe: BackendProbe; ms: number } | null = null;
  for (const [name, ms] of medians) {
    measured[name] = Math.round(ms * 100) / 100;
    if (!best || ms < best.ms) best = { probe: probes.get(name)!, ms };
  }
  const chosen = best?.probe ?? (await probeBackend("cpu"));
  if (!chosen.available) throw new UserError(`no backend could start: ${chosen.reason}`);
  autoChoice = { name: chosen.name, device: chosen.device ?? chosen.name, measured };
  return autoChoice;
}

/**
 * Starts backend `name` (default `cpu`), asserts it is the backend tfjs is actually using,
 * and returns what was started. Throws a one-line `UserError` for an unknown name or a
 * backend that cannot start.
 */
export async function initBackend(
  name: BackendName | string = "cpu",
  options: BackendOptions = {},
): Promise<BackendInfo> {
  const want = parseBackendName(name);
  if (options.threads !== undefined) {
    if (!Number.isSafeInteger(options.threads) || options.threads < 1) {
      throw new UserError(`--threads ${options.threads}: use an integer ≥ 1`);
    }
    setNativeThreads(options.threads);
  }
  setNativeMemory(options.memory ?? "heap");
  let info: BackendInfo;
  if (want === "auto") {
    info = await chooseAuto();
    if (!(await switchTo(TFJS_NAME[info.name]))) {
      throw new UserError(
        `backend ${info.name} stopped working after it was chosen; pick one with --backend`,
      );
    }
  } else {
    const probe = await probeBackend(want);
    if (!probe.available) {
      throw new UserError(`backend ${want} cannot start: ${probe.reason}`);
    }
    info = { name: want, device: probe.device ?? want };
  }
  const active = tf.getBackend();
  if (active !== TFJS_NAME[info.name]) {
    throw new UserError(
      `asked for backend ${info.name} but tfjs is using ${active}; run \`deno task doctor\``,
    );
  }
  if (info.name === "native") {
    const dnnl = loadDnnl();
    const threads = requestedNativeThreads();
    if (dnnl.available && threads !== null) dnnl.setThreads(threads);
    info = { ...info, threads: nativeThreadCount() ?? 1, memory: requestedNativeMemory() };
  } else if (info.name === "wasm" || info.name === "cpu") {
    info = { ...info, threads: 1 };
  }
  return info;
}

/** The name of the backend tfjs is using now, asserted to be one of the suite's. */
export function activeBackend(): ConcreteBackend {
  const name = tf.getBackend();
  const hit = (Object.keys(TFJS_NAME) as ConcreteBackend[]).find((k) => TFJS_NAME[k] === name);
  if (!hit) throw new Error(`tfjs is using an unknown backend "${name}"`);
  return hit;
}
