/**
 * Kernels missing on wasm that the suite may reach (`UnsortedSegmentSum`, depthwise
 * gradients, `Einsum`), and the fallbacks of kernels the cpu backend has and wasm lacks: run
 * on the cpu backend's kernel, with the data copied across and the outputs copied back.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { type AnyKernelFunc, registeredKernel } from "./replace.ts";
import type { CpuBackend, WasmBackend } from "./wasm_backend.ts";

/** Runs the cpu backend's kernel `name` on copies of the inputs and returns wasm tensors. */
export function borrowFromCpu(name: string): AnyKernelFunc {
  return (args) => {
    const wasm = args.backend as WasmBackend;
    const cpu = tf.engine().findBackend("cpu") as unknown as CpuBackend | null;
    if (!cpu) throw new Error(`${name} on wasm needs the cpu backend, which did not start`);
    const inputs: tf.NamedTensorInfoMap = {};
    const made: object[] = [];
    for (const [k, t] of Object.entries(args.inputs)) {
      if (!t) continue;
      const dataId = cpu.write(wasm.readSync(t.dataId).slice(), t.shape, t.dtype);
      made.push(dataId);
      inputs[k] = { dataId, shape: t.shape, dtype: t.dtype };
    }
    try {
      const res = registeredKernel(name, "cpu")({ inputs, backend: cpu, attrs: args.attrs });
      const list = Array.isArray(res) ? res : [res];
      const outs = list.map((r) => {
        const vals = cpu.readSync(r.dataId);
        cpu.disposeData(r.dataId);
        return wasm.makeOutput(r.shape, r.dtype, undefined, vals);
      });
      return Array.isArray(res) ? outs : outs[0];
    } finally {
      for (const id of made) cpu.disposeData(id);
    }
  };
}
