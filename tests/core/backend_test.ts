/** Backend start-up: names, assertion of the backend in use, auto choice, env and doctor. */
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs-core";
import { activeBackend, initBackend, parseBackendName, probeBackend } from "../../core/backend.ts";
import { captureEnv } from "../../core/env.ts";
import { gitCommit } from "../../core/git_commit.ts";
import { formatDoctor, runDoctor } from "../../core/doctor.ts";
import { UserError } from "../../core/errors.ts";

Deno.test("an unknown backend name is a UserError naming the choices", async () => {
  await assert.rejects(() => initBackend("tpu"), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /unknown backend "tpu".*auto\|tensorflow\|webgpu\|native\|wasm\|cpu/);
    return true;
  });
  assert.throws(() => parseBackendName("gpu"), UserError);
});

Deno.test("wasm and cpu start, are asserted in use, and tensors can be moved between them", async () => {
  const w = await initBackend("wasm");
  assert.equal(w.name, "wasm");
  assert.equal(tf.getBackend(), "wasm");
  assert.equal(activeBackend(), "wasm");
  assert.match(w.device, /wasm simd/);
  const t = tf.tensor1d([1, 2, 3]);
  const c = await initBackend("cpu");
  assert.equal(c.name, "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.deepEqual(Array.from(tf.mul(t, 2).dataSync()), [2, 4, 6]); // moved from wasm on use
  t.dispose();
});

Deno.test("tensorflow's absence is a one-line UserError saying how to install it", async () => {
  const probe = await probeBackend("tensorflow");
  if (probe.available) return; // a machine with tfjs-node installed: nothing to check
  assert.match(probe.reason ?? "", /tfjs-node.*deno add npm:@tensorflow\/tfjs-node-gpu/);
  await assert.rejects(() => initBackend("tensorflow"), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.ok(!e.message.includes("\n"));
    return true;
  });
});

Deno.test("auto picks a measured, available backend and never a slower software GPU", async () => {
  const info = await initBackend("auto");
  assert.ok(info.measured && Object.keys(info.measured).length > 0, "auto measured nothing");
  assert.equal(tf.getBackend(), info.name);
  const times = info.measured!;
  const best = Object.entries(times).sort((a, b) => a[1] - b[1])[0][0];
  assert.equal(info.name, best);
  const again = await initBackend("auto");
  assert.deepEqual(again, info); // measured once per process
});

Deno.test("captureEnv fills every record field", async () => {
  const info = await initBackend("wasm");
  const env = captureEnv(info);
  assert.equal(env.backend, "wasm");
  assert.equal(env.tfjs, tf.version_core);
  assert.match(env.deno, /^deno \d+\.\d+/);
  assert.ok(env.cores >= 1);
  assert.match(env.commit, /^([0-9a-f]{40}|unknown)$/);
  assert.equal(gitCommit(new URL("file:///nonexistent/")), "unknown");
});

Deno.test("the doctor reports wasm available with a passing gradient check", async () => {
  const r = await runDoctor();
  const wasm = r.backends.find((b) => b.name === "wasm");
  assert.ok(wasm?.available);
  assert.ok(wasm.gradCheck?.pass, `wasm gradient check: ${JSON.stringify(wasm.gradCheck)}`);
  assert.ok(wasm.gradCheck.maxRelError < 1e-4);
  // native: oneDNN's file, version, instruction set and threads, and a passing check for each
  // tensor home (wasm heap, host memory); or, once, why not.
  const natives = r.backends.filter((b) => b.name === "native");
  if (natives[0].available) {
    assert.equal(r.backends.length, 6);
    natives.forEach((native, i) => {
      assert.match(
        native.device!,
        new RegExp(
          `oneDNN 2\\.\\d+\\.\\d+ \\S*libdnnl\\S*, \\w+, \\w+ \\d+ threads?, idle threads [^;]+; ${
            i === 0 ? "wasm heap" : "host memory"
          }`,
        ),
      );
      assert.ok(native.gradCheck?.pass, `native gradient check: ${JSON.stringify(native.gradCheck)}`);
    });
  } else {
    assert.equal(r.backends.length, 5);
    assert.match(natives[0].reason!, /apt install libdnnl2/);
  }
  for (const b of r.backends) assert.ok(b.available || (b.reason && b.reason.length > 10));
  assert.match(formatDoctor(r), /wasm\s+yes/);
});
