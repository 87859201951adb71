/**
 * Starting each concrete backend (tensorflow, webgpu, native, wasm, cpu) and checking that
 * tfjs really uses it: {@link probeBackend} says whether a backend can start here and why
 * not. The choice among them (`auto`, `--backend`) is `backend.ts`'s.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import os from "node:os";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import "./gradients.ts";
import { UserError } from "./errors.ts";
import { loadDnnl, ompWaitPolicy } from "./native/dnnl.ts";
import { nativeBackendName, type NativeMemory, registerNativeBackend } from "./native/backend.ts";
import {
  describeWebgpu,
  installWebgpuBackend,
  type OpenedWebgpu,
  openWebgpu,
  ownWebgpuFactoryInstalled,
  type WebgpuBackendClass,
  type WebgpuLike,
} from "./webgpu_start.ts";
import type { BackendProbe, ConcreteBackend } from "./backend.ts";

/** Where the native backend keeps its tensors from its next start on ({@link setNativeMemory}). */
let nativeMemory: NativeMemory = "heap";

/** The tfjs backend name behind each suite backend name (native: by its memory, {@link setNativeMemory}). */
export const TFJS_NAME: Record<ConcreteBackend, string> = {
  tensorflow: "tensorflow",
  webgpu: "webgpu",
  get native() {
    return nativeBackendName(nativeMemory);
  },
  wasm: "wasm",
  cpu: "cpu",
};

/** Sets where the native backend keeps its tensors when it next starts (`heap` or `host`). */
export function setNativeMemory(memory: NativeMemory): void {
  nativeMemory = memory;
}

/** Where the native backend keeps its tensors (the last {@link setNativeMemory}; default heap). */
export function requestedNativeMemory(): NativeMemory {
  return nativeMemory;
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

export async function switchTo(tfName: string): Promise<boolean> {
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

/** Sets the thread count the native backend starts with (`--threads`; validated by the caller). */
export function setNativeThreads(n: number): void {
  nativeThreads = n;
}

/** The thread count last given with `--threads`, or null (the library's default). */
export function requestedNativeThreads(): number | null {
  return nativeThreads;
}

/** The threads the native library runs on now, or null when it is not loaded. */
export function nativeThreadCount(): number | null {
  const dnnl = loadDnnl();
  return dnnl.available ? dnnl.threads() : null;
}

async function startNative(): Promise<BackendProbe> {
  const dnnl = loadDnnl();
  if (!dnnl.available) return { name: "native", available: false, reason: dnnl.reason };
  if (nativeThreads !== null) dnnl.setThreads(nativeThreads);
  setWasmPaths(wasmDir());
  registerNativeBackend(dnnl);
  if (!(await switchTo(TFJS_NAME.native))) {
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
      `${v.runtime} ${threads} thread${threads === 1 ? "" : "s"}, idle threads ${ompWaitPolicy() ?? "?"}; ${
        nativeMemory === "heap" ? "wasm heap" : "host memory"
      })`,
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
