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

/** Captures the environment for the backend `backend` (from `initBackend`). */
export function captureEnv(backend: BackendInfo): EnvInfo {
  const cores = tryOr(() => navigator.hardwareConcurrency, 0) || 0;
  const sys = (kind: "osRelease" | "systemMemoryInfo" | "hostname") => granted({ name: "sys", kind });
  const release = sys("osRelease") ? tryOr(() => Deno.osRelease(), "") : "";
  const memoryBytes = sys("systemMemoryInfo") ? tryOr(() => Deno.systemMemoryInfo().total, 0) : 0;
  return {
    backend: backend.name,
    device: backend.device,
    deno: `deno ${Deno.version.deno} (v8 ${Deno.version.v8}, ts ${Deno.version.typescript})`,
    tfjs: tf.version_core,
    os: `${Deno.build.os} ${Deno.build.arch}${release ? " " + release : ""}`,
    cpu: `${cpuModel()} ×${cores}`,
    cores,
    memoryBytes,
    hostname: sys("hostname") ? tryOr(() => Deno.hostname(), "unknown") : "unknown",
    commit: gitCommit(),
  };
}
