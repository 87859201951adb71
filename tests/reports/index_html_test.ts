import assert from "node:assert/strict";
import type { CellRecord } from "../../benchmarks/record.ts";
import { listMethods } from "../../methods/registry.ts";
import { methodMetaFromRegistry } from "../../reports/method_meta.ts";
import { renderReport } from "../../reports/report.ts";
import { type Browser, launch } from "./cdp.ts";
import { fixtureGrid, fixtureMethods } from "./fixtures.ts";

const EVIL_PRESET = `<img src=x onerror=alert(1)>"q'`;
const EVIL_DATASET = `</script><script>console.error("xss")</script>`;

/** A small FIXTURE run (synthetic records) with hostile strings in data, written to a temp folder. */
async function fixtureRun(): Promise<{ dir: string; figures: number; tables: number }> {
  const dir = await Deno.makeTempDir({ prefix: "amcl-report-html-" });
  await Deno.mkdir(`${dir}/cells`);
  const recs = [
    ...fixtureGrid([{ variant: "baseline" }, { variant: "amcl" }], [0, 1], { preset: "quick" }),
    ...fixtureGrid(
      [{ variant: "baseline", dataset: EVIL_DATASET }, {
        variant: "amcl",
        dataset: EVIL_DATASET,
        tauMin: 1e-3,
      }, {
        variant: "amcl",
        dataset: EVIL_DATASET,
        tauMin: 1e-5,
      }],
      [0, 1],
      { preset: EVIL_PRESET, collapsed: (c) => c.variant === "amcl" && c.tauMin === 1e-5 },
    ),
    ...fixtureGrid(
      [...[0.1, 0.5].map((tau) => ({ variant: "baseline" as const, tau, scale: "paper" as const })), {
        variant: "amcl" as const,
        scale: "paper" as const,
      }],
      [0, 1],
      { preset: "f6-paper" },
    ),
  ];
  for (const r of recs) await Deno.writeTextFile(`${dir}/cells/${r.id}.json`, JSON.stringify(r));
  await Deno.writeTextFile(
    `${dir}/manifest.json`,
    JSON.stringify({
      preset: "quick",
      cells: [...recs.map((r) => ({ id: r.id })), { id: "not-run-yet", preset: EVIL_PRESET }],
    }),
  );
  const s = await renderReport(dir, { methods: fixtureMethods(), log: () => {} });
  return { dir, figures: s.figures, tables: s.tables };
}

Deno.test("index.html: escaped data, embedded specs, missing cells listed", async () => {
  const { dir, figures } = await fixtureRun();
  const html = await Deno.readTextFile(`${dir}/report/index.html`);
  assert.ok(!html.includes("<img src=x"), "preset name is escaped");
  assert.ok(html.includes("&lt;img src=x onerror=alert(1)&gt;&quot;q&#39;"));
  assert.ok(!html.includes(`<script>console.error("xss")`), "dataset name is escaped");
  assert.equal((html.match(/<script type="application\/json" class="vl-spec"/g) ?? []).length, figures);
  assert.equal((html.match(/<svg[\s>]/g) ?? []).length >= figures, true);
  assert.ok(html.includes("not-run-yet"), "missing cell listed");
  assert.ok(html.includes('<span class="collapsed">⚠ collapsed'), "collapse mark styled");
  assert.ok(html.includes("<mark>"), "T2 highlights the regulariser");
  assert.ok(!/(src|href)="https?:/.test(html), "no network resources");
  const latex = fixtureMethods()[0].baseline.latex;
  assert.ok(
    html.includes('<annotation encoding="application/x-tex">'),
    "formulas are MathML with their source",
  );
  assert.ok(!html.includes(`<code>${latex}</code>`), "T1's formula is not shown as source code");
  assert.ok((await Deno.readTextFile(`${dir}/report/T1.csv`)).includes(latex), "T1.csv keeps the LaTeX");
  assert.ok(
    (await Deno.readTextFile(`${dir}/report/T1.md`)).includes("`" + latex + "`"),
    "T1.md keeps the LaTeX",
  );
  // The standalone T1.html/T2.html beside the report show the formulas as the page does.
  for (const id of ["T1", "T2"]) {
    const page = await Deno.readTextFile(`${dir}/report/${id}.html`);
    assert.match(page, /^<!doctype html>\n<html lang="en"><head><meta charset="utf-8">/, `${id}.html`);
    const maths = page.match(/<math [^>]*>/g) ?? [];
    assert.equal(maths.length, fixtureMethods().length, `${id}.html: one <math> per row`);
    assert.ok(page.includes('<annotation encoding="application/x-tex">'), `${id}.html keeps the source`);
  }
  assert.ok(!(await Deno.readTextFile(`${dir}/report/T1.html`)).includes(`<code>${latex}</code>`));
  assert.ok((await Deno.readTextFile(`${dir}/report/T2.html`)).includes("<mark>"), "T2.html marks Ω");
  await Deno.remove(dir, { recursive: true });
});

Deno.test("index.html loads in headless Chromium without console errors and shows every figure", async () => {
  const { dir, figures } = await fixtureRun();
  const browser = await launch();
  try {
    await browser.send("Runtime.enable");
    await browser.send("Log.enable");
    await browser.send("Page.enable");
    await browser.send("Emulation.setDeviceMetricsOverride", {
      width: 1400,
      height: 2400,
      deviceScaleFactor: 1,
      mobile: false,
    });
    const loaded = browser.once("Page.loadEventFired");
    await browser.send("Page.navigate", { url: `file://${dir}/report/index.html` });
    await loaded;
    const facts = await browser.evaluate<
      {
        figs: number;
        drawn: number;
        specsOk: string;
        specsBad: string;
        imgs: number;
        title: string;
        text: boolean;
      }
    >(`(() => {
      const figs = [...document.querySelectorAll('figure.fig')];
      const drawn = figs.filter((f) => {
        const svg = f.querySelector('div.svg > svg');
        if (!svg) return false;
        const r = svg.getBoundingClientRect();
        return r.width > 100 && r.height > 50 && svg.querySelectorAll('path,rect,line').length > 0;
      }).length;
      return { figs: figs.length, drawn, specsOk: document.body.getAttribute('data-specs-ok'),
        specsBad: document.body.getAttribute('data-specs-bad'), imgs: document.querySelectorAll('img').length,
        title: document.title, text: document.body.textContent.includes(${JSON.stringify(EVIL_PRESET)}) };
    })()`);
    assert.equal(facts.figs, figures, "one <figure> per rendered figure");
    assert.equal(facts.drawn, figures, "every figure shows a drawn SVG");
    assert.equal(facts.specsOk, String(figures));
    assert.equal(facts.specsBad, "0");
    assert.equal(facts.imgs, 0, "no element injected from data");
    assert.ok(facts.text, "the hostile preset name shows as text");
    const shot = await browser.send("Page.captureScreenshot", { format: "png" });
    const dirArt = new URL("../artifacts/", import.meta.url);
    await Deno.mkdir(dirArt, { recursive: true });
    const png = Uint8Array.from(atob(shot.data as string), (c) => c.charCodeAt(0));
    await Deno.writeFile(new URL("reports_index.png", dirArt), png);
    assert.ok(png.length > 10_000);
    await browser.settle();
    assert.deepEqual(browser.errors, [], `console errors: ${browser.errors.join("; ")}`);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** Opens a report page at a 1400 px wide window and waits for it to load. */
async function openPage(browser: Browser, path: string): Promise<void> {
  await browser.send("Runtime.enable");
  await browser.send("Page.enable");
  await browser.send("Emulation.setDeviceMetricsOverride", {
    width: 1400,
    height: 1000,
    deviceScaleFactor: 1,
    mobile: false,
  });
  const loaded = browser.once("Page.loadEventFired");
  await browser.send("Page.navigate", { url: `file://${path}` });
  await loaded;
}

Deno.test("index.html at 1400 px: no sideways page scroll, wide figures and tables scroll in their own box, T1/T2 formulas are MathML", async () => {
  const dir = await Deno.makeTempDir({ prefix: "amcl-report-wide-" });
  const browser = await launch();
  try {
    await Deno.mkdir(`${dir}/cells`);
    // τ histograms at six epochs, as the quick preset records them (1, 2, 3, 4, 6 and more):
    // F9 gets one column per epoch and is wider than the page.
    const widen = (r: CellRecord): CellRecord =>
      r.temperatures
        ? {
          ...r,
          temperatures: [1, 2, 3, 4, 5, 6].flatMap((epoch) =>
            r.temperatures!.filter((t) => t.epoch === 1).map((t) => ({ ...t, epoch }))
          ),
        }
        : r;
    const recs = fixtureGrid([{ variant: "baseline" }, { variant: "amcl" }], [0, 1], { preset: "quick" })
      .map(widen);
    for (const r of recs) await Deno.writeTextFile(`${dir}/cells/${r.id}.json`, JSON.stringify(r));
    const methods = methodMetaFromRegistry(listMethods());
    await renderReport(dir, { methods, log: () => {} });
    await openPage(browser, `${dir}/report/index.html`);
    const facts = await browser.evaluate<{
      pageWidth: number;
      viewWidth: number;
      scrolling: string[];
      maths: Array<{ w: number; h: number; source: string; fracsStacked: boolean; annotationShown: boolean }>;
    }>(`(() => {
      const de = document.documentElement;
      const scrolling = [...document.querySelectorAll('figure.fig, div.wide')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1)
        .map((e) => (e.closest('[data-artefact]') || e).getAttribute('data-artefact') || e.className);
      const maths = [...document.querySelectorAll('[data-artefact="T1"] math, [data-artefact="T2"] math')].map((m) => {
        const r = m.getBoundingClientRect();
        const fracs = [...m.querySelectorAll('mfrac')];
        const fracsStacked = fracs.length > 0 && fracs.every((f) =>
          f.children[0].getBoundingClientRect().bottom <= f.children[1].getBoundingClientRect().top + 1);
        const a = m.querySelector('annotation');
        const ar = a ? a.getBoundingClientRect() : { width: 0, height: 0 };
        return { w: r.width, h: r.height, source: a ? a.textContent : '', fracsStacked,
          annotationShown: ar.width > 0 && ar.height > 0 };
      });
      return { pageWidth: de.scrollWidth, viewWidth: de.clientWidth, scrolling, maths };
    })()`);
    assert.ok(
      facts.pageWidth <= facts.viewWidth,
      `the page scrolls sideways: ${facts.pageWidth} px content in a ${facts.viewWidth} px window`,
    );
    assert.ok(
      facts.scrolling.some((id) => id.startsWith("F9")),
      `F9 is wider than the page and scrolls in its own box (boxes that scroll: ${
        facts.scrolling.join(", ")
      })`,
    );
    assert.ok(facts.scrolling.includes("T2"), "T2's formulas are wider than the page and scroll in its box");
    assert.equal(facts.maths.length, 2 * methods.length, "one <math> per T1 and T2 row");
    const sources = [...methods.map((m) => m.baseline.latex), ...methods.map((m) => m.amcl.latex)];
    assert.deepEqual(facts.maths.map((m) => m.source), sources, "each formula carries its LaTeX source");
    for (const [i, m] of facts.maths.entries()) {
      assert.ok(m.w > 100 && m.h > 15, `formula ${i} has no size: ${m.w}×${m.h}`);
      assert.ok(!m.annotationShown, `formula ${i} shows its LaTeX source instead of mathematics`);
    }
    assert.ok(
      facts.maths.filter((m) => m.fracsStacked).length >= methods.length,
      "fractions are laid out as mathematics (numerator above denominator)",
    );
    // The standalone T1.html shows its formulas as mathematics too.
    await openPage(browser, `${dir}/report/T1.html`);
    const alone = await browser.evaluate<Array<{ w: number; h: number; annotationShown: boolean }>>(`(() =>
      [...document.querySelectorAll('math')].map((m) => {
        const r = m.getBoundingClientRect();
        const a = m.querySelector('annotation');
        const ar = a ? a.getBoundingClientRect() : { width: 0, height: 0 };
        return { w: r.width, h: r.height, annotationShown: ar.width > 0 && ar.height > 0 };
      }))()`);
    assert.equal(alone.length, methods.length, "T1.html: one <math> per row");
    for (const [i, m] of alone.entries()) {
      assert.ok(m.w > 100 && m.h > 15 && !m.annotationShown, `T1.html formula ${i}: ${JSON.stringify(m)}`);
    }
    assert.deepEqual(browser.errors, [], `console errors: ${browser.errors.join("; ")}`);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
