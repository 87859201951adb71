/**
 * Batch normalisation in training mode as one fused op: {@link batchNormTrain} returns the
 * normalised tensor and the batch statistics, and its gradient is the closed form
 *
 *   dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ·r/M · (M·dy − dβ − x̂·dγ),  x̂ = (x − μ)·r,  r = 1/√(σ² + ε)
 *
 * (sums over the M = N·H·W positions of each channel; σ² the biased batch variance). Built
 * from `tf.moments` + `tf.batchNorm`, tfjs instead differentiates the statistics op by op
 * (about thirty full-size passes per layer, among them a `tile` that is very slow on wasm);
 * here the backward is two passes.
 *
 * On `wasm` and `cpu` the statistics, the normalisation and the gradient are kernels of
 * their own that read the tensors' memory directly (one pass each for the statistics and
 * the normalisation, two for the gradient); on wasm with C % 4 == 0 their loops are the SIMD
 * code of `channel_ops.wat` (sums accumulated in f32 per 256 rows, then in f64). Other
 * backends compute the same closed form with tfjs ops.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { KernelArgs } from "./replace.ts";
import { Host, HOST_BACKENDS, type HostBackend, registerHostKernels } from "./host.ts";
import { heapBuffer, heapOffset, onHeap } from "./on_heap.ts";
import { CHANNEL_OPS_WASM } from "./channel_ops_wasm.ts";

/** Kernel: per-channel mean and biased variance of x [..., C]. */
export const BN_STATS = "AmclBatchNormStats";
/** Kernel: dx, dγ, dβ of training-mode batch norm. */
export const BN_GRAD = "AmclBatchNormGrad";
/** Kernel: γ·(x − μ)/√(σ² + ε) + β with given statistics. */
export const BN_APPLY = "AmclBatchNormApply";
/**
 * Kernel: the training forward in one call, x, γ, β → [y, mean, variance]: on the host
 * backends {@link BN_STATS} then {@link BN_APPLY} as registered for the backend (so the values
 * are theirs); the native tier runs large ones as one oneDNN primitive (core/native/kernels.ts).
 */
export const BN_TRAIN = "AmclBatchNormTrain";

type ColSums = (
  a: number,
  b: number,
  M: number,
  C: number,
  shift: number,
  mode: number,
  tmp: number,
  out: number,
) => void;
type Affine = (
  a: number,
  b: number,
  M: number,
  C: number,
  p: number,
  q: number,
  k: number,
  out: number,
) => void;

/**
 * The SIMD channel kernels on the wasm heap with a scratch tensor of 10·C floats laid out
 * as: f64 sums [2C] (4C floats), f32 tmp [2C], shift [C], p [C], q [C], k [C]. Null where
 * they cannot run (C % 4 ≠ 0, no engine support): the JS loops are used.
 */
function simdChannels(backend: unknown, C: number) {
  if (C % 4 !== 0) return null;
  const ex = onHeap("channel_ops", CHANNEL_OPS_WASM, backend);
  if (!ex) return null;
  const h = new Host("wasm", backend);
  const scratch = h.alloc([10 * C]);
  const base = heapOffset(backend, scratch);
  if (base % 8 !== 0) {
    (backend as { disposeData(d: object): void }).disposeData(scratch.dataId);
    return null;
  }
  const at = (floats: number) => base + 4 * floats;
  return {
    colsums: ex.colsums as ColSums,
    affine: ex.affine as Affine,
    sums: at(0),
    tmp: at(4 * C),
    shift: at(6 * C),
    p: at(7 * C),
    q: at(8 * C),
    k: at(9 * C),
    /** Views, taken after the last allocation. */
    f64: () => new Float64Array(heapBuffer(backend), base, 2 * C),
    f32: (floats: number, n: number) => new Float32Array(heapBuffer(backend), at(floats), n),
    dispose: () => (backend as { disposeData(d: object): void }).disposeData(scratch.dataId),
  };
}

/** Mean and biased variance per channel of `x` ([M·C] values, channels last). */
export function channelStats(
  x: Float32Array,
  channels: number,
  mean: Float32Array,
  variance: Float32Array,
): void {
  const C = channels, M = x.length / C;
  const s = new Float64Array(C), q = new Float64Array(C), shift = new Float64Array(C);
  for (let c = 0; c < C; c++) shift[c] = M > 0 ? x[c] : 0;
  for (let i = 0; i < x.length; i += C) {
    for (let c = 0; c < C; c++) {
      const d = x[i + c] - shift[c];
      s[c] += d;
      q[c] += d * d;
    }
  }
  for (let c = 0; c < C; c++) {
    const m = s[c] / M;
    mean[c] = shift[c] + m;
    variance[c] = Math.max(0, q[c] / M - m * m);
  }
}

/** dx, dγ, dβ (see module doc); `gamma` null means γ = 1. */
export function bnBackward(
  dy: Float32Array,
  x: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
  gamma: Float32Array | null,
  eps: number,
  out: { dx: Float32Array; dgamma: Float32Array; dbeta: Float32Array },
): void {
  const C = mean.length, M = x.length / C;
  const sdy = new Float64Array(C), sdyx = new Float64Array(C);
  for (let i = 0; i < x.length; i += C) {
    for (let c = 0; c < C; c++) {
      const g = dy[i + c];
      sdy[c] += g;
      sdyx[c] += g * (x[i + c] - mean[c]);
    }
  }
  // dx = a·dy + b·x + k per channel.
  const a = new Float32Array(C), b = new Float32Array(C), k = new Float32Array(C);
  for (let c = 0; c < C; c++) {
    const r = 1 / Math.sqrt(variance[c] + eps);
    const g = gamma ? gamma[c] : 1;
    out.dbeta[c] = sdy[c];
    out.dgamma[c] = sdyx[c] * r;
    a[c] = g * r;
    b[c] = -g * r * r * r * sdyx[c] / M;
    k[c] = -g * r * sdy[c] / M - b[c] * mean[c];
  }
  const dx = out.dx;
  for (let i = 0; i < x.length; i += C) {
    for (let c = 0; c < C; c++) dx[i + c] = a[c] * dy[i + c] + b[c] * x[i + c] + k[c];
  }
}

/** The groups attribute of the batch-norm kernels (independent batches along axis 0; default 1). */
function groupsOf(attrs: unknown): number {
  const g = (attrs as { groups?: number } | undefined)?.groups;
  return g ?? 1;
}

/** Per-channel statistics of G groups: shape [C] for one group, [G, C] for more. */
function statsShape(G: number, C: number): number[] {
  return G === 1 ? [C] : [G, C];
}

function statsKernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const C = x.shape[x.shape.length - 1];
    const G = groupsOf(args.attrs);
    const h = new Host(name, args.backend);
    const mean = h.alloc(statsShape(G, C)), variance = h.alloc(statsShape(G, C));
    const simd = name !== "cpu" ? simdChannels(args.backend, C) : null;
    const Mg = sizeOfShape(x.shape) / C / G;
    if (simd) {
      for (let g = 0; g < G; g++) {
        simd.f64().fill(0);
        const [xv] = h.views(x);
        simd.f32(6 * C, C).set(xv.subarray(g * Mg * C, g * Mg * C + C));
        simd.colsums(
          heapOffset(args.backend, x) + 4 * g * Mg * C,
          0,
          Mg,
          C,
          simd.shift,
          0,
          simd.tmp,
          simd.sums,
        );
        const sums = simd.f64(), shift = simd.f32(6 * C, C);
        const [mv, vv] = h.views(mean, variance);
        for (let c = 0; c < C; c++) {
          const m = sums[c] / Mg;
          mv[g * C + c] = shift[c] + m;
          vv[g * C + c] = Math.max(0, sums[C + c] / Mg - m * m);
        }
      }
      simd.dispose();
      return [mean, variance];
    }
    const [xv, mv, vv] = h.views(x, mean, variance);
    for (let g = 0; g < G; g++) {
      const at = (a: Float32Array) => a.subarray(g * C, (g + 1) * C);
      channelStats(xv.subarray(g * Mg * C, (g + 1) * Mg * C), C, at(mv), at(vv));
    }
    return [mean, variance];
  };
}

function gradKernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const { dy, x, mean, variance, gamma } = args.inputs as Record<string, tf.TensorInfo>;
    const eps = (args.attrs as { eps: number }).eps;
    const G = groupsOf(args.attrs);
    const C = x.shape[x.shape.length - 1];
    const h = new Host(name, args.backend);
    const dx = h.alloc([...x.shape]), dgamma = h.alloc([C]), dbeta = h.alloc([C]);
    const simd = name !== "cpu" ? simdChannels(args.backend, C) : null;
    const Mg = sizeOfShape(x.shape) / C / G;
    if (simd) {
      const be = args.backend;
      for (let g = 0; g < G; g++) {
        const off = 4 * g * Mg * C;
        simd.f64().fill(0);
        const [mv0] = h.views(mean);
        simd.f32(6 * C, C).set(mv0.subarray(g * C, (g + 1) * C));
        simd.colsums(
          heapOffset(be, dy) + off,
          heapOffset(be, x) + off,
          Mg,
          C,
          simd.shift,
          1,
          simd.tmp,
          simd.sums,
        );
        const sums = simd.f64();
        const [mv, vv, dgv, dbv] = h.views(mean, variance, dgamma, dbeta);
        const gv = gamma ? h.view(gamma) as Float32Array : null;
        const a = simd.f32(7 * C, C), b = simd.f32(8 * C, C), k = simd.f32(9 * C, C);
        for (let c = 0; c < C; c++) {
          const r = 1 / Math.sqrt(vv[g * C + c] + eps);
          const gc = gv ? gv[c] : 1;
          dbv[c] = g === 0 ? sums[c] : dbv[c] + sums[c];
          dgv[c] = g === 0 ? sums[C + c] * r : dgv[c] + sums[C + c] * r;
          a[c] = gc * r;
          b[c] = -gc * r * r * r * sums[C + c] / Mg;
          k[c] = -gc * r * sums[c] / Mg - b[c] * mv[g * C + c];
        }
        simd.affine(
          heapOffset(be, dy) + off,
          heapOffset(be, x) + off,
          Mg,
          C,
          simd.p,
          simd.q,
          simd.k,
          heapOffset(be, dx) + off,
        );
      }
      simd.dispose();
      return [dx, dgamma, dbeta];
    }
    const [dyv, xv, mv, vv, dxv, dgv, dbv] = h.views(dy, x, mean, variance, dx, dgamma, dbeta);
    const gv = gamma ? h.view(gamma) as Float32Array : null;
    const part = G === 1 ? null : { dgamma: new Float32Array(C), dbeta: new Float32Array(C) };
    for (let g = 0; g < G; g++) {
      const slab = (a: Float32Array) => a.subarray(g * Mg * C, (g + 1) * Mg * C);
      const chan = (a: Float32Array) => a.subarray(g * C, (g + 1) * C);
      const out = { dx: slab(dxv), dgamma: part?.dgamma ?? dgv, dbeta: part?.dbeta ?? dbv };
      bnBackward(slab(dyv), slab(xv), chan(mv), chan(vv), gv, eps, out);
      if (part) {
        for (let c = 0; c < C; c++) {
          dgv[c] = g === 0 ? part.dgamma[c] : dgv[c] + part.dgamma[c];
          dbv[c] = g === 0 ? part.dbeta[c] : dbv[c] + part.dbeta[c];
        }
      }
    }
    return [dx, dgamma, dbeta];
  };
}

function applyKernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x, mean, variance, gamma, beta } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const eps = (args.attrs as { eps: number }).eps;
    const G = groupsOf(args.attrs);
    const xi = x!;
    const C = xi.shape[xi.shape.length - 1];
    const Mg = sizeOfShape(xi.shape) / C / G;
    const h = new Host(name, args.backend);
    const y = h.alloc([...xi.shape]);
    const simd = name !== "cpu" ? simdChannels(args.backend, C) : null;
    const scale = new Float32Array(C), shift = new Float32Array(C);
    for (let g = 0; g < G; g++) {
      const [mv, vv] = h.views(mean!, variance!);
      const gv = gamma ? h.view(gamma) as Float32Array : null,
        bv = beta ? h.view(beta) as Float32Array : null;
      for (let c = 0; c < C; c++) {
        scale[c] = (gv ? gv[c] : 1) / Math.sqrt(vv[g * C + c] + eps);
        shift[c] = (bv ? bv[c] : 0) - mv[g * C + c] * scale[c];
      }
      if (simd) {
        simd.f32(7 * C, C).set(scale);
        simd.f32(9 * C, C).set(shift);
        const be = args.backend, off = 4 * g * Mg * C;
        simd.affine(heapOffset(be, xi) + off, 0, Mg, C, simd.p, simd.q, simd.k, heapOffset(be, y) + off);
        continue;
      }
      const [xv, yv] = h.views(xi, y);
      const end = (g + 1) * Mg * C;
      for (let i = g * Mg * C; i < end; i += C) {
        for (let c = 0; c < C; c++) yv[i + c] = xv[i + c] * scale[c] + shift[c];
      }
    }
    simd?.dispose();
    return y;
  };
}

function sizeOfShape(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** {@link BN_TRAIN} as the backend's registered statistics and apply kernels, one after the other. */
function trainKernel(args: KernelArgs): tf.TensorInfo[] {
  const backendName = tf.getBackend();
  const run = (name: string, inputs: tf.NamedTensorInfoMap) =>
    (tf.getKernel(name, backendName)!.kernelFunc as unknown as (
      a: KernelArgs,
    ) => tf.TensorInfo | tf.TensorInfo[])({
      inputs,
      backend: args.backend,
      attrs: args.attrs,
    });
  const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const [mean, variance] = run(BN_STATS, { x: x! }) as tf.TensorInfo[];
  const y = run(BN_APPLY, {
    x: x!,
    mean,
    variance,
    ...(gamma ? { gamma } : {}),
    ...(beta ? { beta } : {}),
  }) as tf.TensorInfo;
  return [y, mean, variance];
}

let registered = false;

/** Registers the statistics and gradient kernels on wasm and cpu (idempotent). */
export function registerBatchNormKernels(): void {
  if (registered) return;
  registered = true;
  registerHostKernels({
    [BN_STATS]: statsKernel,
    [BN_GRAD]: gradKernel,
    [BN_APPLY]: applyKernel,
    [BN_TRAIN]: () => trainKernel,
  });
}

function onHost(): boolean {
  return (HOST_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/** The training-mode outputs of {@link batchNormTrain}. */
export interface BatchNormTrainOutput<T extends tf.Tensor> {
  /** γ·(x − μ)/√(σ² + ε) + β. */
  y: T;
  /** Batch mean per channel, [C] (one group) or [G, C] (no gradient flows through it). */
  mean: tf.Tensor;
  /** Biased batch variance per channel, [C] or [G, C] (no gradient flows through it). */
  variance: tf.Tensor;
}

/**
 * Training-mode batch norm of `x` ([N, C] or [N, H, W, C]) over every axis but the last,
 * with the fused gradient of the module doc (for x, γ and β). `gamma`/`beta` null = 1/0.
 * The returned statistics are for running-average updates; gradients do not flow through
 * them.
 *
 * `groups` G > 1: `x` holds G independent batches of N/G along axis 0 (the two views of a
 * step, encoded together), and each is normalised with its own statistics — the values and
 * gradients of G separate calls, without the slices and concatenations (γ's and β's
 * gradients are the sums over the groups). The statistics are then [G, C].
 */
export function batchNormTrain<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor1D | null,
  beta: tf.Tensor1D | null,
  eps: number,
  groups = 1,
): BatchNormTrainOutput<T> {
  registerBatchNormKernels();
  const C = x.shape[x.rank - 1];
  const G = groups;
  if (!Number.isInteger(G) || G < 1 || x.shape[0] % G !== 0) {
    throw new Error(
      `batchNormTrain: groups must be an integer ≥ 1 dividing the batch ${x.shape[0]}, got ${G}`,
    );
  }
  const Mg = x.size / C / G;
  const host = onHost() && x.dtype === "float32";
  const attrs: tf.NamedAttrMap = G === 1 ? { eps } : { eps, groups: G };
  // On the host backends the forward is one kernel (statistics and output); the op recorded
  // by customGrad below hands its output on (a shared-memory clone) with the fused gradient.
  let yHost: T | null = null;
  let mean: tf.Tensor, variance: tf.Tensor;
  if (host) {
    const inputs = { x, ...(gamma ? { gamma } : {}), ...(beta ? { beta } : {}) };
    [yHost, mean, variance] = tf.engine().runKernel(BN_TRAIN, inputs, attrs) as unknown as [
      T,
      tf.Tensor,
      tf.Tensor,
    ];
  } else {
    [mean, variance] = tf.tidy(() => {
      const m = tf.moments(tf.reshape(x, [G, Mg, C]), [1]);
      const shape = statsShape(G, C);
      return [tf.reshape(m.mean, shape), tf.reshape(m.variance, shape)];
    });
  }
  const params = [gamma, beta].filter((p): p is tf.Tensor1D => p !== null);
  const op = tf.customGrad((...args: unknown[]) => {
    const xin = args[0] as T;
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const g = gamma ? args[1] as tf.Tensor1D : undefined;
    const b = beta ? args[gamma ? 2 : 1] as tf.Tensor1D : undefined;
    const y = yHost ? yHost.clone() : opsForward(xin, mean, variance, b, g, eps, G);
    // Saved (not closed over) so that no inner tidy can free them before the backward.
    save(g ? [xin, mean, variance, g] : [xin, mean, variance]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const d = dy as tf.Tensor;
        const [xs, ms, vs, gs] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor1D | undefined];
        const [dx, dg, db] = host
          ? tf.engine().runKernel(BN_GRAD, {
            dy: d,
            x: xs,
            mean: ms,
            variance: vs,
            ...(gs ? { gamma: gs } : {}),
          }, attrs) as unknown as tf.Tensor[]
          : opsBackward(d, xs, ms, vs, gs ?? null, eps, G);
        const out: tf.Tensor[] = [dx];
        if (gamma) out.push(dg);
        else dg.dispose();
        if (beta) out.push(db);
        else db.dispose();
        return out;
      },
    };
  });
  const y = op(x, ...params) as T;
  return { y, mean, variance };
}

/** The normalisation with tfjs ops, each of the G groups with its statistics (non-host backends). */
function opsForward<T extends tf.Tensor>(
  x: T,
  mean: tf.Tensor,
  variance: tf.Tensor,
  beta: tf.Tensor1D | undefined,
  gamma: tf.Tensor1D | undefined,
  eps: number,
  G: number,
): T {
  if (G === 1) return tf.batchNorm(x, mean as tf.Tensor1D, variance as tf.Tensor1D, beta, gamma, eps) as T;
  return tf.tidy(() => {
    const C = x.shape[x.rank - 1];
    const x3 = tf.reshape(x, [G, x.size / C / G, C]);
    const s = [G, 1, C];
    return tf.reshape(
      tf.batchNorm(x3, tf.reshape(mean, s), tf.reshape(variance, s), beta, gamma, eps),
      x.shape,
    ) as T;
  });
}

/** The closed-form backward with tfjs ops (backends other than wasm/cpu), per group. */
function opsBackward(
  dy: tf.Tensor,
  x: tf.Tensor,
  mean: tf.Tensor,
  variance: tf.Tensor,
  gamma: tf.Tensor1D | null,
  eps: number,
  G: number,
): tf.Tensor[] {
  return tf.tidy(() => {
    const C = x.shape[x.rank - 1];
    const M = x.size / C / G;
    const s3 = [G, M, C], s1 = [G, 1, C];
    const x3 = tf.reshape(x, s3), dy3 = tf.reshape(dy, s3);
    const r = tf.rsqrt(tf.add(tf.reshape(variance, s1), eps));
    const xhat = tf.mul(tf.sub(x3, tf.reshape(mean, s1)), r);
    const dbeta = tf.sum(dy3, [1], true);
    const dgamma = tf.sum(tf.mul(dy3, xhat), [1], true);
    const scale = tf.div(gamma ? tf.mul(gamma, r) : r, M);
    const dx = tf.mul(scale, tf.sub(tf.sub(tf.mul(dy3, M), dbeta), tf.mul(xhat, dgamma)));
    return [
      tf.reshape(dx, x.shape),
      tf.reshape(tf.sum(dgamma, [0, 1]), [C]),
      tf.reshape(tf.sum(dbeta, [0, 1]), [C]),
    ];
  });
}
