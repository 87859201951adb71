/**
 * Top-κ as a gather (methods/losses/topk_take.ts): exactly κ valid picks per row also under
 * ties, the most similar first, and a gradient that lands on the picked positions only — on
 * the cpu and wasm backends.
 */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../../core/backend.ts";
import { Rng } from "../../core/random.ts";
import { takePositions, topkPositions } from "../../methods/losses/topk_take.ts";

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`topkPositions: κ distinct valid picks per row, best first, ties included (${backend})`, async () => {
    await initBackend(backend);
    const [m, n, k] = [6, 9, 4];
    // Rows 0–2 random; rows 3–5 all tied (the collapsed regime: every similarity equal).
    const rng = new Rng(5);
    const vals = rng.normals(m * n).map((v, i) => (i >= 3 * n ? 0.5 : v));
    const valid = Array.from({ length: m * n }, (_, i) => (i % n) !== (Math.floor(i / n) % n));
    const at = tf.tidy(() =>
      Array.from(
        topkPositions(tf.tensor2d(vals, [m, n]), tf.tensor2d(valid, [m, n], "bool"), k).dataSync(),
      )
    );
    assert.equal(at.length, m * k);
    for (let i = 0; i < m; i++) {
      const row = at.slice(i * k, (i + 1) * k);
      assert.equal(new Set(row).size, k, `row ${i}: picks must be distinct`);
      for (const p of row) {
        assert.equal(Math.floor(p / n), i, `row ${i}: pick ${p} outside its row`);
        assert.ok(valid[p], `row ${i}: pick ${p} is not a candidate`);
      }
      // Best first, and nothing left out beats the worst pick.
      for (let j = 1; j < k; j++) assert.ok(vals[row[j - 1]] >= vals[row[j]]);
      const worst = vals[row[k - 1]];
      for (let c = 0; c < n; c++) {
        const p = i * n + c;
        if (valid[p] && !row.includes(p)) assert.ok(vals[p] <= worst, `row ${i}: left out a better one`);
      }
    }
  });

  Deno.test(`takePositions: values at the picks, gradient scattered back to them only (${backend})`, async () => {
    await initBackend(backend);
    const [m, n, k] = [5, 7, 3];
    const rng = new Rng(8);
    const xv = rng.normals(m * n);
    const wv = rng.normals(m * k);
    const { picks, taken, grad } = tf.tidy(() => {
      const x = tf.tensor2d(xv, [m, n]);
      const at = topkPositions(x, null, k);
      const w = tf.tensor2d(wv, [m, k]);
      const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(takePositions(v as tf.Tensor2D, at, k), w)))(x);
      return {
        picks: Array.from(at.dataSync()),
        taken: Array.from(takePositions(x, at, k).dataSync()),
        grad: Array.from(g.dataSync()),
      };
    });
    const expected = new Array<number>(m * n).fill(0);
    picks.forEach((p, j) => {
      assert.equal(taken[j], Math.fround(xv[p]));
      expected[p] = Math.fround(wv[j]);
    });
    assert.deepEqual(grad, expected);
  });
}
