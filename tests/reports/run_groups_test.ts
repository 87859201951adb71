import assert from "node:assert/strict";
import type { CellRecord } from "../../benchmarks/record.ts";
import { buildArtefacts } from "../../reports/artefacts.ts";
import { runCompare } from "../../reports/compare_run.ts";
import { loadRun } from "../../reports/load.ts";
import { renderReport } from "../../reports/report.ts";
import { groupRun } from "../../reports/run_groups.ts";
import { fixtureGrid, fixtureMethods } from "./fixtures.ts";

const B = { variant: "baseline" as const };
const A = { variant: "amcl" as const };
const SEEDS = [0, 1, 2];

/** FIXTURE records of a T4-style grid (augs × variant × seeds) at `epochs`, made by `commit`. */
function t4Records(epochs: number, commit: string, preset = "t4"): CellRecord[] {
  return fixtureGrid(
    ["a", "abc"].flatMap((augs) => [{ ...B, augs, epochs }, { ...A, augs, epochs }]),
    SEEDS,
    {
      preset,
    },
  ).map((r) => ({ ...r, env: { ...r.env, commit } }));
}

async function writeRun(
  dir: string,
  records: CellRecord[],
  manifest: Record<string, unknown>,
): Promise<void> {
  await Deno.mkdir(`${dir}/cells`, { recursive: true });
  for (const r of records) await Deno.writeTextFile(`${dir}/cells/${r.id}.json`, JSON.stringify(r));
  await Deno.writeTextFile(`${dir}/manifest.json`, JSON.stringify({ schema: 1, ...manifest }));
}

/** The seeds column of a rendered table, per row (a table of mean ± std over n seeds). */
function seedCounts(csv: string): number[] {
  const [head, ...rows] = csv.trim().split("\n");
  const col = head.split(",").findIndex((h) => /^(n|seeds|runs|a_n)$/i.test(h.replace(/"/g, "")));
  assert.ok(col >= 0, `a seeds column in: ${head}`);
  return rows.map((r) => parseInt(r.split(",")[col], 10)); // "3/3" (paired seeds) or "3"
}

Deno.test("a folder holding records of two configurations: rendered, said so, never mixed in one table", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-two-configs-" });
  try {
    const mine = t4Records(4, "a".repeat(40));
    // The same preset at another size, left in the folder by an earlier sweep (--force reuse).
    const stale = t4Records(2, "b".repeat(40));
    await writeRun(dir, [...mine, ...stale], {
      preset: "t4",
      scale: "cpu",
      codeVersion: "0.1.0+aaaaaaaaaaaa",
      cells: mine.map((r) => r.id),
    });
    const run = await loadRun(dir);
    const g = groupRun(run, "0.1.0+cccccccccccc");
    assert.deepEqual(g.main.map((r) => r.id).sort(), mine.map((r) => r.id).sort());
    assert.deepEqual(g.groups.map((x) => [x.label, x.other, x.records.length]), [
      ["t4", false, mine.length],
      ["t4, another configuration", true, stale.length],
    ]);
    assert.equal(g.notes.length, 2, g.notes.join("\n"));
    assert.match(g.notes[0], /12 record\(s\) \(preset t4\) are not cells of this run's configuration/);
    assert.match(
      g.notes[1],
      /planned by code 0\.1\.0\+aaaaaaaaaaaa; this report is rendered by 0\.1\.0\+cccccccccccc/,
    );

    const s = await renderReport(dir, {
      methods: fixtureMethods(),
      log: () => {},
      codeVersion: "0.1.0+cccccccccccc",
    });
    assert.deepEqual(s.notes, g.notes);
    const files = [...Deno.readDirSync(s.reportDir)].map((e) => e.name);
    // Each configuration has its own T4, built from its own 3 seeds per row (6 if mixed).
    for (const name of ["T4__t4.csv", "T4__t4_another_configuration.csv"]) {
      assert.ok(files.includes(name), `${name} in ${files.join(" ")}`);
      const counts = seedCounts(await Deno.readTextFile(`${s.reportDir}/${name}`));
      assert.ok(counts.length > 0 && counts.every((n) => n === 3), `${name}: ${counts}`);
    }
    // The run-wide cost table reads the run's own cells only: per variant 2 augs × 3 seeds (12 if mixed).
    const t8 = seedCounts(await Deno.readTextFile(`${s.reportDir}/T8.csv`));
    assert.ok(t8.length > 0 && t8.every((n) => n === 6), `T8 runs: ${t8}`);
    const html = await Deno.readTextFile(s.index);
    assert.match(html, /class="warn provenance">Note: 12 record\(s\)/);
    assert.match(html, /class="warn provenance">Note: the run was planned by code 0\.1\.0\+aaaaaaaaaaaa/);
    assert.match(html, /<h2>Preset t4, another configuration <small>/);
    // compare reads the run's own configuration too, and says what it left out.
    const cmp = await runCompare(dir, { outDir: `${dir}/cmp` });
    assert.match(cmp.text, /Note: 12 record\(s\)/);
    const pairs = seedCounts(await Deno.readTextFile(`${dir}/cmp/compare.csv`));
    // One row per augmentation set of this run (4 if the 2-epoch cells were mixed in), 3 seeds each.
    assert.ok(pairs.length === 2 && pairs.every((n) => n === 3), `compare seeds: ${pairs}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("report CLI: a folder of another commit and configuration renders, with one line on stderr", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-other-commit-" });
  try {
    const mine = t4Records(4, "a".repeat(40));
    await writeRun(dir, [...mine, ...t4Records(2, "b".repeat(40))], {
      preset: "t4",
      scale: "cpu",
      codeVersion: "0.0.1+000000000000",
      cells: mine.map((r) => r.id),
    });
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "reports/report_main.ts", "--in", dir],
      cwd: new URL("../../", import.meta.url).pathname,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 0, stderr);
    assert.equal(stderr.split("\n").length, 1, stderr);
    assert.match(
      stderr,
      new RegExp(
        `^report: ${dir}: 12 record\\(s\\) .*another configuration.*; the run was planned by code 0\\.0\\.1\\+000000000000; this report is rendered by `,
      ),
    );
    assert.match(new TextDecoder().decode(out.stdout), /report: .*index\.html/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a suite's manifest: each member is built from its own cells and keeps only its artefacts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-suite-" });
  try {
    const recs = t4Records(4, "a".repeat(40), "paper-cpu");
    const augsA = recs.filter((r) => r.config.augs === "a").map((r) => r.id);
    await writeRun(dir, recs, {
      preset: "paper-cpu",
      scale: "cpu",
      cells: recs.map((r) => r.id),
      members: [
        { preset: "t4", artefacts: ["T4"], cells: recs.map((r) => r.id) },
        { preset: "f3", artefacts: ["F3"], cells: augsA },
      ],
    });
    const run = await loadRun(dir);
    const g = groupRun(run);
    assert.deepEqual(g.notes, []);
    assert.deepEqual(g.groups.map((x) => [x.preset, x.records.length]), [["t4", 12], ["f3", 6]]);
    const built = buildArtefacts(g.main, [], g.groups);
    const ids = built.presets.map((p) => [p.preset, p.artefacts.map((a) => a.id)]);
    // t4's records vary augs (so F1 would apply), but the member is named for T4 only.
    assert.deepEqual(ids, [["t4", ["T4 · t4"]], ["f3", ["F3 · f3"]]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
