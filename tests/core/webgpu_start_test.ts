/**
 * The WebGPU start (core/webgpu_start.ts) against stub adapters that report what NVIDIA and AMD
 * GPUs report under Deno, and that are as strict as the Deno builds of denoland/deno#28135 and
 * denoland/webgpu-examples#22: a feature name must be a string, a used adapter cannot be read.
 * Then, where this machine has an adapter (llvmpipe counts), the real start and a matmul.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { WebGPUBackend } from "@tensorflow/tfjs-backend-webgpu";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import {
  describeWebgpu,
  installWebgpuBackend,
  openWebgpu,
  ownWebgpuFactoryInstalled,
  type WebgpuAdapterLike,
  type WebgpuBackendClass,
  type WebgpuDeviceRequest,
  type WebgpuLike,
} from "../../core/webgpu_start.ts";

/** The library's own factory, registered when it was imported above (navigator.gpu exists in Deno). */
const libraryFactory = tf.findBackendFactory("webgpu");

/** The names of the WebGPU `GPUFeatureName` enum (what strict WebIDL conversion accepts). */
const FEATURE_ENUM = new Set([
  "core-features-and-limits",
  "depth-clip-control",
  "depth32float-stencil8",
  "texture-compression-bc",
  "texture-compression-bc-sliced-3d",
  "texture-compression-etc2",
  "texture-compression-astc",
  "texture-compression-astc-sliced-3d",
  "timestamp-query",
  "indirect-first-instance",
  "shader-f16",
  "rg11b10ufloat-renderable",
  "bgra8unorm-storage",
  "float32-filterable",
  "float32-blendable",
  "clip-distances",
  "dual-source-blending",
  "subgroups",
]);

interface Profile {
  info: Record<string, string | boolean>;
  features: string[];
  /** True u64 values (bigint where a double cannot hold them exactly). */
  limits: Record<string, number | bigint>;
}

/** An RTX 4090 under Deno (wgpu, Vulkan): PCI ids as decimal strings, native-only features too. */
const NVIDIA: Profile = {
  info: { vendor: "4318", architecture: "", device: "9860", description: "NVIDIA GeForce RTX 4090" },
  features: [
    "depth-clip-control",
    "timestamp-query",
    "indirect-first-instance",
    "shader-f16",
    "depth32float-stencil8",
    "texture-compression-bc",
    "rg11b10ufloat-renderable",
    "bgra8unorm-storage",
    "float32-filterable",
    "subgroups",
    "texture-format-16-bit-norm",
    "pipeline-statistics-query",
    "timestamp-query-inside-passes",
    "mappable-primary-buffers",
    "push-constants",
  ],
  limits: {
    maxBindGroups: 8,
    maxStorageBuffersPerShaderStage: 16,
    maxUniformBufferBindingSize: 65536,
    maxStorageBufferBindingSize: 2147483647,
    maxBufferSize: 4294967296,
    maxComputeWorkgroupStorageSize: 49152,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupSizeX: 1024,
    maxComputeWorkgroupSizeY: 1024,
    maxComputeWorkgroupSizeZ: 64,
    maxComputeWorkgroupsPerDimension: 65535,
    minStorageBufferOffsetAlignment: 32,
  },
};

/** A Radeon RX 7900 XTX under Deno (wgpu, Vulkan). */
const AMD: Profile = {
  info: {
    vendor: "4098",
    architecture: "",
    device: "29772",
    description: "AMD Radeon RX 7900 XTX (RADV NAVI31)",
  },
  features: [
    "depth-clip-control",
    "depth32float-stencil8",
    "texture-compression-bc",
    "timestamp-query",
    "indirect-first-instance",
    "shader-f16",
    "rg11b10ufloat-renderable",
    "bgra8unorm-storage",
    "float32-filterable",
    "dual-source-blending",
    "subgroups",
    "texture-format-16-bit-norm",
    "push-constants",
  ],
  limits: {
    maxBindGroups: 8,
    maxStorageBuffersPerShaderStage: 16,
    maxUniformBufferBindingSize: 65536,
    maxStorageBufferBindingSize: 4294967295,
    maxBufferSize: 4294967295,
    maxComputeWorkgroupStorageSize: 65536,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupSizeX: 1024,
    maxComputeWorkgroupSizeY: 1024,
    maxComputeWorkgroupSizeZ: 1024,
    maxComputeWorkgroupsPerDimension: 65535,
    minStorageBufferOffsetAlignment: 32,
  },
};

/** Mesa's llvmpipe as this Deno reports it: no `bgra8unorm-storage`. */
const LLVMPIPE: Profile = {
  info: {
    vendor: "65541",
    architecture: "",
    device: "0",
    description: "llvmpipe (LLVM 15.0.6, 256 bits)",
    isFallbackAdapter: true,
  },
  features: ["depth-clip-control", "depth32float-stencil8", "texture-compression-bc", "timestamp-query"],
  limits: {
    maxStorageBuffersPerShaderStage: 16,
    maxStorageBufferBindingSize: 134217728,
    maxBufferSize: 2147483647,
    maxComputeWorkgroupStorageSize: 32768,
    maxComputeInvocationsPerWorkgroup: 1024,
    maxComputeWorkgroupSizeX: 1024,
    maxComputeWorkgroupsPerDimension: 65535,
  },
};

interface Stub {
  gpu: WebgpuLike;
  /** Every read of info and every requestDevice, in order. */
  calls: string[];
  /** What requestDevice received, as passed. */
  requests: unknown[];
  /** The devices handed out. */
  devices: StubDevice[];
}

interface StubDevice {
  features: Set<string>;
  limits: Record<string, number>;
  queue: Record<string, never>;
  lost: Promise<never>;
  destroy(): void;
}

/** A strict adapter: validates requestDevice as WebIDL and the WebGPU spec do, once per adapter. */
function stubAdapter(p: Profile, stub: Stub): WebgpuAdapterLike {
  const features = new Set(p.features);
  const limits: Record<string, number> = {};
  for (const [k, v] of Object.entries(p.limits)) limits[k] = Number(v);
  let used = false;
  return {
    features,
    limits,
    get info() {
      stub.calls.push("info");
      if (used) throw new TypeError("The adapter cannot be reused, as a device creation has invalidated it");
      return { ...p.info };
    },
    requestDevice(descriptor: WebgpuDeviceRequest) {
      stub.calls.push("requestDevice");
      stub.requests.push(descriptor);
      if (used) return Promise.reject(new DOMException("adapter already used", "OperationError"));
      const wanted: unknown = descriptor?.requiredFeatures ?? [];
      if (!Array.isArray(wanted)) return Promise.reject(new TypeError("requiredFeatures is not a sequence"));
      for (const [i, f] of wanted.entries()) {
        if (typeof f !== "string" || !FEATURE_ENUM.has(f)) {
          return Promise.reject(
            new TypeError(
              `'requiredFeatures' of 'GPUDeviceDescriptor', index ${i} can not be converted to a enum`,
            ),
          );
        }
        if (!features.has(f)) {
          return Promise.reject(new TypeError("requiredFeatures must be a subset of the adapter features"));
        }
      }
      const granted = { maxStorageBuffersPerShaderStage: 8, maxComputeWorkgroupStorageSize: 16384 } as Record<
        string,
        number
      >;
      for (const [k, v] of Object.entries(descriptor?.requiredLimits ?? {})) {
        if (!(k in p.limits)) return Promise.reject(new DOMException(`unknown limit ${k}`, "OperationError"));
        if (typeof v !== "number" || !Number.isInteger(v)) {
          return Promise.reject(new TypeError(`limit ${k}: ${v} is not an integer`));
        }
        const have = BigInt(p.limits[k]);
        const better = k.startsWith("min") ? BigInt(v) < have : BigInt(v) > have;
        if (better) {
          return Promise.reject(new DOMException(`limit ${k} ${v} is better than allowed`, "OperationError"));
        }
        granted[k] = v;
      }
      used = true;
      const device: StubDevice = {
        features: new Set(wanted as string[]),
        limits: granted,
        queue: {},
        lost: new Promise<never>(() => {}),
        destroy() {},
      };
      stub.devices.push(device);
      return Promise.resolve(device);
    },
  };
}

function stubGpu(p: Profile | null): Stub {
  const stub: Stub = { calls: [], requests: [], devices: [], gpu: null as unknown as WebgpuLike };
  stub.gpu = { requestAdapter: () => Promise.resolve(p ? stubAdapter(p, stub) : null) };
  return stub;
}

/** Runs `fn` with `navigator.gpu` replaced by `gpu` (the library's factory reads the global). */
async function withNavigatorGpu<T>(gpu: WebgpuLike, fn: () => Promise<T>): Promise<T> {
  Object.defineProperty(navigator, "gpu", { value: gpu, configurable: true });
  try {
    return await fn();
  } finally {
    delete (navigator as unknown as { gpu?: unknown }).gpu; // the prototype's getter shows again
  }
}

/** Leaves tfjs on cpu with no "webgpu" registered, whatever a test did. */
async function resetWebgpu(): Promise<void> {
  await tf.setBackend("cpu");
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
}

Deno.test("the strict stub rejects the library's own start on NVIDIA and AMD adapters, and on llvmpipe later", async () => {
  assert.ok(libraryFactory, "importing @tensorflow/tfjs-backend-webgpu registered no factory");
  for (const p of [NVIDIA, AMD]) {
    const stub = stubGpu(p);
    await assert.rejects(
      () => withNavigatorGpu(stub.gpu, async () => await libraryFactory!()),
      /index 1 can not be converted to a enum/,
    );
    const features = (stub.requests[0] as WebgpuDeviceRequest).requiredFeatures as unknown[];
    assert.ok(features.some((f) => Array.isArray(f)), "the library no longer nests a feature name");
  }
  // Without bgra8unorm-storage the device is made, and reading adapter.info afterwards fails.
  const soft = stubGpu(LLVMPIPE);
  await assert.rejects(
    () => withNavigatorGpu(soft.gpu, async () => await libraryFactory!()),
    /cannot be reused/,
  );
  assert.deepEqual(soft.calls, ["requestDevice", "info"]);
});

for (const [name, p] of [["NVIDIA", NVIDIA], ["AMD", AMD]] as const) {
  Deno.test(`${name}: info is read before requestDevice, which gets a flat list of the adapter's features`, async () => {
    const stub = stubGpu(p);
    const opened = await openWebgpu(stub.gpu);
    assert.deepEqual(stub.calls, ["info", "requestDevice"]);
    assert.equal(stub.requests.length, 1);
    const req = stub.requests[0] as WebgpuDeviceRequest;
    assert.ok(Array.isArray(req.requiredFeatures));
    for (const f of req.requiredFeatures) {
      assert.equal(typeof f, "string");
      assert.ok(p.features.includes(f), `${f} is not one of the adapter's features`);
    }
    assert.deepEqual(req.requiredFeatures, ["timestamp-query", "bgra8unorm-storage"]);
    for (const [k, v] of Object.entries(req.requiredLimits)) {
      assert.equal(v, Number(p.limits[k]), `limit ${k}`);
    }
    assert.equal(
      req.requiredLimits.maxStorageBufferBindingSize,
      Number(p.limits.maxStorageBufferBindingSize),
    );
    assert.equal(opened.device, stub.devices[0]);
    assert.equal(opened.info.vendor, p.info.vendor);
    assert.equal(opened.info.description, p.info.description);
    const desc = describeWebgpu(opened.info);
    assert.equal(desc.software, false);
    assert.match(desc.device, new RegExp(String(p.info.description).replace(/[()]/g, ".")));
  });
}

Deno.test("the backend object starts through tfjs on the stub device, with the adapter's info", async () => {
  const stub = stubGpu(NVIDIA);
  const opened = await openWebgpu(stub.gpu);
  try {
    installWebgpuBackend(WebGPUBackend as WebgpuBackendClass, stub.gpu, opened);
    assert.ok(ownWebgpuFactoryInstalled());
    assert.equal(await tf.setBackend("webgpu"), true);
    const backend = tf.backend() as unknown as {
      device: unknown;
      supportTimestampQuery: boolean;
      adapterInfo: { vendor: string };
    };
    assert.ok(tf.backend() instanceof WebGPUBackend);
    assert.equal(backend.device, stub.devices[0]);
    assert.equal(backend.supportTimestampQuery, true);
    assert.equal(backend.adapterInfo.vendor, "4318");
    assert.equal(stub.devices.length, 1, "the first start reuses the device opened beforehand");
  } finally {
    await resetWebgpu();
  }
});

Deno.test("the adapter's info reaches the backend (Intel generation picks the workgroup threshold)", async () => {
  const intel: Profile = {
    ...NVIDIA,
    info: { vendor: "intel", architecture: "gen-12lp", device: "", description: "Intel(R) UHD Graphics 770" },
  };
  const stub = stubGpu(intel);
  try {
    installWebgpuBackend(WebGPUBackend as WebgpuBackendClass, stub.gpu);
    assert.equal(await tf.setBackend("webgpu"), true);
    assert.deepEqual(stub.calls, ["info", "requestDevice"]);
    const backend = tf.backend() as unknown as { thresholdToIncreaseWorkgroups: number };
    assert.equal(backend.thresholdToIncreaseWorkgroups, 16);
  } finally {
    await resetWebgpu();
  }
});

Deno.test("a u64 limit a double cannot hold is asked for as less, never more", async () => {
  const huge = (1n << 64n) - 1n;
  const p: Profile = { ...NVIDIA, limits: { ...NVIDIA.limits, maxBufferSize: huge } };
  // What the adapter shows rounds up to 2^64: asking for that is refused.
  const raw = stubGpu(p);
  const adapter = (await raw.gpu.requestAdapter())!;
  await assert.rejects(
    () => adapter.requestDevice({ requiredFeatures: [], requiredLimits: { maxBufferSize: Number(huge) } }),
    /better than allowed/,
  );
  const stub = stubGpu(p);
  await openWebgpu(stub.gpu);
  assert.equal(
    (stub.requests[0] as WebgpuDeviceRequest).requiredLimits.maxBufferSize,
    Number.MAX_SAFE_INTEGER,
  );
});

Deno.test("no adapter, or a refused device, is one line naming the fix", async () => {
  await assert.rejects(() => openWebgpu(stubGpu(null).gpu), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /no WebGPU adapter found; install Vulkan drivers.*--backend wasm/);
    return true;
  });
  const refusing: WebgpuLike = {
    requestAdapter: () =>
      Promise.resolve({
        features: new Set(["timestamp-query"]),
        limits: {},
        info: { vendor: "4318", description: "NVIDIA GeForce RTX 4090" },
        requestDevice: () => Promise.reject(new Error("out of memory\nsecond line")),
      }),
  };
  await assert.rejects(() => openWebgpu(refusing), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.ok(!e.message.includes("\n"));
    assert.match(
      e.message,
      /NVIDIA GeForce RTX 4090.*refused a device.*timestamp-query: out of memory.*--backend wasm/,
    );
    return true;
  });
});

const hasAdapter = await (async () => {
  try {
    return !!(await navigator.gpu?.requestAdapter());
  } catch {
    return false;
  }
})();

Deno.test({
  name: "this machine's adapter: --backend webgpu starts through our start and computes a matmul",
  ignore: !hasAdapter,
  async fn() {
    try {
      const info = await initBackend("webgpu");
      assert.equal(info.name, "webgpu");
      assert.equal(tf.getBackend(), "webgpu");
      assert.ok(ownWebgpuFactoryInstalled(), "the library's own factory started the backend");
      const a = [[1, 2, 3], [4, 5, 6]];
      const b = [[7, 8], [9, 10], [11, 12]];
      const c = tf.tidy(() => tf.matMul(tf.tensor2d(a), tf.tensor2d(b)));
      assert.deepEqual(Array.from(await c.data()), [58, 64, 139, 154]);
      c.dispose();
    } finally {
      await resetWebgpu();
    }
  },
});
