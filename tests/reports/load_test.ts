import assert from "node:assert/strict";
import { UserError } from "../../core/errors.ts";
import { loadRun } from "../../reports/load.ts";
import { fixtureRecord } from "./fixtures.ts";

async function tmp(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "amcl-reports-" });
}

Deno.test("a results folder that does not exist is a clear error", async () => {
  await assert.rejects(() => loadRun("/nonexistent/amcl-run"), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /does not exist.*deno task bench/);
    return true;
  });
});

Deno.test("a folder without results is a clear error", async () => {
  const dir = await tmp();
  await assert.rejects(
    () => loadRun(dir),
    (e: unknown) => e instanceof UserError && /no results/.test(e.message),
  );
  await Deno.mkdir(`${dir}/cells`);
  await assert.rejects(
    () => loadRun(dir),
    (e: unknown) => e instanceof UserError && /no results/.test(e.message),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("records of another schema or broken JSON are refused by name", async () => {
  const dir = await tmp();
  await Deno.mkdir(`${dir}/cells`);
  const r = fixtureRecord({ variant: "amcl" }); // FIXTURE
  await Deno.writeTextFile(`${dir}/cells/old.json`, JSON.stringify({ ...r, schema: 0 }));
  await assert.rejects(() => loadRun(dir), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.match(e.message, /old\.json: record schema 0 .* reads schema 1/);
    return true;
  });
  await Deno.writeTextFile(`${dir}/cells/old.json`, "{ not json");
  await assert.rejects(
    () => loadRun(dir),
    (e: unknown) => e instanceof UserError && /not valid JSON/.test(e.message),
  );
  const { config: _c, ...noConfig } = r;
  await Deno.writeTextFile(`${dir}/cells/old.json`, JSON.stringify(noConfig));
  await assert.rejects(
    () => loadRun(dir),
    (e: unknown) => e instanceof UserError && /"config"/.test(e.message),
  );
  await Deno.remove(dir, { recursive: true });
});

Deno.test("a partial run loads what exists and lists the missing and failed cells", async () => {
  const dir = await tmp();
  await Deno.mkdir(`${dir}/cells`);
  const done = fixtureRecord({ variant: "baseline" }); // FIXTURE
  const failed = { ...fixtureRecord({ variant: "amcl" }), status: "failed", error: "NaN guard" }; // FIXTURE
  await Deno.writeTextFile(`${dir}/cells/${done.id}.json`, JSON.stringify(done));
  await Deno.writeTextFile(`${dir}/cells/${failed.id}.json`, JSON.stringify(failed));
  await Deno.writeTextFile(`${dir}/cells/x.json.tmp`, "partial write");
  await Deno.writeTextFile(
    `${dir}/manifest.json`,
    JSON.stringify({ preset: "quick", cells: [done.id, failed.id, { id: "gone", preset: "quick" }] }),
  );
  const run = await loadRun(dir);
  assert.equal(run.records.length, 1);
  assert.equal(run.failed.length, 1);
  assert.deepEqual(run.missing.map((m) => m.id), ["gone"]);
  assert.deepEqual(run.manifest?.presets, ["quick"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("report and compare CLIs turn bad input into one stderr line and exit 2", async () => {
  for (const main of ["report_main.ts", "compare_main.ts"]) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        new URL(`../../reports/${main}`, import.meta.url).pathname,
        "--in",
        "/nonexistent/run",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(out.stderr).trim();
    assert.equal(out.code, 2, err);
    assert.equal(err.split("\n").length, 1, err);
    assert.match(err, /^error: results folder "\/nonexistent\/run" does not exist/);
  }
});
