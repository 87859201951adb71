/**
 * Per-pixel image kernels on the backends whose tensors live in host memory (wasm, cpu):
 * a plain loop over the values, reading the input and writing the output in place, instead
 * of a chain of batch-wide tensor ops — which on wasm are slow for NHWC broadcasts over a
 * 3-wide channel axis and for per-image 3×3 products. GPU backends keep the tensor-op forms.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { Host, HOST_BACKENDS, type HostBackend } from "../core/kernels/host.ts";

/** What a host kernel computes: `dst` (same shape as the input, float32) from `src`. */
export type HostImageFn<A> = (
  src: Float32Array,
  dst: Float32Array,
  shape: readonly number[],
  attrs: A,
) => void;

const registered = new Set<string>();

/** True when the active backend keeps tensors in host memory (wasm, cpu). */
export function onHostBackend(): boolean {
  return (HOST_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/**
 * Runs `fn` as the kernel `name` (registered for wasm and cpu on first use) on `x`;
 * returns a new float32 tensor of x's shape. Call only when {@link onHostBackend}.
 */
export function runHostKernel<T extends tf.Tensor, A>(name: string, x: T, attrs: A, fn: HostImageFn<A>): T {
  if (!registered.has(name)) {
    registered.add(name);
    for (const backendName of HOST_BACKENDS) {
      tf.registerKernel({
        kernelName: name,
        backendName,
        kernelFunc: ((args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs: { a: A } }) => {
          const input = args.inputs.x as tf.TensorInfo;
          const h = new Host(backendName as HostBackend, args.backend);
          const out = h.alloc(input.shape, "float32");
          const [src, dst] = h.views(input, out);
          fn(src, dst, input.shape, args.attrs.a);
          return out;
        }) as unknown as tf.KernelFunc,
      });
    }
  }
  return tf.engine().runKernel(name, { x }, { a: attrs as unknown as tf.NamedAttrMap[string] }) as T;
}
