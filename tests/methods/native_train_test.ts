/**
 * The native backend trains every method × variant like wasm: the first two steps' losses
 * (one full step — forward, backward, optimiser, BN/EMA/queue updates — and the loss after
 * it) of a tiny cell agree within 1e-3 relative. The same seed, backend and thread count
 * give bit-identical first five losses; 1 and 2 threads agree within 1e-3 relative (oneDNN
 * splits its sums by thread, so the float rounding differs). Ignored without oneDNN 2.x.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { buildMethod, listMethods, trainPlanFor } from "../../methods/registry.ts";
import { train } from "../../methods/train.ts";
import { cifarImages, fixedBatchData, tinyCell } from "./helpers.ts";
import { NEEDS_DNNL, NO_DNNL } from "../core/native_testutil.ts";
import { nativeKernelCounts, resetNativeKernelCounts } from "../../core/native/kernels.ts";

/** Relative tolerance between backends / thread counts on a loss. */
const TOL = 1e-3;

async function losses(
  backend: "wasm" | "native",
  method: string,
  variant: "baseline" | "amcl",
  steps: number,
  threads?: number,
  memory: "heap" | "host" = "heap",
) {
  await initBackend(backend, { ...(threads ? { threads } : {}), memory });
  const images = cifarImages(16, 16);
  const lgp = method === "lgp";
  const cell = tinyCell(method, variant, { epochs: 1, ...(variant === "amcl" ? { tauMin: 0.05 } : {}) }, {
    queueSize: 16,
    maeEpochs: lgp ? 1 : 0,
  });
  const model = buildMethod(cell, { size: 16, channels: 3 }, new Rng(cell.seed));
  const out: number[] = [];
  try {
    const res = await train(model, fixedBatchData(images, steps), {
      plan: trainPlanFor(cell),
      seed: 3,
      tauMin: cell.tauMin,
      maxStepsPerEpoch: steps,
      onStep: (s) => out.push(s.loss),
    });
    assert.equal(res.status, "done", res.error ?? "");
  } finally {
    model.dispose();
    images.dispose();
  }
  return out;
}

function close(a: number[], b: number[], what: string): void {
  assert.equal(a.length, b.length, what);
  a.forEach((v, i) => {
    const rel = Math.abs(v - b[i]) / Math.max(1e-6, Math.abs(b[i]));
    assert.ok(Number.isFinite(v) && rel < TOL, `${what}, step ${i + 1}: ${v} vs ${b[i]} (rel ${rel})`);
  });
}

for (const entry of NO_DNNL ? [{ method: "simclr", variant: "baseline" as const }] : listMethods()) {
  Deno.test(
    `native trains ${entry.method} ${entry.variant} like wasm, tensors on the heap and in host memory (first two losses)${NEEDS_DNNL}`,
    {
      ignore: NO_DNNL,
    },
    async () => {
      const wasm = await losses("wasm", entry.method, entry.variant, 2);
      resetNativeKernelCounts();
      const host = await losses("native", entry.method, entry.variant, 2, undefined, "host");
      assert.equal(tf.getBackend(), "native-host");
      close(host, wasm, `${entry.method} ${entry.variant} native (host memory) vs wasm`);
      resetNativeKernelCounts();
      const native = await losses("native", entry.method, entry.variant, 2);
      assert.ok(nativeKernelCounts().BatchMatMul.native > 0, "products ran in oneDNN");
      if (!["can", "lgp"].includes(entry.method)) {
        assert.ok(nativeKernelCounts().Conv2DBackpropFilter.native > 0);
      }
      close(native, wasm, `${entry.method} ${entry.variant} native vs wasm`);
    },
  );
}

Deno.test(
  `native: same seed and threads → identical first five losses; 1 vs 2 threads within ${TOL}${NEEDS_DNNL}`,
  {
    ignore: NO_DNNL,
  },
  async () => {
    const a = await losses("native", "simclr", "amcl", 5, 1);
    const b = await losses("native", "simclr", "amcl", 5, 1);
    assert.deepEqual(b, a, "1 thread, twice");
    const c = await losses("native", "simclr", "amcl", 5, 2);
    const d = await losses("native", "simclr", "amcl", 5, 2);
    assert.deepEqual(d, c, "2 threads, twice");
    close(c, a, "2 threads vs 1");
    await initBackend("native", { threads: 1 });
    assert.equal(tf.getBackend(), "native");
  },
);
