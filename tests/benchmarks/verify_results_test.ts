/**
 * `bench --verify`: committed results (`results/NAME/`) are checked against the configuration
 * this code plans; a folder whose request, cells or records differ is named as not current,
 * with the code version that made it.
 */
import assert from "node:assert/strict";
import { registryCatalog } from "../../benchmarks/registry_catalog.ts";
import { verifyResults } from "../../benchmarks/verify_results.ts";
import type { Manifest } from "../../benchmarks/store.ts";
import { UserError } from "../../core/errors.ts";
import { committedResults } from "../reports/committed_results.ts";

const cat = registryCatalog();
const NOW = "9.9.9+ffffffffffff";

async function copyRun(from: string): Promise<string> {
  const to = await Deno.makeTempDir({ prefix: "amcl-verify-" });
  await Deno.mkdir(`${to}/cells`);
  await Deno.copyFile(`${from}/manifest.json`, `${to}/manifest.json`);
  for (const e of Deno.readDirSync(`${from}/cells`)) {
    if (e.isFile) await Deno.copyFile(`${from}/cells/${e.name}`, `${to}/cells/${e.name}`);
  }
  return to;
}

async function editManifest(dir: string, f: (m: Manifest) => void): Promise<Manifest> {
  const m = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`)) as Manifest;
  f(m);
  await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify(m));
  return m;
}

for (const dir of committedResults()) {
  const name = dir.replace(/^.*\//, "");
  Deno.test(`results/${name}: its records were made by the current configuration`, async () => {
    const v = await verifyResults(dir, cat, NOW);
    assert.ok(
      v.current,
      `${v.line}\nthe defaults or presets changed since results/${name} was made: rerun its sweep ` +
        `(manifest.json's request) into results/${name} and commit it`,
    );
    assert.match(v.line, /made by the current configuration/);
  });
}

Deno.test("--verify names the code that made records of another configuration", async () => {
  const smoke = committedResults().find((d) => d.endsWith("/smoke"));
  assert.ok(smoke, "results/smoke is committed");
  // The request changed: the stored cells are not what it plans now.
  const a = await copyRun(smoke);
  try {
    const m = await editManifest(a, (m) => {
      m.request = { ...m.request!, sets: ["epochs=2", "knnEpochs=2"] };
    });
    const v = await verifyResults(a, cat, NOW);
    assert.equal(v.current, false);
    assert.equal(v.madeBy, m.codeVersion);
    assert.equal(v.removed.length, m.cells.length);
    assert.match(
      v.line,
      /not the current configuration: preset smoke \(cpu, --set epochs=2 --set knnEpochs=2\)/,
    );
    assert.ok(v.line.includes(`made by code ${m.codeVersion} (this is ${NOW})`), v.line);
  } finally {
    await Deno.remove(a, { recursive: true });
  }
  // A record of another sweep sits in the folder.
  const b = await copyRun(smoke);
  try {
    const first = [...Deno.readDirSync(`${b}/cells`)].find((e) => e.name.endsWith(".json"))!.name;
    await Deno.copyFile(`${b}/cells/${first}`, `${b}/cells/0123456789abcdef.json`);
    const v = await verifyResults(b, cat, NOW);
    assert.equal(v.current, false);
    assert.deepEqual(v.strays, ["0123456789abcdef"]);
    assert.match(v.line, /1 stored records belong to neither/);
  } finally {
    await Deno.remove(b, { recursive: true });
  }
  // An older manifest without its request is re-planned from its preset and scale.
  const c = await copyRun(smoke);
  try {
    await editManifest(c, (m) => delete m.request);
    assert.equal((await verifyResults(c, cat, NOW)).current, true);
  } finally {
    await Deno.remove(c, { recursive: true });
  }
});

Deno.test("--verify without a manifest is one clear error", async () => {
  const d = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => verifyResults(d, cat, NOW),
      (e: unknown) => e instanceof UserError && /has no manifest\.json/.test(e.message),
    );
  } finally {
    await Deno.remove(d, { recursive: true });
  }
});
