/**
 * Bad input to the losses: one clear UserError naming the expected and the actual value.
 */
import * as tf from "@tensorflow/tfjs-core";
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { UserError } from "../../core/errors.ts";
import { Rng } from "../../core/random.ts";
import {
  amclBarlow,
  amclMoco,
  amclNtxent,
  amclSimsiam,
  barlow,
  moco,
  ntxent,
} from "../../methods/losses/mod.ts";
import { randn, randPhi } from "./losses_testutil.ts";

await initBackend("cpu");

const rng = new Rng(31);
const z = randn(rng, [4, 2, 6]);
const phi = randPhi(rng, 6, 8);

function userError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: Error) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes("\n"), "one line");
    return true;
  });
}

Deno.test("shape mismatches name both shapes", () => {
  const other = randn(rng, [4, 2, 5]);
  userError(
    () => ntxent(z, other, { heads: 2, temperature: 0.5 }),
    /z2 has shape \[4,2,5\] but z1 has \[4,2,6\]/,
  );
  userError(
    () => amclNtxent(z, randn(rng, [3, 2, 6]), phi, { heads: 2, beta: 0, topk: 1 }),
    /\[3,2,6\].*\[4,2,6\]/,
  );
  userError(() => ntxent(randn(rng, [4, 6]), randn(rng, [4, 6]), { heads: 1, temperature: 0.5 }), /rank 3/);
  userError(
    () => moco(z, z, randn(rng, [2, 5, 8]), { heads: 2, temperature: 0.1 }),
    /queue has shape \[2,5,8\]; expected \[2, 6, K\]/,
  );
});

Deno.test("C in the inputs ≠ configured heads", () => {
  userError(() => amclNtxent(z, z, phi, { heads: 3, beta: 0, topk: 1 }), /z1 has 2 heads .* but heads = 3/);
  userError(() => barlow(z, z, { heads: 1, lambda: 0.005 }), /has 2 heads .* heads = 1/);
  userError(() => ntxent(z, z, { heads: 0, temperature: 0.5 }), /heads = 0; expected a positive integer/);
});

Deno.test("κ < 1 and bad option values", () => {
  userError(
    () => amclNtxent(z, z, phi, { heads: 2, beta: 0, topk: 0 }),
    /topk \(κ\) = 0; expected an integer ≥ 1/,
  );
  userError(() => amclNtxent(z, z, phi, { heads: 2, beta: 0, topk: 1.5 }), /topk \(κ\) = 1.5/);
  userError(() => amclNtxent(z, z, phi, { heads: 2, beta: 0 }), /topk \(κ\) = undefined/);
  userError(() => amclMoco(z, z, randn(rng, [2, 6, 5]), phi, { heads: 2, beta: 0, topk: -1 }), /topk/);
  userError(() => amclNtxent(z, z, phi, { heads: 2, beta: -1, topk: 1 }), /beta = -1/);
  userError(() => amclNtxent(z, z, phi, { heads: 2, beta: 0, topk: 1, negReg: "x" as never }), /negReg/);
  userError(() => ntxent(z, z, { heads: 2, temperature: 0 }), /temperature = 0/);
});

Deno.test("tauMin ≥ tauMax", () => {
  userError(
    () => amclNtxent(z, z, phi, { heads: 2, beta: 0, topk: 1, tauMin: 1, tauMax: 0.5 }),
    /tauMin = 1 must be < tauMax = 0.5/,
  );
  userError(
    () => amclSimsiam(z, z, z, z, phi, { heads: 2, beta: 0, tauMin: 3 }),
    /tauMin = 3 must be < tauMax = 2/,
  );
});

Deno.test("AMCL Barlow Twins rejects a batch of the wrong size", () => {
  const bphi = randPhi(rng, 6, 8);
  userError(
    () => amclBarlow(z, z, bphi, { heads: 2, lambda: 0.005, beta: 0, batchSize: 6 }),
    /batch size 4 ≠ configured batchSize 6/,
  );
  // φ for the wrong batch size, even with a matching batchSize.
  userError(
    () => amclBarlow(z, z, bphi, { heads: 2, lambda: 0.005, beta: 0, batchSize: 4 }),
    /expected w1 \[4, h\]/,
  );
});

Deno.test("φ missing or of the wrong width", () => {
  userError(() => amclNtxent(z, z, null, { heads: 2, beta: 0, topk: 1 }), /need φ/);
  userError(
    () => amclNtxent(z, z, randPhi(rng, 5, 8), { heads: 2, beta: 0, topk: 1 }),
    /φ has w1 \[5,8\].*expected w1 \[6, h\]/,
  );
  // Constant τ on both sides needs no φ.
  const out = amclNtxent(z, z, null, { heads: 2, beta: 0, topk: 1, tau: 0.5 });
  assert.ok(Number.isFinite(out.loss.dataSync()[0]));
  tf.dispose(out.loss);
});
