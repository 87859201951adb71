import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import type { FeatureMatrix, Labelled } from "../../eval/features.ts";
import { knnEvaluate } from "../../eval/knn.ts";
import { knnPredict } from "../../eval/knn_classifier.ts";
import { labelledSplit } from "../../eval/split_input.ts";

await initBackend("cpu");

function set(rows: number[][], y: number[]): Labelled<FeatureMatrix> {
  return {
    x: { data: Float32Array.from(rows.flat()), n: rows.length, dim: rows[0].length },
    y: Int32Array.from(y),
  };
}

// Bank: three class-0 rows near the x axis, two class-1 rows near the y axis, and one
// class-2 row on the diagonal. Norms differ on purpose (cosine ignores them).
const bank = set(
  [[1, 0], [2, 0.1], [3, -0.1], [0, 1], [0.1, 5], [1, 1]],
  [0, 0, 0, 1, 1, 2],
);

Deno.test("kNN: a hand-made case with a known answer (k = 1 and weighted k = 3)", () => {
  // k = 1: the nearest row decides.
  const q = set([[5, 0.2], [0.2, 3], [2, 2.1]], [0, 1, 2]);
  const r1 = knnEvaluate(bank, q, { k: 1 });
  assert.equal(r1.top1, 1);
  assert.equal(r1.k, 1);
  // Query on the diagonal with k = 3: neighbours are the class-2 row (cos 1) and the two rows
  // nearest 45° from each class. Weights exp(cos/t) decide; compute the known answer by hand.
  const t = 0.1;
  const cos = (a: number[], b: number[]) => (a[0] * b[0] + a[1] * b[1]) / Math.hypot(...a) / Math.hypot(...b);
  const d = [1, 1];
  const rows = [[1, 0], [2, 0.1], [3, -0.1], [0, 1], [0.1, 5], [1, 1]];
  const labels = [0, 0, 0, 1, 1, 2];
  const sims = rows.map((r) => cos(d, r));
  const top3 = sims.map((s, i) => [s, i]).sort((a, b) => b[0] - a[0]).slice(0, 3);
  const score = [0, 0, 0];
  for (const [s, i] of top3) score[labels[i]] += Math.exp(s / t);
  const want = score.indexOf(Math.max(...score));
  const pred = knnPredict(bank, { data: Float32Array.from(d), n: 1, dim: 2 }, { k: 3, t }, 3);
  assert.equal(pred[0], want);
  // Full order of the three classes by summed weight.
  const order = [0, 1, 2].sort((a, b) => score[b] - score[a]);
  assert.deepEqual(Array.from(pred), order);
});

Deno.test("kNN: many weak votes can beat one strong vote; the temperature decides", () => {
  // Bank: one class-1 row at cos 1 with the query, five class-0 rows at cos 0.8.
  const b = set([[1, 0], ...Array.from({ length: 5 }, () => [0.8, 0.6])], [1, 0, 0, 0, 0, 0]);
  const q = set([[1, 0]], [0]);
  // t = 0.1: exp(10) = 22026 vs 5·exp(8) = 14905 → class 1 wins.
  assert.equal(knnEvaluate(b, q, { k: 6, t: 0.1 }).top1, 0);
  // t = 1: exp(1) = 2.7 vs 5·exp(0.8) = 11.1 → class 0 wins.
  assert.equal(knnEvaluate(b, q, { k: 6, t: 1 }).top1, 1);
});

Deno.test("kNN: batching does not change the answer; top-5 ≥ top-1", () => {
  const rows: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 60; i++) {
    const a = (i / 60) * 2 * Math.PI;
    rows.push([Math.cos(a), Math.sin(a), ((i * 7) % 5) / 10]);
    y.push(Math.floor(i / 10));
  }
  const all = set(rows, y);
  const q = set(rows.slice(0, 23).map((r) => [r[0] + 0.05, r[1] - 0.03, r[2]]), y.slice(0, 23));
  const a = knnEvaluate(all, q, { k: 7, batchSize: 4 });
  const b = knnEvaluate(all, q, { k: 7, batchSize: 1000 });
  assert.equal(a.top1, b.top1);
  assert.equal(a.top5, b.top5);
  assert.ok(a.top1 > 0.8 && a.top5 >= a.top1);
});

Deno.test("kNN: bad input gives clear UserErrors", () => {
  const q = set([[1, 0]], [0]);
  assert.throws(() => knnEvaluate(bank, q, { k: 7 }), (e: Error) => {
    return e instanceof UserError && /k = 7 is larger than the bank \(6 training rows\)/.test(e.message);
  });
  assert.throws(() => knnEvaluate(bank, q, { k: 0 }), UserError);
  assert.throws(() => knnEvaluate(bank, q, { k: 3, t: 0 }), /temperature/);
  const noLabels = { x: bank.x, y: new Int32Array(0) };
  assert.throws(() => knnEvaluate(noLabels, q, { k: 3 }), /has no labels/);
  const short = { x: bank.x, y: Int32Array.from([0, 1]) };
  assert.throws(() => knnEvaluate(short, q, { k: 3 }), /6 rows but 2 labels/);
  const unlabelled = { x: bank.x, y: Int32Array.from([0, 0, -1, 1, 1, 2]) };
  assert.throws(() => knnEvaluate(unlabelled, q, { k: 3 }), /label -1 at row 2/);
  const wrongDim = set([[1, 0, 0]], [0]);
  assert.throws(() => knnEvaluate(bank, wrongDim, { k: 3 }), /3 dims but the bank has 2/);
});

Deno.test("a split without labels is refused for labelled protocols; subset views are made contiguous", () => {
  const pixels = Uint8Array.from({ length: 4 * 2 * 2 * 1 }, (_, i) => i);
  const unlabelled = {
    name: "unlabeled",
    size: 4,
    shape: [2, 2, 1] as [number, number, number],
    pixels,
    records: Int32Array.from([0, 1, 2, 3]),
    labels: Int32Array.from([-1, -1, -1, -1]),
  };
  assert.throws(
    () => labelledSplit(unlabelled, "stl10"),
    (e: Error) => e instanceof UserError && /split "unlabeled" has 4 unlabelled images/.test(e.message),
  );
  const view = {
    ...unlabelled,
    name: "sub",
    size: 2,
    records: Int32Array.from([3, 1]),
    labels: Int32Array.from([1, 0]),
  };
  const l = labelledSplit(view, "x");
  assert.deepEqual(Array.from(l.x.data), [12, 13, 14, 15, 4, 5, 6, 7]);
  assert.equal(l.x.n, 2);
});
