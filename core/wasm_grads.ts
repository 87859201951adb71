/**
 * Registers the kernels that make conv nets train on the wasm backend, and the faster
 * replacements of slow shipped ones; the kernels themselves live in `core/kernels/`.
 *
 * tfjs-backend-wasm 4.22 ships no `Conv2DBackpropFilter`, no depthwise gradient kernels and no
 * `UnsortedSegmentSum` (the gradient of `gather`), and its `Conv2DBackpropInput` is slow.
 * {@link registerWasmGradients} registers:
 *
 * - `Conv2DBackpropInput` (kernels/conv_backprop_input.ts): sub-pixel decomposition into
 *   forward convs; the shipped kernel is its fallback.
 * - `Conv2DBackpropFilter` (kernels/conv_backprop_filter.ts): a SIMD kernel or dilated
 *   forward convs with the batch as channels; the cpu kernel is its fallback.
 * - `MaxPoolGrad` (kernels/max_pool_grad.ts): in JS, because the shipped one is wrong next to
 *   "same" padding when a window's values are all negative.
 * - Kernels missing on wasm that the suite may reach (`UnsortedSegmentSum`, depthwise
 *   gradients, `Einsum`): the cpu backend's kernel, with the data copied across
 *   (kernels/borrow_cpu.ts).
 * - `Conv2D` through a SIMD direct-convolution kernel where Cout % 8 == 0 (so stride-1 input
 *   gradients use it too; kernels/conv_forward.ts), faster copies (`Slice`, `Tile`; `Identity`
 *   and same-dtype `Cast` share memory; kernels/copy.ts), `BatchMatMul` with transpose flags
 *   via one blocked transpose (kernels/matmul.ts), the fused training batch-norm kernels
 *   (kernels/batch_norm.ts), the fused `Relu` gradient on every host backend
 *   (kernels/relu_grad.ts) and the kernels the losses lean on (kernels/loss_kernels.ts).
 *
 * Every path is tested against the cpu backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { AnyKernelFunc, KernelArgs } from "./kernels/replace.ts";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { registerCopyKernels } from "./kernels/copy.ts";
import { LOSS_KERNELS, registerLossKernels } from "./kernels/loss_kernels.ts";
import { registerBatchNormKernels } from "./kernels/batch_norm.ts";
import { registerReluGrad } from "./kernels/relu_grad.ts";
import { registerMatMulKernels } from "./kernels/matmul.ts";
import { registerConvKernels } from "./kernels/conv_forward.ts";
import { conv2dBackpropInput } from "./kernels/conv_backprop_input.ts";
import { conv2dBackpropFilter } from "./kernels/conv_backprop_filter.ts";
import { maxPoolGrad } from "./kernels/max_pool_grad.ts";
import { borrowFromCpu } from "./kernels/borrow_cpu.ts";

const BORROWED = [
  "UnsortedSegmentSum",
  "DepthwiseConv2dNativeBackpropFilter",
  "DepthwiseConv2dNativeBackpropInput",
  "Einsum",
] as const;

let registered = false;

/**
 * Registers the wasm gradient kernels described in the module doc. Idempotent; call it
 * before or after the wasm backend starts.
 */
export function registerWasmGradients(): void {
  if (registered) return;
  registered = true;
  registerCopyKernels();
  registerLossKernels();
  registerBatchNormKernels();
  registerReluGrad();
  registerMatMulKernels();
  registerConvKernels();
  const originalInput = tf.getKernel("Conv2DBackpropInput", "wasm");
  const inputFallback: AnyKernelFunc = originalInput
    ? originalInput.kernelFunc as unknown as AnyKernelFunc
    : borrowFromCpu("Conv2DBackpropInput");
  if (originalInput) tf.unregisterKernel("Conv2DBackpropInput", "wasm");
  tf.registerKernel({
    kernelName: "Conv2DBackpropInput",
    backendName: "wasm",
    setupFunc: originalInput?.setupFunc,
    kernelFunc: ((a: KernelArgs) => conv2dBackpropInput(a, inputFallback)) as unknown as tf.KernelFunc,
  });
  const filterFallback = borrowFromCpu("Conv2DBackpropFilter");
  if (tf.getKernel("Conv2DBackpropFilter", "wasm")) tf.unregisterKernel("Conv2DBackpropFilter", "wasm");
  tf.registerKernel({
    kernelName: "Conv2DBackpropFilter",
    backendName: "wasm",
    kernelFunc: ((a: KernelArgs) => conv2dBackpropFilter(a, filterFallback)) as unknown as tf.KernelFunc,
  });
  if (tf.getKernel("MaxPoolGrad", "wasm")) tf.unregisterKernel("MaxPoolGrad", "wasm");
  tf.registerKernel({
    kernelName: "MaxPoolGrad",
    backendName: "wasm",
    kernelFunc: maxPoolGrad as unknown as tf.KernelFunc,
  });
  for (const name of BORROWED) {
    if (tf.getKernel(name, "wasm")) continue;
    tf.registerKernel({
      kernelName: name,
      backendName: "wasm",
      kernelFunc: borrowFromCpu(name) as unknown as tf.KernelFunc,
    });
  }
}

/** The kernels {@link registerWasmGradients} adds or replaces on wasm (for the doctor). */
export const WASM_GRADIENT_KERNELS: readonly string[] = [
  "Conv2DBackpropInput",
  "Conv2DBackpropFilter",
  "MaxPoolGrad",
  "Slice",
  "Tile",
  "Identity",
  "Cast",
  "BatchMatMul",
  ...LOSS_KERNELS,
  ...BORROWED,
];
