/**
 * Committed results (`results/NAME/`: a real sweep's records, manifest and report) stay
 * renderable: each is re-rendered from its records into a temporary folder, and the result
 * must hold every table and figure the committed report holds, with the same tables. A
 * report change that breaks a committed report, or changes what it shows without the
 * report being re-rendered (`deno task report --in results/NAME`), fails here. Whether the
 * records are still what the code would make is `tests/benchmarks/verify_results_test.ts`.
 */
import assert from "node:assert/strict";
import { methodCardRows } from "../../methods/method_cards.ts";
import { methodMetaFromRegistry } from "../../reports/method_meta.ts";
import { renderReport } from "../../reports/report.ts";
import { committedResults, RESULTS } from "./committed_results.ts";

function files(dir: string): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.isFile).map((e) => e.name).sort();
}

Deno.test("there is at least one committed results folder to keep valid", () => {
  assert.ok(committedResults().length > 0, `no results/NAME/manifest.json under ${RESULTS}`);
});

for (const dir of committedResults()) {
  const name = dir.slice(RESULTS.length);
  Deno.test(`results/${name}: the committed report re-renders from its records, every table and figure alike`, async () => {
    const tmp = await Deno.makeTempDir({ prefix: `amcl-rerender-${name}-` });
    try {
      const s = await renderReport(dir, {
        methods: methodMetaFromRegistry(methodCardRows()),
        reportDir: tmp,
        log: () => {},
      });
      const fix = `re-render it (deno task report --in results/${name}) and commit the report`;
      assert.equal(s.missing, 0, `results/${name}: cells missing`);
      assert.equal(s.failed, 0, `results/${name}: failed cells`);
      // A run resumed with --force by newer code (same cell ids) holds records of several
      // commits: allowed, as long as the page says so; records of another configuration are not.
      const mixed = s.notes.filter((n) => n.startsWith("the run's records were made by"));
      assert.deepEqual(
        s.notes.filter((n) => !mixed.includes(n)),
        [],
        `results/${name}: its records are not one configuration`,
      );
      for (const note of mixed) {
        assert.ok(
          (await Deno.readTextFile(`${tmp}/index.html`)).includes(
            note.slice(note.indexOf("records were made by"), 60),
          ),
          "the page names the commits",
        );
      }
      const committed = files(`${dir}/report`);
      const rendered = new Set(files(tmp));
      // Bitmaps (and the smoke run's page) are not committed; everything committed must come back.
      const lost = committed.filter((f) => !rendered.has(f));
      assert.deepEqual(lost, [], `results/${name}: no longer rendered: ${lost.join(", ")}; ${fix}`);
      const extra = [...rendered].filter((f) =>
        !f.endsWith(".png") && f !== "index.html" && !committed.includes(f)
      );
      assert.deepEqual(
        extra,
        [],
        `results/${name}: new artefacts not committed: ${extra.join(", ")}; ${fix}`,
      );
      for (const f of committed.filter((f) => f.endsWith(".csv") || f.endsWith(".vl.json"))) {
        const was = await Deno.readTextFile(`${dir}/report/${f}`);
        const now = await Deno.readTextFile(`${tmp}/${f}`);
        assert.ok(was === now, `results/${name}/report/${f} differs from its re-rendering; ${fix}`);
      }
      assert.ok(s.figures > 0 && s.tables > 0, `results/${name}: ${s.figures} figures, ${s.tables} tables`);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  });
}
