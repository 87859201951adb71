/**
 * The doctor: what a user runs first on a new machine. It lists every backend (available or
 * why not), the device, tfjs, Deno and CPU details, and runs a small conv-net gradient
 * self-check on each available backend against the cpu backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type BackendProbe, type ConcreteBackend, probeBackend } from "./backend.ts";
import { setNativeMemory } from "./backend_start.ts";
import { captureEnv, type EnvInfo } from "./env.ts";
import { Rng } from "./random.ts";

/** The gradient self-check of one backend against cpu. */
export interface GradCheck {
  /** Max over parameters of max|g − g_cpu| / max|g_cpu|. */
  maxRelError: number;
  tolerance: number;
  pass: boolean;
  /** Wall time of the check on this backend (ms). */
  ms: number;
  error?: string;
}

/** One backend's line in the doctor's report. */
export interface DoctorBackend extends BackendProbe {
  gradCheck?: GradCheck;
}

/** The doctor's report (`deno task doctor --json` prints it). */
export interface DoctorReport {
  env: Omit<EnvInfo, "backend" | "device">;
  backends: DoctorBackend[];
  /** True when wasm or cpu is available and every run gradient check passed. */
  ok: boolean;
}

/** Relative tolerance of the self-check (float32 accumulation order differs by backend). */
export const GRAD_TOLERANCE = 1e-4;

/** Fixed inputs and weights of the self-check net, as plain arrays (backend independent). */
interface CheckData {
  x: Float32Array;
  params: Array<{ shape: number[]; values: Float32Array }>;
}

function checkData(seed = 7): CheckData {
  const rng = new Rng(seed);
  const shapes = [
    [3, 3, 3, 8], // conv1 3×3
    [8],
    [8], // bn1 γ, β
    [3, 3, 8, 8], // conv2 3×3 stride 2
    [8],
    [8], // bn2
    [1, 1, 3, 8], // shortcut 1×1 stride 2
    [8, 5], // linear
    [5],
  ];
  const params = shapes.map((shape, i) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const isGamma = i === 1 || i === 4;
    const values = isGamma ? rng.uniforms(n, 0.5, 1.5) : rng.normals(n, 0.3);
    return { shape, values };
  });
  return { x: rng.normals(4 * 8 * 8 * 3), params };
}

/** conv-BN-relu-conv(s2)-BN + 1×1 s2 shortcut, relu, global average pool, linear, softmax CE. */
function checkLoss(x: tf.Tensor4D, p: tf.Tensor[]): tf.Scalar {
  const bn = (t: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor): tf.Tensor4D => {
    const { mean, variance } = tf.moments(t, [0, 1, 2]);
    return tf.batchNorm4d(
      t,
      mean as tf.Tensor1D,
      variance as tf.Tensor1D,
      b as tf.Tensor1D,
      g as tf.Tensor1D,
      1e-5,
    );
  };
  let h = tf.relu(bn(tf.conv2d(x, p[0] as tf.Tensor4D, 1, "same"), p[1], p[2]));
  h = bn(tf.conv2d(h, p[3] as tf.Tensor4D, 2, "same"), p[4], p[5]);
  const sc = tf.conv2d(x, p[6] as tf.Tensor4D, 2, "valid");
  const pooled = tf.mean(tf.relu(tf.add(h, sc)), [1, 2]) as tf.Tensor2D;
  const logits = tf.add(tf.matMul(pooled, p[7] as tf.Tensor2D), p[8]) as tf.Tensor2D;
  const labels = tf.oneHot(tf.tensor1d([0, 1, 2, 3], "int32"), 5);
  return tf.mean(tf.neg(tf.sum(tf.mul(labels, tf.logSoftmax(logits)), -1))) as tf.Scalar;
}

/** Gradients of the self-check loss w.r.t. every parameter, on the active backend. */
export async function checkGradients(data: CheckData = checkData()): Promise<Float32Array[]> {
  const grads = tf.tidy(() => {
    const x = tf.tensor4d(data.x, [4, 8, 8, 3]);
    const ps = data.params.map((p) => tf.tensor(p.values, p.shape));
    return tf.grads((...t: tf.Tensor[]) => checkLoss(x, t))(ps);
  });
  try {
    // Asynchronous reads: the webgpu backend cannot read synchronously under Deno.
    return await Promise.all(grads.map((g) => g.data() as Promise<Float32Array>));
  } finally {
    tf.dispose(grads);
  }
}

/** Max over tensors of max|a − b| / max|b|. */
export function maxRelError(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  for (let i = 0; i < b.length; i++) {
    let scale = 0, diff = 0;
    for (let j = 0; j < b[i].length; j++) {
      scale = Math.max(scale, Math.abs(b[i][j]));
      diff = Math.max(diff, Math.abs(a[i][j] - b[i][j]));
    }
    worst = Math.max(worst, scale > 0 ? diff / scale : diff);
  }
  return worst;
}

/** Runs the doctor: probes every backend and gradient-checks the available ones against cpu. */
export async function runDoctor(): Promise<DoctorReport> {
  const data = checkData();
  const order: ConcreteBackend[] = ["cpu", "wasm", "native", "webgpu", "tensorflow"];
  const backends: DoctorBackend[] = [];
  let reference: Float32Array[] | null = null;
  // The native tier twice: tensors on its wasm heap, and in host memory (no 4 GiB ceiling).
  type Run = { name: ConcreteBackend; memory?: "heap" | "host" };
  const runs = order.flatMap((name): Run[] =>
    name === "native" ? [{ name, memory: "heap" }, { name, memory: "host" }] : [{ name }]
  );
  for (const { name, memory } of runs) {
    setNativeMemory(memory ?? "heap");
    const probe: DoctorBackend = await probeBackend(name);
    if (memory === "host" && !probe.available) continue; // said once, on the heap row
    backends.push(probe);
    if (!probe.available) continue;
    const t0 = performance.now();
    try {
      const grads = await checkGradients(data);
      if (name === "cpu") reference = grads;
      const err = reference ? maxRelError(grads, reference) : NaN;
      probe.gradCheck = {
        maxRelError: err,
        tolerance: GRAD_TOLERANCE,
        pass: Number.isFinite(err) && err <= GRAD_TOLERANCE,
        ms: Math.round(performance.now() - t0),
      };
    } catch (e) {
      probe.gradCheck = {
        maxRelError: NaN,
        tolerance: GRAD_TOLERANCE,
        pass: false,
        ms: Math.round(performance.now() - t0),
        error: (e instanceof Error ? e.message : String(e)).split("\n")[0],
      };
    }
  }
  setNativeMemory("heap");
  const cpu = backends[0];
  const { backend: _b, device: _d, ...env } = captureEnv({ name: "cpu", device: cpu.device ?? "cpu" });
  await probeBackend("cpu");
  const ok = backends.some((b) => (b.name === "wasm" || b.name === "cpu") && b.available) &&
    backends.every((b) => !b.gradCheck || b.gradCheck.pass);
  return { env, backends, ok };
}

/** The doctor's report as text lines. */
export function formatDoctor(r: DoctorReport): string {
  const gib = (b: number) => b > 0 ? `${(b / 2 ** 30).toFixed(1)} GiB` : "unknown";
  const lines = [
    `deno     ${r.env.deno}`,
    `tfjs     ${r.env.tfjs}`,
    `os       ${r.env.os}`,
    `cpu      ${r.env.cpu}`,
    `memory   ${gib(r.env.memoryBytes)}`,
    `host     ${r.env.hostname}`,
    `commit   ${r.env.commit}`,
    "",
    "backend     available  device / reason",
  ];
  for (const b of r.backends) {
    lines.push(
      `${b.name.padEnd(11)} ${(b.available ? "yes" : "no").padEnd(10)} ${b.available ? b.device : b.reason}`,
    );
    const g = b.gradCheck;
    if (g) {
      const verdict = g.pass ? "pass" : "FAIL";
      const detail = g.error
        ? `error: ${g.error}`
        : `max rel error ${g.maxRelError.toExponential(2)} (tol ${g.tolerance})`;
      lines.push(`${"".padEnd(22)} gradient check vs cpu: ${verdict}, ${detail}, ${g.ms} ms`);
    }
  }
  lines.push("", r.ok ? "doctor: ok" : "doctor: problems found (see above)");
  return lines.join("\n");
}
