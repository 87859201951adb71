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
