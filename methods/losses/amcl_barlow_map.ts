/**
 * The temperature-map term of AMCL Barlow Twins (spec amcl.md §5 "Barlow Twins", paper
 * Eq. 2.3) as one fused op where tensors are JS-readable (the host backends of
 * core/kernels/host.ts: cpu, wasm, native). Given the heads' cross-correlations C [H, D, D]
 * and the raw temperature logits r [Hr, D, D] (Hr = H, or 1 when every head reads head 1's
 * temperatures), τ = τmin + (τmax − τmin)·σ(−r) and
 *
 *     L = Σ_h [ Σ_l (1 − C_ll/τ_ll)² + λ Σ_{l≠m} C_lm²/τ_lm + β Σ_l Ω(τ_ll) − β Σ_{l≠m} Ω(τ_lm) ],
 *     Ω(τ) = (D/2)·log τ + 1/τ.
 *
 * Written with tfjs ops this is ≈ 12 passes over the [H, D, D] maps forward and ≈ 20
 * backward (each with its kernel call); here τ and log τ come from the backend's own
 * sigmoid and log (four passes), the sum from one JS pass, and the gradients of C and r
 * from one JS pass, in float64:
 *
 *     off-diagonal: ∂L/∂C = 2λC/τ,          ∂L/∂τ = −λC²/τ² − β·Ω′(τ)
 *     diagonal:     ∂L/∂C = −2(1 − C/τ)/τ,  ∂L/∂τ = 2(1 − C/τ)·C/τ² + β·Ω′(τ)
 *     Ω′(τ) = (D/2)/τ − 1/τ²,   ∂τ/∂r = −(τmax − τmin)·σ(−r)·(1 − σ(−r)).
 *
 * `amcl_barlow.ts` keeps the op-by-op form for the other backends and for a constant side;
 * a test holds the two together.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { KernelArgs } from "../../core/kernels/replace.ts";
import { Host, type HostBackend, registerHostKernels } from "../../core/kernels/host.ts";
import { boundSigmoid } from "./temperature.ts";

/** Kernel: (C, τ, log τ) → the scalar L. */
export const BARLOW_MAP = "AmclBarlowMap";
/** Kernel: (C, τ, σ(−r), dy) → [∂L/∂C·dy, ∂L/∂r·dy]. */
export const BARLOW_MAP_GRAD = "AmclBarlowMapGrad";

/** The constants of the term. */
export interface BarlowMapOptions {
  /** Off-diagonal weight λ. */
  lambda: number;
  /** Regulariser weight β (0: no Ω terms). */
  beta: number;
  tauMin: number;
  tauMax: number;
}

interface MapAttrs {
  lambda: number;
  beta: number;
  span: number;
}

/** [H, Hr, D] of C [H, D, D] and a temperature map [Hr, D, D]. */
function dims(cm: tf.TensorInfo, t: tf.TensorInfo): [number, number, number] {
  return [cm.shape[0], t.shape[0], cm.shape[2]];
}

// The loops below run one row of the maps per call: V8 optimises a small function called
// thousands of times within the first step, where one long loop ran unoptimised for several
// steps (the gradient kernel took 16 ms a step at first, 2.7 ms once optimised; B = 32, D = 512).

/** Σ_m λC²/τ − βΩ(τ) over row l of one head, with entry l as a diagonal one instead. */
function rowSum(
  c: Float32Array,
  t: Float32Array,
  lt: Float32Array,
  at: number,
  tAt: number,
  l: number,
  D: number,
  a: MapAttrs,
): number {
  const { lambda, beta } = a;
  const half = D / 2;
  let off = 0, om = 0;
  for (let m = 0; m < D; m++) {
    const ci = c[at + m], ti = t[tAt + m];
    off += (ci * ci) / ti;
    om += half * lt[tAt + m] + 1 / ti;
  }
  const cd = c[at + l], td = t[tAt + l];
  const q = 1 - cd / td;
  const omd = half * lt[tAt + l] + 1 / td;
  // Entry l swapped: − (λC²/τ − βΩ) + (1 − C/τ)² + βΩ.
  return lambda * off - (beta !== 0 ? beta * om : 0) + q * q + 2 * beta * omd - (lambda * cd * cd) / td;
}

/** ∂L/∂C and ∂L/∂r (times `up`) of row l of one head; ∂L/∂r added to `dr` when `add`. */
function rowGrad(
  c: Float32Array,
  t: Float32Array,
  s: Float32Array,
  dc: Float32Array,
  dr: Float32Array | Float64Array,
  at: number,
  tAt: number,
  l: number,
  D: number,
  a: MapAttrs,
  up: number,
  add: boolean,
): void {
  const { lambda, beta, span } = a;
  const half = D / 2;
  for (let m = 0; m < D; m++) {
    const ci = c[at + m], ti = t[tAt + m], si = s[tAt + m];
    const inv = 1 / ti;
    const dOmega = beta * (half * inv - inv * inv);
    let gc: number, gt: number;
    if (m === l) {
      const q = 1 - ci * inv;
      gc = -2 * q * inv;
      gt = 2 * q * ci * inv * inv + dOmega;
    } else {
      gc = 2 * lambda * ci * inv;
      gt = -lambda * ci * ci * inv * inv - dOmega;
    }
    dc[at + m] = gc * up;
    const gr = gt * -span * si * (1 - si) * up;
    if (add) dr[tAt + m] += gr;
    else dr[tAt + m] = gr;
  }
}

function forwardKernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { cm, tau, logTau } = args.inputs as Record<string, tf.TensorInfo>;
    const a = args.attrs as unknown as MapAttrs;
    const [H, Hr, D] = dims(cm, tau);
    const h = new Host(name, args.backend);
    const out = h.alloc([]);
    const [c, t, lt] = h.floatInputs(cm, tau, logTau);
    let sum = 0;
    for (let k = 0; k < H; k++) {
      const tHead = Hr === 1 ? 0 : k;
      for (let l = 0; l < D; l++) sum += rowSum(c, t, lt, (k * D + l) * D, (tHead * D + l) * D, l, D, a);
    }
    const [ov] = h.views(out);
    ov[0] = sum;
    return out;
  };
}

function gradKernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const { cm, tau, sig, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const a = args.attrs as unknown as MapAttrs;
    const [H, Hr, D] = dims(cm, tau);
    const h = new Host(name, args.backend);
    const dc = h.alloc([...cm.shape]), dr = h.alloc([...tau.shape]);
    const [c, t, s, g] = h.floatInputs(cm, tau, sig, dy);
    const [dcv, drv] = h.views(dc, dr);
    // Head 1's map read by every head: its gradient sums over them (in float64).
    const acc = Hr === 1 && H > 1 ? new Float64Array(D * D) : null;
    for (let k = 0; k < H; k++) {
      const tHead = Hr === 1 ? 0 : k;
      for (let l = 0; l < D; l++) {
        const at = (k * D + l) * D, tAt = (tHead * D + l) * D;
        rowGrad(c, t, s, dcv, acc ?? drv, at, tAt, l, D, a, g[0], acc !== null);
      }
    }
    if (acc) drv.set(acc);
    return [dc, dr];
  };
}

let registered = false;

/** Registers {@link BARLOW_MAP} and {@link BARLOW_MAP_GRAD} on the host backends (idempotent). */
export function registerBarlowMap(): void {
  if (registered) return;
  registered = true;
  registerHostKernels({ [BARLOW_MAP]: forwardKernel, [BARLOW_MAP_GRAD]: gradKernel });
}

/** Whether the fused term runs on the active backend (else the caller computes it op by op). */
export function barlowMapFused(): boolean {
  registerBarlowMap();
  return tf.getKernel(BARLOW_MAP, tf.getBackend()) !== undefined;
}

/**
 * The term L (see the module doc) of C [H, D, D] and logits r [H or 1, D, D], differentiable
 * in both, and τ [H or 1, D, D] (kept: the caller disposes it; no gradient flows through it).
 * Only where {@link barlowMapFused} holds.
 */
export function barlowMapTerm(
  cm: tf.Tensor3D,
  r: tf.Tensor3D,
  opts: BarlowMapOptions,
): { loss: tf.Scalar; tau: tf.Tensor3D } {
  registerBarlowMap();
  const attrs = { lambda: opts.lambda, beta: opts.beta, span: opts.tauMax - opts.tauMin };
  let tau: tf.Tensor3D | null = null;
  const op = tf.customGrad((...args: unknown[]) => {
    const [c, logits] = args as [tf.Tensor3D, tf.Tensor3D];
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const s = tf.sigmoid(tf.neg(logits));
    const t = boundSigmoid(s, opts.tauMin, opts.tauMax);
    tau = tf.keep(t);
    const value = tf.engine().runKernel(BARLOW_MAP, { cm: c, tau: t, logTau: tf.log(t) }, attrs) as tf.Scalar;
    save([c, t, s]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [cs, ts, ss] = saved;
        return tf.engine().runKernel(
          BARLOW_MAP_GRAD,
          { cm: cs, tau: ts, sig: ss, dy: dy as tf.Tensor },
          attrs,
        ) as [
          tf.Tensor,
          tf.Tensor,
        ];
      },
    };
  });
  const loss = op(cm, r) as tf.Scalar;
  return { loss, tau: tau! };
}
