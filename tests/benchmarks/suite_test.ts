import assert from "node:assert/strict";
import { registryCatalog } from "../../benchmarks/registry_catalog.ts";
import { builtinPreset } from "../../benchmarks/presets/mod.ts";
import { validatePreset } from "../../benchmarks/preset.ts";
import { planSweep, sweepManifest } from "../../benchmarks/sweep.ts";
import { runBench } from "../../benchmarks/bench.ts";
import { UserError } from "../../core/errors.ts";

const cat = registryCatalog();

Deno.test("paper-cpu: every table and figure preset is a member, shared cells run once", async () => {
  const sweep = await planSweep({ preset: "paper-cpu", scale: "cpu", sets: [] }, cat);
  const members = sweep.members!;
  assert.deepEqual(
    members.map((m) => m.preset),
    ["t3", "t4", "t5", "t6", "t7", "t8", "t9", "f1", "f3", "f4", "f5", "f6", "f7", "f8", "f9"],
  );
  const artefacts = new Set(members.flatMap((m) => m.artefacts));
  for (
    const id of ["T3", "T4", "T5", "T6", "T7", "T8", "T9", "F1", "F3", "F4", "F5", "F6", "F7", "F8", "F9"]
  ) {
    assert.ok(artefacts.has(id), `${id} is regenerated`);
  }
  const ids = new Set(sweep.cells.map((c) => c.id));
  assert.equal(ids.size, sweep.cells.length, "each distinct cell once");
  const memberCells = members.reduce((n, m) => n + m.cells.length, 0);
  assert.ok(sweep.cells.length < memberCells, `${sweep.cells.length} distinct of ${memberCells}`);
  for (const m of members) {
    assert.ok(m.cells.length > 0, m.preset);
    assert.ok(m.cells.every((id) => ids.has(id)), `${m.preset}'s cells are in the sweep`);
  }
  // The SimCLR baseline of T3 (seed 0) is the same cell in F3, F8, T8 and T5's middle probe.
  const byId = new Map(sweep.cells.map((c) => [c.id, c.config]));
  const of = (p: string) => members.find((m) => m.preset === p)!.cells;
  const shared = of("t3").find((id) => {
    const c = byId.get(id)!;
    return c.method === "simclr" && c.variant === "baseline" && c.seed === 0;
  })!;
  for (const p of ["f3", "f8", "t8", "t5", "t6", "f6", "f7"]) {
    if (p === "t6") continue; // T6 is AMCL only
    assert.ok(of(p).includes(shared), `${p} shares T3's SimCLR baseline`);
  }
  // Paired tests read ≥ 3 seeds wherever they run.
  for (const p of ["t3", "t4", "t5", "t6", "t7", "t9", "f5", "f6", "f7"]) {
    const seeds = new Set(of(p).map((id) => byId.get(id)!.seed));
    assert.ok(seeds.size >= 3, `${p}: ${seeds.size} seeds`);
  }
  // ViT cells are sized down: ViT-tiny/small, 8-pixel patches, 2 blocks, at most 3 epochs.
  const vit = sweep.cells.filter((c) => c.config.backbone.startsWith("vit"));
  assert.ok(vit.length > 0);
  for (const { config: c } of vit) {
    assert.ok(["vit-tiny", "vit-small"].includes(c.backbone), c.backbone);
    assert.equal(c.extra.vitPatch, 8);
    assert.equal(c.extra.vitDepth, 2);
    assert.ok(c.epochs <= 3);
  }
  assert.ok(sweep.cells.every((c) => c.config.scale === "cpu"));
  const resnets = sweep.cells.filter((c) => c.config.backbone.startsWith("resnet"));
  assert.ok(resnets.every((c) => c.config.width >= 1 / 16), "ResNets take widths from 1/16");
  // The manifest records each member's cells and the request, for the report and --verify.
  const manifest = sweepManifest(sweep, "0.0.0+test");
  assert.deepEqual(manifest.members?.map((m) => m.cells), members.map((m) => m.cells));
  assert.deepEqual(manifest.request, { preset: "paper-cpu", scale: "cpu", sets: [] });
});

Deno.test("paper-cpu: --set and --seeds reach every member; another scale is refused", async () => {
  const s = await planSweep({
    preset: "paper-cpu",
    scale: "cpu",
    sets: ["epochs=1", "knnEpochs=1"],
    seeds: "1",
  }, cat);
  assert.ok(s.cells.every((c) => c.config.epochs === 1 && c.config.seed === 0));
  await assert.rejects(
    () => planSweep({ preset: "paper-cpu", scale: "paper", sets: [] }, cat),
    (e: unknown) =>
      e instanceof UserError && /sized for --scale cpu/.test(e.message) && /t3, t4/.test(e.message),
  );
});

Deno.test("suite presets: bad members are one-line errors naming the key", () => {
  const base = builtinPreset("paper-cpu")!;
  const bad: Array<[unknown, RegExp]> = [
    [{ name: "s", members: [{ preset: "nope" }] }, /members\[0\]\.preset: "nope" is not a built-in preset/],
    [{ name: "s", members: [{ preset: "paper-cpu" }] }, /is a suite/],
    [{ name: "s", members: [{ preset: "t4" }, { preset: "t4" }] }, /"t4" is named twice/],
    [{ name: "s", members: [{ preset: "t4", fixed: { epochs: 0 } }] }, /members\[0\]\.fixed\.epochs/],
    [{ name: "s", members: [{ preset: "t4", wat: 1 }] }, /members\[0\]: unknown key "wat"/],
    [{ name: "s", grid: { epochs: [1] }, members: [{ preset: "t4" }] }, /takes no "grid"/],
    [{ name: "s", members: [] }, /non-empty list/],
    [{ name: "s", scale: "cpu" }, /"scale" belongs to a suite/],
  ];
  for (const [raw, re] of bad) {
    assert.throws(
      () => validatePreset(raw, "s.json", cat),
      (e: unknown) => e instanceof UserError && re.test(e.message),
    );
  }
  assert.ok(validatePreset(base, "paper-cpu", cat).members!.length > 0);
});

Deno.test("--dry-run prints the cells per member and the distinct total, and writes nothing", async () => {
  const dir = await Deno.makeTempDir();
  const file = `${dir}/suite.json`;
  await Deno.writeTextFile(
    file,
    JSON.stringify({
      name: "mini",
      fixed: { method: "simclr", epochs: 2 },
      seeds: [0, 1],
      members: [
        { preset: "t4", grid: { augs: ["a", "ab"] } },
        { preset: "f1", grid: { augs: ["a", "abc"] } },
      ],
    }),
  );
  const lines: string[] = [];
  const code = await runBench({
    preset: file,
    scale: "cpu",
    backend: "cpu",
    out: `${dir}/out`,
    sets: [],
    force: false,
    quiet: false,
    emitOpts: [],
    report: false,
    dryRun: true,
    executor: () => Promise.reject(new Error("a dry run runs nothing")),
    catalog: cat,
    log: (l) => lines.push(l),
  });
  assert.equal(code, 0);
  // t4: 2 augs × 2 variants × 2 seeds = 8; f1 adds only its "abc" cells (4); "a" is shared.
  assert.match(lines[0], /^preset mini \(cpu\): 2 member presets, 16 member cells, 12 distinct/);
  assert.match(lines[1], /^ {2}t4 +T4 +8 cells, +8 new$/);
  assert.match(lines[2], /^ {2}f1 +F1 +8 cells, +4 new$/);
  assert.ok(lines.includes(`${dir}/out: nothing stored yet, 12 cells to run`), lines.join("\n"));
  assert.equal(lines.at(-1), "dry run: nothing was run or written");
  const left = [...Deno.readDirSync(dir)].map((e) => e.name);
  assert.deepEqual(left, ["suite.json"], "no output folder was made");
});
