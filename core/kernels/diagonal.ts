/**
 * The diagonal of square matrices as one op: `diagonal(x)` maps [..., D, D] to [..., D],
 * and its gradient puts dy on the diagonal of zeros. Written with tfjs ops it is
 * `sum(x ⊙ I, −1)` — a full multiply and a full reduction forward, and a broadcast and a
 * multiply backward, over all D² entries to read D of them (Barlow Twins' [2048, 2048]
 * cross-correlation and temperature maps, per head and step). On the host backends
 * (core/kernels/host.ts) it is a strided read forward and a zero-fill backward; elsewhere
 * it stays `sum(x ⊙ I, −1)` (same values: adding exact zeros).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { KernelArgs } from "./replace.ts";
import { Host, type HostBackend, registerHostKernels } from "./host.ts";

/** Kernel: x [..., D, D] → its diagonals [..., D]. */
export const DIAGONAL = "AmclDiagonal";
/** Kernel: dy [..., D] → [..., D, D], dy on the diagonals, zero elsewhere. */
export const DIAGONAL_GRAD = "AmclDiagonalGrad";

function forwardKernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const D = x.shape[x.shape.length - 1];
    const h = new Host(name, args.backend);
    const out = h.alloc(x.shape.slice(0, -1));
    const [xv] = h.floatInputs(x);
    const [ov] = h.views(out);
    const n = ov.length / D;
    for (let m = 0; m < n; m++) {
      const base = m * D * D;
      for (let i = 0; i < D; i++) ov[m * D + i] = xv[base + i * (D + 1)];
    }
    return out;
  };
}

function gradKernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { dy } = args.inputs as { dy: tf.TensorInfo };
    const D = dy.shape[dy.shape.length - 1];
    const h = new Host(name, args.backend);
    const out = h.alloc([...dy.shape, D]);
    const [dyv] = h.floatInputs(dy);
    const [ov] = h.views(out);
    ov.fill(0);
    const n = dyv.length / D;
    for (let m = 0; m < n; m++) {
      const base = m * D * D;
      for (let i = 0; i < D; i++) ov[base + i * (D + 1)] = dyv[m * D + i];
    }
    return out;
  };
}

let registered = false;

/** Registers {@link DIAGONAL} and {@link DIAGONAL_GRAD} on the host backends (idempotent). */
export function registerDiagonal(): void {
  if (registered) return;
  registered = true;
  registerHostKernels({ [DIAGONAL]: forwardKernel, [DIAGONAL_GRAD]: gradKernel });
}

function onHost(x: tf.Tensor): boolean {
  return x.dtype === "float32" && tf.getKernel(DIAGONAL, tf.getBackend()) !== undefined;
}

/** The diagonals [..., D] of square matrices x [..., D, D], differentiable. */
export function diagonal(x: tf.Tensor): tf.Tensor {
  registerDiagonal();
  const D = x.shape[x.rank - 1];
  if (x.rank < 2 || x.shape[x.rank - 2] !== D) {
    throw new Error(`diagonal: expected square matrices [..., D, D], got [${x.shape}]`);
  }
  if (!onHost(x)) return tf.tidy(() => tf.sum(tf.mul(x, tf.eye(D)), -1));
  const op = tf.customGrad((...args: unknown[]) => ({
    value: tf.engine().runKernel(DIAGONAL, { x: args[0] as tf.Tensor }) as tf.Tensor,
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) =>
      tf.engine().runKernel(DIAGONAL_GRAD, { dy: dy as tf.Tensor }) as tf.Tensor,
  }));
  return op(x);
}
