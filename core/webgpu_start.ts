/**
 * Starts tfjs's WebGPU backend ourselves, in an order every WebGPU implementation accepts.
 *
 * `@tensorflow/tfjs-backend-webgpu` 4.22 registers a factory that asks for
 * `bgra8unorm-storage` as a nested array (`requiredFeatures.push(['bgra8unorm-storage'])`) and
 * reads `adapter.info` only after `requestDevice`. Deno builds that convert each feature name
 * strictly ("index 1 can not be converted to a enum") or that invalidate an adapter once it
 * made a device ("The adapter cannot be reused…") reject that start on real GPUs (tensorflow/tfjs
 * issue 8518). Software adapters such as llvmpipe lack `bgra8unorm-storage`, which hides the
 * first fault.
 *
 * Here the order is: request the adapter; copy its info, features and limits; request a device
 * with a flat list of feature names the adapter has and limits within the adapter's; then
 * `new WebGPUBackend(device, info)`. {@link installWebgpuBackend} replaces the library's factory
 * under the name `"webgpu"`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "./errors.ts";

/**
 * Device features the tfjs WebGPU backend 4.22 uses when the device has them: `timestamp-query`
 * (kernel timing in `tf.time`/profiling) and `bgra8unorm-storage` (the `Draw` kernel). It uses
 * no others (no `shader-f16`, no `subgroups`).
 */
export const WEBGPU_FEATURES = ["timestamp-query", "bgra8unorm-storage"] as const;

/**
 * Limits raised to the adapter's values: the six the library's own start requests, and
 * `maxStorageBuffersPerShaderStage` (its `Concat` kernel joins that many inputs less one per pass).
 */
export const WEBGPU_LIMITS = [
  "maxComputeWorkgroupStorageSize",
  "maxComputeWorkgroupsPerDimension",
  "maxStorageBufferBindingSize",
  "maxBufferSize",
  "maxComputeWorkgroupSizeX",
  "maxComputeInvocationsPerWorkgroup",
  "maxStorageBuffersPerShaderStage",
] as const;

/** The adapter's identity, copied before the device is requested (plain data, always readable). */
export interface WebgpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A fallback (software) adapter, as the adapter says. */
  isFallbackAdapter: boolean;
}

/** The parts of a `GPUAdapter` this start reads (a real adapter or a test stub). */
export interface WebgpuAdapterLike {
  readonly features: { has(name: string): boolean };
  readonly limits: object;
  readonly info?: Partial<Record<keyof WebgpuAdapterInfo, unknown>>;
  readonly isFallbackAdapter?: boolean;
  /** Pre-2024 adapters had this method instead of `info`. */
  requestAdapterInfo?(): Promise<Partial<Record<keyof WebgpuAdapterInfo, unknown>>>;
  requestDevice(descriptor: WebgpuDeviceRequest): Promise<unknown>;
}

/** The parts of `navigator.gpu` this start uses. */
export interface WebgpuLike {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<
    WebgpuAdapterLike | null
  >;
}

/** What is passed to `requestDevice`: a flat list of feature names and numeric limits. */
export interface WebgpuDeviceRequest {
  requiredFeatures: string[];
  requiredLimits: Record<string, number>;
}

/** An opened device and what was known about its adapter before it was opened. */
export interface OpenedWebgpu {
  /** The `GPUDevice`. */
  device: unknown;
  info: WebgpuAdapterInfo;
  /** What was asked of `requestDevice`. */
  request: WebgpuDeviceRequest;
}

/** The `WebGPUBackend` class of `@tensorflow/tfjs-backend-webgpu` (or a stand-in in tests). */
export type WebgpuBackendClass = new (device: never, adapterInfo: never) => tf.KernelBackend;

function errText(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].slice(0, 200);
}

function text(v: unknown): string {
  return v === undefined || v === null ? "" : String(v);
}

/** A limit value as a number that converts back to at most the adapter's value. */
function limitValue(v: unknown): number | null {
  if (typeof v === "bigint") v = v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
  if (typeof v !== "number" || !Number.isFinite(v) || v < 0) return null;
  // Above 2^53 a double can round up past the adapter's u64 value; ask for less, never more.
  return Math.min(Math.floor(v), Number.MAX_SAFE_INTEGER);
}

/** The device request for an adapter: only names it has, only limits it reports as numbers. */
export function deviceRequestFor(adapter: WebgpuAdapterLike): WebgpuDeviceRequest {
  const requiredFeatures: string[] = WEBGPU_FEATURES.filter((f) => adapter.features.has(f));
  const requiredLimits: Record<string, number> = {};
  const limits = adapter.limits as Record<string, unknown>;
  for (const name of WEBGPU_LIMITS) {
    const v = limitValue(limits[name]);
    if (v !== null) requiredLimits[name] = v;
  }
  return { requiredFeatures, requiredLimits };
}

async function readInfo(adapter: WebgpuAdapterLike): Promise<WebgpuAdapterInfo> {
  let raw = "info" in adapter ? adapter.info : undefined; // read once: a getter may cost or change
  if (!raw && typeof adapter.requestAdapterInfo === "function") raw = await adapter.requestAdapterInfo();
  raw ??= {};
  return {
    vendor: text(raw.vendor),
    architecture: text(raw.architecture),
    device: text(raw.device),
    description: text(raw.description),
    isFallbackAdapter: raw.isFallbackAdapter === true || adapter.isFallbackAdapter === true,
  };
}

/**
 * Requests an adapter and a device from `gpu`, reading everything from the adapter before the
 * device exists. Throws a one-line `UserError` naming the fix when either request fails.
 */
export async function openWebgpu(
  gpu: WebgpuLike,
  powerPreference: "high-performance" | "low-power" = "high-performance",
): Promise<OpenedWebgpu> {
  let adapter: WebgpuAdapterLike | null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference });
  } catch (e) {
    throw new UserError(
      `requesting a WebGPU adapter failed (${
        errText(e)
      }); install GPU drivers (Vulkan) or use --backend wasm`,
    );
  }
  if (!adapter) {
    throw new UserError(
      "no WebGPU adapter found; install Vulkan drivers (e.g. mesa-vulkan-drivers or the GPU vendor's) " +
        "or use --backend wasm",
    );
  }
  const info = await readInfo(adapter);
  const request = deviceRequestFor(adapter);
  let device: unknown;
  try {
    device = await adapter.requestDevice(request);
  } catch (e) {
    throw new UserError(
      `the WebGPU adapter ${describeWebgpu(info).device} refused a device ` +
        `(features ${request.requiredFeatures.join(",") || "none"}: ${
          errText(e)
        }); update GPU drivers or use --backend wasm`,
    );
  }
  if (!device) {
    throw new UserError("the WebGPU adapter returned no device; update GPU drivers or use --backend wasm");
  }
  return { device, info, request };
}

/** Matches adapter descriptions of software rasterisers. */
const SOFTWARE_ADAPTER = /llvmpipe|lavapipe|softpipe|swiftshader|software|microsoft basic render/i;

/** A one-line description of an adapter, and whether it is a software one. */
export function describeWebgpu(info: WebgpuAdapterInfo): { device: string; software: boolean } {
  const parts = [
    info.description,
    info.vendor && `vendor ${info.vendor}`,
    info.architecture,
    info.device && `device ${info.device}`,
  ].filter((s) => s && s.length > 0);
  const device = parts.length ? parts.join(", ") : "unnamed WebGPU adapter";
  const software = info.isFallbackAdapter || SOFTWARE_ADAPTER.test(device);
  return { device: software ? `${device} (software)` : device, software };
}

/** Marks the factories made here, so a caller can tell them from the library's. */
const OWN_FACTORY = Symbol("amcl-bench webgpu factory");

/** Whether tfjs's `"webgpu"` factory is the one {@link installWebgpuBackend} registered. */
export function ownWebgpuFactoryInstalled(): boolean {
  const f = tf.findBackendFactory("webgpu") as unknown as Record<symbol, unknown> | null;
  return !!f && f[OWN_FACTORY] === true;
}

/**
 * Registers `"webgpu"` with a factory that builds `new Backend(device, info)` from
 * {@link openWebgpu}, replacing any factory registered before (the library's own, at import).
 * `first`, when given, is the device the first start uses; later starts (after tfjs removed
 * the backend) open a new one. Priority 3, as the library's.
 */
export function installWebgpuBackend(
  Backend: WebgpuBackendClass,
  gpu: WebgpuLike,
  first?: OpenedWebgpu,
): void {
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
  let pending = first;
  const factory = async () => {
    const opened = pending ?? (await openWebgpu(gpu));
    pending = undefined;
    return new Backend(opened.device as never, opened.info as never);
  };
  Object.defineProperty(factory, OWN_FACTORY, { value: true });
  tf.registerBackend("webgpu", factory, 3);
}
