/**
 * Backend choice and start-up. (Minimal version: cpu and wasm; the foundation work adds
 * webgpu, tensorflow, auto and the wasm gradient kernels.)
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { UserError } from "./errors.ts";

/** Backend names accepted by `--backend`. */
export const BACKENDS = ["auto", "tensorflow", "webgpu", "wasm", "cpu"] as const;
/** A backend name. */
export type BackendName = typeof BACKENDS[number];

/** What was actually started. */
export interface BackendInfo {
  name: Exclude<BackendName, "auto">;
  device: string;
}

function wasmDir(): string {
  return new URL("../node_modules/@tensorflow/tfjs-backend-wasm/dist/", import.meta.url).href;
}

/** Starts `name` and asserts it is the backend in use. */
export async function initBackend(name: BackendName = "cpu"): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(name)) {
    throw new UserError(`unknown backend "${name}"; use one of ${BACKENDS.join(", ")}`);
  }
  const want = name === "auto" ? "wasm" : name;
  if (want === "wasm") setWasmPaths(wasmDir());
  const ok = await tf.setBackend(want);
  if (!ok || tf.getBackend() !== want) {
    throw new UserError(`backend ${want} could not start; run \`deno task doctor\` to see why`);
  }
  return { name: want as BackendInfo["name"], device: want === "wasm" ? "cpu (wasm simd)" : "cpu (js)" };
}
