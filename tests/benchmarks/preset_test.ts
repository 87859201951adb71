import assert from "node:assert/strict";
import { UserError } from "../../core/errors.ts";
import { loadPreset, parseOverrides, parseSeeds, validatePreset } from "../../benchmarks/preset.ts";
import { expandGrid } from "../../benchmarks/grid.ts";
import { testCatalog as cat } from "./fixtures/test_catalog.ts";
import { tempDir, writePreset } from "./fixtures/helpers.ts";

function rejects(f: () => unknown, ...patterns: RegExp[]): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof UserError, `expected a UserError, got ${err}`);
  for (const p of patterns) assert.match((err as Error).message, p);
}

async function rejectsAsync(f: () => Promise<unknown>, ...patterns: RegExp[]): Promise<void> {
  await assert.rejects(f, (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${e}`);
    for (const p of patterns) assert.match((e as Error).message, p);
    return true;
  });
}

const good = {
  name: "mine",
  fixed: { epochs: 2, knnEpochs: [2] },
  grid: { method: ["simclr"], variant: ["baseline", "amcl"] },
  seeds: [0, 1],
  scales: { paper: { fixed: { epochs: 100, knnEpochs: [100] } } },
};

Deno.test("preset: a good preset expands to its grid at each scale", () => {
  const p = validatePreset(good, "mine.json", cat);
  const cpu = expandGrid(p, "cpu", { layer: {} }, cat);
  assert.equal(cpu.length, 4);
  assert.deepEqual(cpu.map((c) => [c.config.variant, c.config.seed]), [
    ["baseline", 0],
    ["baseline", 1],
    ["amcl", 0],
    ["amcl", 1],
  ]);
  assert.ok(cpu.every((c) => c.config.epochs === 2 && c.config.scale === "cpu"));
  assert.equal(cpu[2].config.heads, 3, "AMCL defaults to 3 heads");
  assert.equal(cpu[0].config.tauMode, "constant");
  const paper = expandGrid(p, "paper", { layer: {} }, cat);
  assert.ok(paper.every((c) => c.config.epochs === 100 && c.config.dataset === "cifar10"));
});

Deno.test("preset: --set overrides fixed and grid values; a comma list sweeps; --seeds replaces seeds", () => {
  const p = validatePreset(good, "mine.json", cat);
  const o = parseOverrides(["heads=1,2", "extra.maskRatio=0.75", "labelsPerClass=10,20"], cat, "3");
  const cells = expandGrid(p, "cpu", o, cat);
  assert.equal(cells.length, 2 * 2 * 3);
  assert.deepEqual([...new Set(cells.map((c) => c.config.heads))], [1, 2]);
  assert.deepEqual([...new Set(cells.map((c) => c.config.seed))], [0, 1, 2]);
  assert.ok(cells.every((c) => c.config.extra.maskRatio === 0.75));
  assert.ok(cells.every((c) => c.config.labelsPerClass.join() === "10,20"));
});

Deno.test("preset: cases form a union of sub-grids, duplicates appear once", () => {
  const p = validatePreset(
    {
      name: "cases",
      fixed: { method: "simclr" },
      cases: [{ variant: "baseline", tau: [0.1, 0.5] }, { variant: "amcl", heads: [1, 3] }, {
        variant: "amcl",
        heads: 3,
      }],
    },
    "cases.json",
    cat,
  );
  const cells = expandGrid(p, "cpu", { layer: {} }, cat);
  assert.deepEqual(cells.map((c) => `${c.config.variant}:${c.config.tau}:${c.config.heads}`), [
    "baseline:0.1:1",
    "baseline:0.5:1",
    "amcl:0.5:1",
    "amcl:0.5:3",
  ]);
});

Deno.test("preset: bad inputs are UserErrors naming the file, key path and allowed values", () => {
  rejects(() => validatePreset([], "a.json", cat), /preset a\.json/, /JSON object/);
  rejects(
    () => validatePreset({ name: "x", bogus: 1 }, "a.json", cat),
    /unknown key "bogus"/,
    /allowed: name/,
  );
  rejects(
    () => validatePreset({ name: "x", grid: { colour: [1] } }, "a.json", cat),
    /grid\.colour/,
    /unknown setting/,
    /allowed:.*tauMode/,
  );
  rejects(
    () => validatePreset({ name: "x", grid: { augs: ["a", "xyz"] } }, "a.json", cat),
    /a\.json: grid\.augs\[1\]/,
    /"xyz"/,
    /one of a, ab, abc, abcd, abcde, default/,
  );
  rejects(
    () => validatePreset({ name: "x", grid: { method: ["simclrr"] } }, "a.json", cat),
    /unknown method "simclrr"/,
    /simclr, moco/,
  );
  rejects(
    () => validatePreset({ name: "x", fixed: { heads: 0 } }, "a.json", cat),
    /fixed\.heads/,
    /integer ≥ 1/,
  );
  rejects(
    () => validatePreset({ name: "x", grid: { heads: 3 } }, "a.json", cat),
    /grid\.heads/,
    /list of values/,
  );
  rejects(() => validatePreset({ name: "x", seeds: [0, -1] }, "a.json", cat), /seeds/);
  rejects(
    () => validatePreset({ name: "x", scales: { gpu: {} } }, "a.json", cat),
    /scales\.gpu/,
    /cpu, paper/,
  );
  rejects(
    () => validatePreset({ name: "x", scales: { cpu: { grid: { tauMode: ["warm"] } } } }, "a.json", cat),
    /scales\.cpu\.grid\.tauMode\[0\]/,
    /adaptive, constant/,
  );
  rejects(
    () => validatePreset({ name: "x", cases: [{ seed: 1 }] }, "a.json", cat),
    /cases\[0\]\.seed/,
    /"seeds"/,
  );
  rejects(() => validatePreset({ name: "" }, "a.json", cat), /"name"/);
});

Deno.test("preset: configurations that cannot run are refused at expansion", () => {
  const tau = validatePreset({ name: "x", fixed: { variant: "amcl", tauMin: 3 } }, "a.json", cat);
  rejects(
    () => expandGrid(tau, "cpu", { layer: {} }, cat),
    /a\.json \(cpu\)/,
    /tauMin \(3\) must be below tauMax/,
  );
  const base = validatePreset(
    { name: "x", fixed: { variant: "baseline", tauMode: "adaptive" } },
    "a.json",
    cat,
  );
  rejects(() => expandGrid(base, "cpu", { layer: {} }, cat), /needs variant amcl/);
  const knn = validatePreset({ name: "x", fixed: { epochs: 2, knnEpochs: [5] } }, "a.json", cat);
  rejects(() => expandGrid(knn, "cpu", { layer: {} }, cat), /kNN epoch 5 is outside 1\.\.2/);
  const variantCat = {
    ...cat,
    variants: (m: string) => (m === "moco" ? ["baseline"] : ["baseline", "amcl"]),
  };
  const noAmcl = validatePreset(
    { name: "x", fixed: { method: "moco", variant: "amcl" } },
    "a.json",
    variantCat,
  );
  rejects(() => expandGrid(noAmcl, "cpu", { layer: {} }, variantCat), /moco has no variant "amcl"/);
});

Deno.test("preset: bad --set and --seeds values", () => {
  rejects(() => parseOverrides(["epochs"], cat), /--set epochs: expected key=value/);
  rejects(() => parseOverrides(["colour=red"], cat), /--set colour/, /unknown setting/);
  rejects(() => parseOverrides(["heads=two"], cat), /--set heads/, /integer ≥ 1/);
  rejects(() => parseOverrides(["negReg=maths"], cat), /one of code, paper/);
  rejects(() => parseOverrides(["scale=paper"], cat), /--scale/);
  rejects(() => parseSeeds("a,b", "--seeds"), /seed list/);
  rejects(() => parseSeeds("0", "--seeds"), /at least 1 seed/);
  assert.deepEqual(parseSeeds("3", "--seeds"), [0, 1, 2]);
  assert.deepEqual(parseSeeds("4,7-9", "--seeds"), [4, 7, 8, 9]);
});

Deno.test("preset: loading by name or file; unknown names list the built-ins; invalid JSON is clear", async () => {
  const dir = await tempDir("preset");
  try {
    await rejectsAsync(
      () => loadPreset("nonesuch", cat),
      /unknown preset "nonesuch"/,
      /quick, smoke, ref-cifar-subset/,
    );
    const bad = `${dir}/bad.json`;
    await Deno.writeTextFile(bad, '{"name": "x", "grid": {');
    await rejectsAsync(() => loadPreset(bad, cat), /bad\.json is not valid JSON/);
    await rejectsAsync(() => loadPreset(`${dir}/missing.json`, cat), /missing\.json not found/);
    const path = await writePreset(dir, good);
    const p = await loadPreset(path, cat);
    assert.equal(p.name, "mine");
    assert.equal(p.source, path);
    const wrong = await writePreset(dir, { name: "w", grid: { width: [-1] } }, "w.json");
    await rejectsAsync(() => loadPreset(wrong, cat), /w\.json: grid\.width\[0\]/, /number > 0/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
