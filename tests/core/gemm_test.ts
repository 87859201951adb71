/**
 * The packed SIMD matrix product of core/kernels/gemm.ts (used by wasm matMul with an output
 * width that is a multiple of 8, and by kNN's reused feature bank) against the cpu backend's
 * tf.matMul: ragged row counts, several widths, transposed and batched right-hand sides.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { matMulPacked, packRhs } from "../../core/kernels/gemm.ts";

const rng = new Rng(77);

function rand(shape: number[]): { data: Float32Array; shape: number[] } {
  return { data: rng.normals(shape.reduce((a, b) => a * b, 1)), shape };
}

async function product(
  backend: "cpu" | "wasm",
  a: { data: Float32Array; shape: number[] },
  b: { data: Float32Array; shape: number[] },
  transposeB: boolean,
): Promise<Float32Array> {
  await initBackend(backend);
  const ta = tf.tensor(a.data, a.shape);
  const tb = tf.tensor(b.data, b.shape);
  const y = tf.matMul(ta, tb, false, transposeB);
  const out = (await y.data()) as Float32Array;
  tf.dispose([ta, tb, y]);
  return out;
}

function assertClose(got: Float32Array, want: Float32Array, what: string): void {
  assert.equal(got.length, want.length, what);
  let scale = 1e-8;
  let diff = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]));
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
  }
  assert.ok(diff <= 1e-5 * scale, `${what}: max |Δ| ${diff} (scale ${scale})`);
}

Deno.test("wasm matMul through the packed kernel equals cpu (ragged M, N = 8/16/24, transposed and batched b)", async () => {
  const cases = [
    { a: [13, 20], b: [20, 8], t: false },
    { a: [37, 64], b: [64, 16], t: false },
    { a: [5, 3], b: [3, 24], t: false },
    { a: [29, 40], b: [24, 40], t: true },
    { a: [3, 11, 12], b: [3, 12, 16], t: false },
    { a: [2, 9, 10], b: [2, 8, 10], t: true },
  ];
  for (const c of cases) {
    const a = rand(c.a);
    const b = rand(c.b);
    const want = await product("cpu", a, b, c.t);
    const got = await product("wasm", a, b, c.t);
    assertClose(got, want, `a ${c.a} × b ${c.b}${c.t ? "ᵀ" : ""}`);
  }
});

Deno.test("a packed right-hand side reused across query batches equals tf.matMul on cpu", async () => {
  const bank = rand([40, 32]); // 40 rows of features: products are queries · bankᵀ
  const queries = [rand([7, 32]), rand([16, 32])];
  const wants: Float32Array[] = [];
  for (const q of queries) wants.push(await product("cpu", q, bank, true));
  await initBackend("wasm");
  const before = tf.memory().numTensors;
  const rows = tf.tensor2d(bank.data, [40, 32]);
  const packed = packRhs(rows);
  assert.ok(packed, "packRhs must pack on wasm");
  for (let i = 0; i < queries.length; i++) {
    const q = tf.tensor2d(queries[i].data, queries[i].shape as [number, number]);
    const y = matMulPacked(q, packed);
    assertClose((await y.data()) as Float32Array, wants[i], `query batch ${i}`);
    tf.dispose([q, y]);
  }
  rows.dispose();
  packed.panels.dispose();
  assert.ok(tf.memory().numTensors <= before, "no tensors left behind");
});
