/**
 * The test-vector runner on the shared vectors (cpu and wasm), and its failure modes: a
 * wrong expected value, an unknown loss, and the CLI's lines and exit code.
 */
import assert from "node:assert/strict";
import { initBackend } from "../../core/backend.ts";
import { checkVector, runVectors } from "../../methods/vectors.ts";

const DIR = new URL("../../../shared/vectors/", import.meta.url).pathname;

for (const backend of ["cpu", "wasm"] as const) {
  Deno.test(`all shared vectors pass on ${backend}`, async () => {
    await initBackend(backend);
    const s = await runVectors(DIR);
    assert.equal(s.results.length, 17);
    for (const r of s.results) assert.ok(r.pass, `${r.file}: ${r.message ?? r.worst}`);
    assert.equal(s.passed, 17);
    assert.equal(s.failed, 0);
    await initBackend("cpu");
  });
}

Deno.test("a perturbed expected value or gradient fails; an unknown loss fails", async () => {
  await initBackend("cpu");
  const v = JSON.parse(await Deno.readTextFile(`${DIR}/amcl_ntxent__0.json`));
  assert.ok(checkVector("ok.json", v).pass);
  const badLoss = structuredClone(v);
  badLoss.expected.loss += 1e-3 * Math.max(1, Math.abs(v.expected.loss));
  const r1 = checkVector("bad_loss.json", badLoss);
  assert.equal(r1.pass, false);
  assert.equal(r1.worstAt, "loss");
  const badGrad = structuredClone(v);
  badGrad.expected.grads["phi.b1"][3] += 0.01;
  const r2 = checkVector("bad_grad.json", badGrad);
  assert.equal(r2.pass, false);
  assert.equal(r2.worstAt, "phi.b1");
  const unknown = { ...structuredClone(v), loss: "amcl_nope" };
  const r3 = checkVector("unknown.json", unknown);
  assert.equal(r3.pass, false);
  assert.match(r3.message!, /unknown loss "amcl_nope"/);
});

Deno.test("CLI: one line per file, a summary line, exit 1 on failure", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const v = JSON.parse(await Deno.readTextFile(`${DIR}/ntxent__0.json`));
    await Deno.writeTextFile(`${dir}/a.json`, JSON.stringify(v));
    await Deno.writeTextFile(`${dir}/b.json`, JSON.stringify({ ...v, loss: "nope" }));
    const root = new URL("../../", import.meta.url).pathname;
    const run = async (d: string) => {
      const out = await new Deno.Command(Deno.execPath(), {
        args: ["run", "--allow-read", "--allow-env", "methods/vectors_main.ts", d],
        cwd: root,
        stdout: "piped",
        stderr: "piped",
      }).output();
      return { code: out.code, lines: new TextDecoder().decode(out.stdout).trim().split("\n") };
    };
    const bad = await run(dir);
    assert.equal(bad.code, 1);
    assert.equal(bad.lines.length, 3);
    assert.match(bad.lines[0], /^PASS a\.json/);
    assert.match(bad.lines[1], /^FAIL b\.json .*unknown loss "nope"/);
    assert.equal(bad.lines[2], "1 passed, 1 failed");
    await Deno.remove(`${dir}/b.json`);
    const good = await run(dir);
    assert.equal(good.code, 0);
    assert.equal(good.lines.at(-1), "1 passed, 0 failed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
