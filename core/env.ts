/**
 * Environment capture: what a result was computed on. Every cell record stores one
 * (`CellRecord.env`); the doctor prints one. Each field degrades to "unknown" when a
 * permission is missing rather than failing the run.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { BackendInfo } from "./backend.ts";
import { cpuModel } from "./backend.ts";
import { gitCommit } from "./git_commit.ts";

/** The machine and software a run used. */
export interface EnvInfo {
  backend: string;
  device: string;
  /** Deno, V8 and TypeScript versions, e.g. "deno 2.9.6 (v8 15.0, ts 6.0.3)". */
  deno: string;
  /** tfjs-core version. */
  tfjs: string;
  /** OS and kernel release, e.g. "linux x86_64 6.1.0". */
  os: string;
  /** CPU model and logical core count, e.g. "AMD EPYC ×2". */
  cpu: string;
  cores: number;
  /** Total memory in bytes (0 when unknown). */
  memoryBytes: number;
  hostname: string;
  /** Git commit of the checkout (core/git_commit.ts; "unknown" when unreadable). */
  commit: string;
}

/** True when `desc` is already granted (never prompts). */
function granted(desc: Deno.PermissionDescriptor): boolean {
  return tryOr(() => Deno.permissions.querySync(desc).state === "granted", false);
}

function tryOr<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** The machine and runtime alone, without a backend (what {@link captureEnv} and perf share). */
export interface MachineEnv {
  /** Deno, V8 and TypeScript versions, e.g. "deno 2.9.6 (v8 15.0, ts 6.0.3)". */
  deno: string;
  /** OS and kernel release, e.g. "linux x86_64 6.1.0". */
  os: string;
  /** CPU model, e.g. "AMD EPYC 7B13". */
  cpuModel: string;
  /** Logical cores this process may use. */
  cores: number;
  /** Total memory in bytes (0 when unknown). */
  memoryBytes: number;
  hostname: string;
}

/** Captures the machine and runtime (each field degrades when a permission is missing). */
export function captureMachine(): MachineEnv {
  const cores = tryOr(() => navigator.hardwareConcurrency, 0) || 0;
  const sys = (kind: "osRelease" | "systemMemoryInfo" | "hostname") => granted({ name: "sys", kind });
  const release = sys("osRelease") ? tryOr(() => Deno.osRelease(), "") : "";
  return {
    deno: `deno ${Deno.version.deno} (v8 ${Deno.version.v8}, ts ${Deno.version.typescript})`,
    os: `${Deno.build.os} ${Deno.build.arch}${release ? " " + release : ""}`,
    cpuModel: cpuModel(),
    cores,
    memoryBytes: sys("systemMemoryInfo") ? tryOr(() => Deno.systemMemoryInfo().total, 0) : 0,
    hostname: sys("hostname") ? tryOr(() => Deno.hostname(), "unknown") : "unknown",
  };
}

/**
 * The load average (1, 5, 15 min): `Deno.loadavg()` where `--allow-sys=loadavg` is granted,
 * else /proc/loadavg where it is readable, else null (never prompts).
 */
export function loadavg(): number[] | null {
  if (granted({ name: "sys", kind: "loadavg" })) {
    const l = tryOr(() => Deno.loadavg().map((x) => Math.round(x * 100) / 100), null);
    if (l) return l;
  }
  if (!granted({ name: "read", path: "/proc/loadavg" })) return null;
  return tryOr(() => Deno.readTextFileSync("/proc/loadavg").split(" ").slice(0, 3).map(Number), null);
}

/** Captures the environment for the backend `backend` (from `initBackend`). */
export function captureEnv(backend: BackendInfo): EnvInfo {
  const m = captureMachine();
  return {
    backend: backend.name,
    device: backend.device,
    deno: m.deno,
    tfjs: tf.version_core,
    os: m.os,
    cpu: `${m.cpuModel} ×${m.cores}`,
    cores: m.cores,
    memoryBytes: m.memoryBytes,
    hostname: m.hostname,
    commit: gitCommit(),
  };
}
