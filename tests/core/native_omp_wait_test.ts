/**
 * The native backend's OpenMP wait policy reaches the OpenMP runtime itself: a child process
 * loads oneDNN with libgomp's `OMP_DISPLAY_ENV=verbose`, and the runtime's own report says
 * idle workers do not spin (GOMP_SPINCOUNT 0) by default, while a user's OMP_WAIT_POLICY
 * is kept as given.
 */
import assert from "node:assert/strict";
import { NEEDS_DNNL, NO_DNNL } from "./native_testutil.ts";

const SCRIPT = new URL("../../core/native/dnnl.ts", import.meta.url).href;

async function runtimeReport(env: Record<string, string>): Promise<{ display: string; policy: string }> {
  const code = `import { loadDnnl, ompWaitPolicy } from "${SCRIPT}";
const d = loadDnnl(); if (!d.available) throw new Error(d.reason); console.log(ompWaitPolicy());`;
  const clean = { ...Deno.env.toObject() };
  for (const k of ["OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME"]) delete clean[k];
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--quiet", code],
    env: { ...clean, OMP_DISPLAY_ENV: "verbose", ...env },
    clearEnv: true,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, stderr);
  return { display: stderr, policy: new TextDecoder().decode(out.stdout).trim() };
}

Deno.test(`native: OpenMP workers sleep when idle unless the user's OMP_* says otherwise${NEEDS_DNNL}`, {
  ignore: NO_DNNL || Deno.build.os !== "linux",
}, async () => {
  const byDefault = await runtimeReport({});
  assert.match(byDefault.display, /OMP_WAIT_POLICY = 'PASSIVE'/);
  assert.match(byDefault.display, /GOMP_SPINCOUNT = '0'/);
  assert.equal(byDefault.policy, "OMP_WAIT_POLICY=passive (suite default)");
  const own = await runtimeReport({ OMP_WAIT_POLICY: "active" });
  assert.match(own.display, /OMP_WAIT_POLICY = 'ACTIVE'/);
  assert.doesNotMatch(own.display, /GOMP_SPINCOUNT = '0'/);
  assert.equal(own.policy, "OMP_WAIT_POLICY=active (from the environment)");
});
