import assert from "node:assert/strict";
import { renderReport } from "../../reports/report.ts";
import { launch } from "./cdp.ts";
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
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(browser.errors, [], `console errors: ${browser.errors.join("; ")}`);
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
});
