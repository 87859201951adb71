/**
 * Shared by the native-backend tests: whether oneDNN 2.x loads here (the tests are reported
 * as ignored, with the package to install in their name, where it does not) and a relative
 * max-error helper.
 */
import { loadDnnl } from "../../core/native/dnnl.ts";
import { initBackend } from "../../core/backend.ts";

const lib = loadDnnl();

/** True when the native backend cannot run here (no oneDNN 2.x, or no --allow-ffi). */
export const NO_DNNL = !lib.available;

/** Appended to test names: why a native test is ignored. */
export const NEEDS_DNNL = NO_DNNL
  ? ` [ignored: ${lib.available ? "" : lib.reason.split(";")[0]}; apt install libdnnl2]`
  : "";

/** max|a − b| / max|b| (0 for two empty arrays). */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let scale = 0, diff = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]));
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
  }
  return scale > 0 ? diff / scale : diff;
}

/**
 * The backends the suite's own kernels serve, each with its start: cpu, wasm and, where
 * oneDNN loads, native on the wasm heap (1 thread) and in host memory (2 threads).
 */
export const HOST_TEST_BACKENDS: ReadonlyArray<{ name: string; init: () => Promise<unknown> }> = [
  { name: "cpu", init: () => initBackend("cpu") },
  { name: "wasm", init: () => initBackend("wasm") },
  ...(NO_DNNL ? [] : [
    { name: "native heap", init: () => initBackend("native", { memory: "heap", threads: 1 }) },
    { name: "native host", init: () => initBackend("native", { memory: "host", threads: 2 }) },
  ]),
];
