/**
 * One SGD-with-momentum update of one parameter as a single kernel, `AmclSgdStep`: the six
 * element-wise ops of the update (weight decay, momentum, Nesterov, step) in one pass
 * instead of six kernels with three scalar uploads each — per parameter of the model, every
 * step (≈ 600 kernel calls a ResNet-18 step, more with AMCL's heads). Each intermediate is
 * rounded to float32 as the op-by-op form rounds it, so the result is bit for bit the same
 * (`methods/optim.ts` keeps the op form where the kernel is not registered).
 *
 * Inputs `p`, `g` and `buf` (the momentum buffer; any tensor when momentum is 0), float32 of
 * one shape; attrs {@link SgdStepAttrs}; outputs [p′, buf′] (buf′ = the new buffer, or d when
 * momentum is 0).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { KernelArgs } from "./replace.ts";
import { Host, type HostBackend, registerHostKernels } from "./host.ts";

/** The kernel's name. */
export const SGD_STEP = "AmclSgdStep";

/**
 * Parameters of this many values or more keep the op-by-op update: there a JS loop (≈ 3.7 ns
 * a value over a wasm heap) loses to the backends' SIMD or oneDNN passes (24.8 M values in 56
 * tensors: 92 ms fused against 63 ms op by op on wasm, 81 on native); below it the six kernel
 * calls per parameter cost more than the values.
 */
export const SGD_FUSED_MAX = 65536;

/** The update's constants (PyTorch's SGD; the rate already scaled by the group). */
export interface SgdStepAttrs {
  lr: number;
  /** Weight decay added to the gradient (0: none, and no add). */
  weightDecay: number;
  /** Momentum μ (0: no buffer). */
  momentum: number;
  nesterov: boolean;
}

const fr = Math.fround;

/**
 * d = g + p·wd (wd > 0), b = μ·buf + d (μ > 0, else d), u = nesterov ? d + μ·b : b,
 * p′ = p − lr·u; every product and sum rounded to float32, the constants too.
 */
export function sgdStepInto(
  p: Float32Array,
  g: Float32Array,
  buf: Float32Array,
  a: SgdStepAttrs,
  pOut: Float32Array,
  bufOut: Float32Array,
): void {
  const wd = fr(a.weightDecay), mu = fr(a.momentum), lr = fr(a.lr);
  const decay = a.weightDecay > 0, momentum = a.momentum > 0, nesterov = a.nesterov;
  const n = pOut.length;
  for (let i = 0; i < n; i++) {
    const pi = p[i];
    const d = decay ? fr(g[i] + fr(pi * wd)) : g[i];
    const b = momentum ? fr(fr(buf[i] * mu) + d) : d;
    const u = nesterov ? fr(d + fr(b * mu)) : b;
    pOut[i] = fr(pi - fr(u * lr));
    bufOut[i] = b;
  }
}

function kernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo[] => {
    const { p, g, buf } = args.inputs as Record<string, tf.TensorInfo>;
    const h = new Host(name, args.backend);
    const pOut = h.alloc([...p.shape]), bufOut = h.alloc([...p.shape]);
    const [pv, gv, bv] = h.floatInputs(p, g, buf);
    const [po, bo] = h.views(pOut, bufOut);
    sgdStepInto(pv, gv, bv, args.attrs as unknown as SgdStepAttrs, po, bo);
    return [pOut, bufOut];
  };
}

let registered = false;

/** Registers {@link SGD_STEP} on the host backends (idempotent). */
export function registerSgdStep(): void {
  if (registered) return;
  registered = true;
  registerHostKernels({ [SGD_STEP]: kernel });
}

/**
 * p′ and buf′ of one SGD step with {@link SGD_STEP}, or null where the active backend has no
 * such kernel, p has {@link SGD_FUSED_MAX} values or more, or a tensor is not float32 of p's
 * shape (the caller uses tfjs ops then, with the same results).
 */
export function sgdStep(
  p: tf.Tensor,
  g: tf.Tensor,
  buf: tf.Tensor,
  attrs: SgdStepAttrs,
): [tf.Tensor, tf.Tensor] | null {
  registerSgdStep();
  if (p.size >= SGD_FUSED_MAX) return null;
  const ok = [p, g, buf].every((t) => t.dtype === "float32" && tf.util.arraysEqual(t.shape, p.shape));
  if (!ok || !tf.getKernel(SGD_STEP, tf.getBackend())) return null;
  return tf.engine().runKernel(SGD_STEP, { p, g, buf }, attrs as unknown as tf.NamedAttrMap) as unknown as [
    tf.Tensor,
    tf.Tensor,
  ];
}
