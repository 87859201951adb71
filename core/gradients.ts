/**
 * Makes tfjs able to differentiate. `@tensorflow/tfjs-core`'s main bundle registers no
 * gradient functions (its per-file ES modules, which do, use extensionless imports that Deno
 * cannot load), so the suite loads them from the `@tensorflow/tfjs` bundle, which registers
 * every core gradient into the shared registry on import. It also registers a WebGL backend,
 * which cannot run under Deno; it is removed so that tfjs never tries it. Finally the wasm
 * gradient kernels of {@link registerWasmGradients} are added.
 *
 * Import this module (the backend module does) before any `tf.grad`/`tf.grads` call.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs";
import { registerWasmGradients } from "./wasm_grads.ts";

if (tf.findBackendFactory("webgl")) tf.removeBackend("webgl");
registerWasmGradients();

/** True when tfjs has a gradient for `kernelName` (e.g. "Conv2D"). */
export function hasGradient(kernelName: string): boolean {
  return tf.getGradient(kernelName) !== undefined;
}

/** The part of tfjs-core's engine state that decides whether ops are recorded for gradients. */
interface TapeState {
  kernelDepth: number;
}

/**
 * `fn()` with nothing it runs recorded on the gradient tape: its results are constants to
 * any enclosing `tf.grad`/`tf.variableGrads`, and no op inside saves tensors for a backward
 * that will never come (a BatchNorm's running statistics, a stable max). tfjs itself stops
 * recording this way while a kernel or a custom gradient's forward runs (the engine records
 * only at kernel depth 0), so this costs no kernel call, unlike a `tf.customGrad` wrapper.
 */
export function untaped<T>(fn: () => T): T {
  const state = (tf.engine() as unknown as { state: TapeState }).state;
  state.kernelDepth++;
  try {
    return fn();
  } finally {
    state.kernelDepth--;
  }
}
