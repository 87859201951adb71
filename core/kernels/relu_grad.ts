/**
 * The gradient of `Relu` as one kernel, `AmclReluGrad`: dx = dy where x > 0, else dy·0
 * (±0, or NaN for a non-finite dy), NaN where x is NaN — bit for bit what tfjs' own gradient,
 * `dy · cast(step(x))`, gives, in one pass instead of a `Step` pass and a `Multiply` pass
 * over every activation of the backward pass (at ResNet-18 ×1/4, b128: ≈ 8% of a step's
 * kernel time on the native tier).
 *
 * {@link registerReluGrad} registers the kernel on cpu and the native tier (a loop over the
 * arrays; the native tier runs large ones in oneDNN, `core/native/kernels.ts`) and points the
 * `Relu` gradient at it wherever it is registered; other backends (wasm, webgpu, tensorflow)
 * keep tfjs' formula.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { KernelArgs } from "./replace.ts";
import { Host, HOST_BACKENDS, type HostBackend } from "./host.ts";

/** The kernel's name: inputs `dy`, `x` (same shape, float32); output dx. */
export const RELU_GRAD = "AmclReluGrad";

/** dx[i] = x[i] > 0 ? dy[i] : (x[i] is NaN ? NaN : dy[i]·0), over `n` values. */
export function reluGradInto(dy: Float32Array, x: Float32Array, dx: Float32Array): void {
  const n = dx.length;
  for (let i = 0; i < n; i++) {
    const v = x[i];
    dx[i] = v > 0 ? dy[i] : v !== v ? NaN : dy[i] * 0;
  }
}

function kernel(name: HostBackend) {
  return (args: KernelArgs): tf.TensorInfo => {
    const { dy, x } = args.inputs as { dy: tf.TensorInfo; x: tf.TensorInfo };
    const h = new Host(name, args.backend);
    const out = h.alloc([...x.shape]);
    const [dyv, xv] = h.floatInputs(dy, x);
    reluGradInto(dyv, xv, h.views(out)[0]);
    return out;
  };
}

/** Whether {@link RELU_GRAD} takes these tensors on the active backend. */
function fused(dy: tf.Tensor, x: tf.Tensor): boolean {
  return dy.dtype === "float32" && x.dtype === "float32" &&
    tf.util.arraysEqual(dy.shape, x.shape) && tf.getKernel(RELU_GRAD, tf.getBackend()) !== undefined;
}

let registered = false;

/**
 * Registers {@link RELU_GRAD} on the host backends and the `Relu` gradient that uses it
 * (idempotent). The gradient keeps tfjs' formula where the kernel is absent.
 */
export function registerReluGrad(): void {
  if (registered) return;
  registered = true;
  // Not on wasm: a JS loop over wasm-heap views runs ≈ 6 ns an element there (the heap is a
  // growable buffer), slower than tfjs-wasm's SIMD Step and Multiply together (a ResNet-18 ×1/8
  // step went 490 → 700 ms). The native tier's heap runs it in oneDNN from 4,096 elements.
  for (const b of HOST_BACKENDS.filter((b) => b !== "wasm")) {
    tf.registerKernel({
      kernelName: RELU_GRAD,
      backendName: b,
      kernelFunc: kernel(b) as unknown as tf.KernelFunc,
    });
  }
  tf.registerGradient({
    kernelName: "Relu",
    inputsToSave: ["x"],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const g = dy as tf.Tensor, [x] = saved;
      return {
        x: () =>
          fused(g, x)
            ? tf.engine().runKernel(RELU_GRAD, { dy: g, x }) as tf.Tensor
            : tf.mul(g, tf.cast(tf.step(x), "float32")),
      };
    },
  });
}
