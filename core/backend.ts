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
 * `tf.getBackend()`; a backend that cannot start is a `UserError` naming the fix.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import os from "node:os";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import "./gradients.ts";
import { UserError } from "./errors.ts";
import { batchNormTrain } from "./kernels/batch_norm.ts";
import { loadDnnl, ompWaitPolicy } from "./native/dnnl.ts";
import { NATIVE_BACKEND, registerNativeBackend } from "./native/backend.ts";
import {
  describeWebgpu,
  installWebgpuBackend,
  type OpenedWebgpu,
  openWebgpu,
  ownWebgpuFactoryInstalled,
  type WebgpuBackendClass,
  type WebgpuLike,
} from "./webgpu_start.ts";

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
}

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /** Threads for the native backend (default: its library's default, every core). Other backends run on 1. */
  threads?: number;
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

/** The tfjs backend name behind each suite backend name. */
const TFJS_NAME: Record<ConcreteBackend, string> = {
  tensorflow: "tensorflow",
  webgpu: "webgpu",
  native: NATIVE_BACKEND,
  wasm: "wasm",
  cpu: "cpu",
};

/** Checks a `--backend` value; throws a `UserError` naming the choices otherwise. */
export function parseBackendName(name: string): BackendName {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new UserError(`unknown backend "${name}"; use --backend ${BACKENDS.join("|")}`);
  }
  return name as BackendName;
}

function wasmDir(): string {
  return new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href;
}

/** CPU model name: node:os (needs --allow-sys=cpus), else /proc/cpuinfo (Deno 2.9 wants -A), else the arch. */
export function cpuModel(): string {
  try {
    if (Deno.permissions.querySync({ name: "sys", kind: "cpus" }).state === "granted") {
      const model = os.cpus()[0]?.model?.trim();
      if (model) return model;
    }
  } catch { /* fall through */ }
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(Deno.readTextFileSync("/proc/cpuinfo"));
    if (m) return m[1].trim();
  } catch { /* not Linux, or no permission: fall through */ }
  return `${Deno.build.arch} cpu`;
}

function errText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].slice(0, 200);
}

/** Stops tfjs-backend-cpu's one-time "install tfjs-node" banner (it is not advice for Deno). */
function quietCpuBanner(): void {
  const cpu = tf.findBackend("cpu") as unknown as { firstUse?: boolean } | null;
  if (cpu && "firstUse" in cpu) cpu.firstUse = false;
}

async function switchTo(tfName: string): Promise<boolean> {
  try {
    const ok = await tf.setBackend(tfName);
    return ok && tf.getBackend() === tfName;
  } catch {
    return false;
  }
}

// ---- tensorflow ---------------------------------------------------------------------------

const TF_PACKAGES = ["tfjs-node-gpu", "tfjs-node"] as const;
const TF_INSTALL = "install it on a machine with internet: `deno add npm:@tensorflow/tfjs-node-gpu@4.22.0` " +
  "(needs CUDA/cuDNN) or `deno add npm:@tensorflow/tfjs-node@4.22.0`, then " +
  "`deno install --allow-scripts=npm:@tensorflow/tfjs-node-gpu` (its install script downloads libtensorflow)";

function installedVersion(pkg: string): string | null {
  try {
    const url = new URL(`../node_modules/@tensorflow/${pkg}/package.json`, import.meta.url);
    if (Deno.permissions.querySync({ name: "read", path: url }).state !== "granted") return null;
    return JSON.parse(Deno.readTextFileSync(url)).version ?? null;
  } catch {
    return null;
  }
}

async function startTensorflow(): Promise<BackendProbe> {
  const reasons: string[] = [];
  for (const pkg of TF_PACKAGES) {
    const version = installedVersion(pkg);
    if (!version) {
      reasons.push(`@tensorflow/${pkg} is not installed`);
      continue;
    }
    try {
      const spec = `npm:@tensorflow/${pkg}@${version}`;
      await import(spec);
    } catch (e) {
      reasons.push(`@tensorflow/${pkg} did not load (${errText(e)})`);
      continue;
    }
    if (!tf.findBackendFactory("tensorflow")) {
      reasons.push(`@tensorflow/${pkg} loaded but registered no "tensorflow" backend (version mismatch?)`);
      continue;
    }
    if (!(await switchTo("tensorflow"))) {
      reasons.push(`@tensorflow/${pkg} could not start (libtensorflow missing?)`);
      continue;
    }
    const gpu = pkg === "tfjs-node-gpu";
    return {
      name: "tensorflow",
      available: true,
      device: gpu ? `libtensorflow (${pkg}, GPU if CUDA found)` : `libtensorflow cpu (${cpuModel()})`,
    };
  }
  return { name: "tensorflow", available: false, reason: `${reasons.join("; ")}; ${TF_INSTALL}` };
}

// ---- webgpu -------------------------------------------------------------------------------

/**
 * The Vulkan/EGL loaders complain on stderr ("XDG_RUNTIME_DIR is invalid or not set") when
 * the variable is missing, as in containers and CI; point it at a private folder first.
 */
function quietVulkanLoader(): void {
  try {
    if (Deno.env.get("XDG_RUNTIME_DIR")) return;
    const dir = `${Deno.env.get("TMPDIR") ?? "/tmp"}/amcl-bench-runtime-${Deno.uid?.() ?? 0}`;
    Deno.mkdirSync(dir, { recursive: true, mode: 0o700 });
    Deno.env.set("XDG_RUNTIME_DIR", dir);
  } catch {
    // No --allow-env or --allow-write for it: the loader's warning stays, nothing else changes.
  }
}

/** The adapter behind the webgpu backend this process started (the backend chosen at start-up). */
let webgpuAdapter: { device: string; software: boolean } | null = null;

/**
 * Opens the adapter and device ourselves (`webgpu_start.ts`: the library's own start fails on
 * real GPUs under Deno), then lets tfjs build the backend on that device.
 */
async function startWebgpu(): Promise<BackendProbe> {
  const gpu = (navigator as unknown as { gpu?: WebgpuLike }).gpu;
  if (!gpu) {
    return {
      name: "webgpu",
      available: false,
      reason: "navigator.gpu is missing (Deno without WebGPU); run deno with --unstable-webgpu",
    };
  }
  quietVulkanLoader();
  if (!tf.findBackend("webgpu") || !ownWebgpuFactoryInstalled()) {
    let opened: OpenedWebgpu;
    try {
      opened = await openWebgpu(gpu);
    } catch (e) {
      return { name: "webgpu", available: false, reason: e instanceof UserError ? e.message : errText(e) };
    }
    let Backend: WebgpuBackendClass;
    try {
      Backend = (await import("@tensorflow/tfjs-backend-webgpu")).WebGPUBackend as WebgpuBackendClass;
    } catch (e) {
      return {
        name: "webgpu",
        available: false,
        reason: `@tensorflow/tfjs-backend-webgpu did not load (${errText(e)})`,
      };
    }
    installWebgpuBackend(Backend, gpu, opened);
    webgpuAdapter = describeWebgpu(opened.info);
  }
  const desc = webgpuAdapter ?? { device: "WebGPU adapter", software: false };
  if (!(await switchTo("webgpu"))) {
    return {
      name: "webgpu",
      available: false,
      reason: `the webgpu backend did not start on ${desc.device}; update GPU drivers or use --backend wasm`,
    };
  }
  return { name: "webgpu", available: true, device: desc.device, software: desc.software };
}

// ---- wasm / cpu ---------------------------------------------------------------------------

async function startWasm(): Promise<BackendProbe> {
  setWasmPaths(wasmDir());
  if (!(await switchTo("wasm"))) {
    return {
      name: "wasm",
      available: false,
      reason: "the wasm backend did not start: its .wasm files are not readable; run `deno install` " +
        "and allow reading node_modules (--allow-read)",
    };
  }
  let simd = false;
  try {
    simd = (await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT")) as boolean;
  } catch { /* flag unknown: report no SIMD */ }
  return {
    name: "wasm",
    available: true,
    device: `${cpuModel()} (wasm${simd ? " simd" : ", no simd"}, 1 thread)`,
  };
}

/** Threads for the native backend's library (`--threads`), set by initBackend; null = the library's default. */
let nativeThreads: number | null = null;

/** The threads the native library runs on now, or null when it is not loaded. */
function nativeThreadCount(): number | null {
  const dnnl = loadDnnl();
  return dnnl.available ? dnnl.threads() : null;
}

async function startNative(): Promise<BackendProbe> {
  const dnnl = loadDnnl();
  if (!dnnl.available) return { name: "native", available: false, reason: dnnl.reason };
  if (nativeThreads !== null) dnnl.setThreads(nativeThreads);
  setWasmPaths(wasmDir());
  registerNativeBackend(dnnl);
  if (!(await switchTo(NATIVE_BACKEND))) {
    return {
      name: "native",
      available: false,
      reason: "the native backend did not start: the wasm files it runs on are not readable; run " +
        "`deno install` and allow reading node_modules (--allow-read)",
    };
  }
  const v = dnnl.version;
  const threads = dnnl.threads();
  return {
    name: "native",
    available: true,
    device: `${cpuModel()} (oneDNN ${v.major}.${v.minor}.${v.patch} ${dnnl.file()}, ${dnnl.isa()}, ` +
      `${v.runtime} ${threads} thread${threads === 1 ? "" : "s"}, idle threads ${
        ompWaitPolicy() ?? "?"
      }; wasm heap)`,
  };
}

async function startCpu(): Promise<BackendProbe> {
  if (!(await switchTo("cpu"))) {
    return {
      name: "cpu",
      available: false,
      reason: "the cpu backend did not start (broken tfjs install?); run `deno install`",
    };
  }
  quietCpuBanner();
  return { name: "cpu", available: true, device: `${cpuModel()} (js)` };
}

const STARTERS: Record<ConcreteBackend, () => Promise<BackendProbe>> = {
  tensorflow: startTensorflow,
  webgpu: startWebgpu,
  native: startNative,
  wasm: startWasm,
  cpu: startCpu,
};

/**
 * Tries to start `name` and reports whether it works. Leaves `name` as the active backend
 * when it does (otherwise the active backend is unspecified).
 */
export async function probeBackend(name: ConcreteBackend): Promise<BackendProbe> {
  const probe = await STARTERS[name]();
  if (probe.available && tf.getBackend() !== TFJS_NAME[name]) {
    return { name, available: false, reason: `tfjs fell back to ${tf.getBackend()} instead of ${name}` };
  }
  // The cpu backend is always created alongside (the wasm kernels borrow from it).
  quietCpuBanner();
  return probe;
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
    nativeThreads = options.threads;
  }
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
    if (dnnl.available && nativeThreads !== null) dnnl.setThreads(nativeThreads);
    info = { ...info, threads: nativeThreadCount() ?? 1 };
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
