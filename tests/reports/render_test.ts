import assert from "node:assert/strict";
import { buildArtefacts } from "../../reports/artefacts.ts";
import type { Artefact } from "../../reports/context.ts";
import type { Figure } from "../../reports/render.ts";
import { compileSpec, FONT_FAMILY, pngSize, renderSvg, svgSize, svgToPng } from "../../reports/render.ts";
import { UserError } from "../../core/errors.ts";
import { PNG } from "pngjs";
import { Buffer } from "node:buffer";
import { fixtureAllPresets, fixtureGrid, fixtureMethods } from "./fixtures.ts";

// FIXTURE records (synthetic, not results).
const built = buildArtefacts(fixtureAllPresets(), fixtureMethods());
const all: Artefact[] = [...built.global, ...built.presets.flatMap((p) => p.artefacts)];
const figures = all.filter((a): a is Figure => a.kind === "figure");

Deno.test("every table T1–T9 and figure F1–F9 is built from the fixture run", () => {
  const ids = new Set(all.map((a) => a.id.split(" · ")[0]));
  for (
    const id of [
      "T1",
      "T2",
      "T3",
      "T4",
      "T5",
      "T6",
      "T7",
      "T8",
      "T9",
      "F1",
      "F2",
      "F3",
      "F4",
      "F5",
      "F6",
      "F7",
      "F8",
      "F9",
    ]
  ) {
    assert.ok(ids.has(id), `missing ${id}; have ${[...ids].join(" ")}`);
  }
});

Deno.test("every Vega-Lite spec compiles", () => {
  for (const f of figures) {
    const v = compileSpec(f.spec);
    assert.ok(v && typeof v === "object" && Array.isArray((v as { marks?: unknown[] }).marks), f.id);
  }
});

async function checkRender(f: Figure) {
  const svg = await renderSvg(f.spec);
  assert.ok(svg.startsWith("<svg") && svg.length > 2000, `${f.id}: SVG too small`);
  assert.ok(/<path|<rect|<line/.test(svg), `${f.id}: no marks`);
  const size = svgSize(svg);
  assert.ok(size.width > 50 && size.height > 50);
  const png = await svgToPng(svg, { scale: 2 });
  const ihdr = pngSize(png.png);
  assert.equal(ihdr.width, Math.round(size.width * 2), `${f.id}: PNG width`);
  assert.equal(ihdr.height, Math.round(size.height * 2), `${f.id}: PNG height`);
  assert.ok(png.png.length > 5000, `${f.id}: PNG nearly empty`);
  return svg;
}

Deno.test("one figure of each kind renders to a non-empty SVG and a PNG of the expected size", async () => {
  const seen = new Set<string>();
  for (const f of figures) {
    const kind = f.id.split(" · ")[0];
    if (seen.has(kind)) continue;
    seen.add(kind);
    await checkRender(f);
  }
  assert.equal(seen.size, 9);
});

Deno.test("paper-scale figures carry the paper's values as a 'paper' series", () => {
  const f6 = figures.find((f) => f.id === "F6 · f6-paper")!;
  const values = (f6.spec.data as { values: Array<{ source: string; x: number; mean: number }> }).values;
  const paper = values.filter((v) => v.source === "paper");
  assert.ok(paper.some((v) => v.x === 0.07 && v.mean === 53.1));
  assert.ok(
    figures.find((f) => f.id === "F6 · f6")!.spec.data &&
      !((figures.find((f) => f.id === "F6 · f6")!.spec.data as { values: Array<{ source: string }> }).values
        .some((v) => v.source === "paper")),
    "cpu scale draws no paper values",
  );
});

Deno.test("an axis with a single point still renders (F5 with one head count)", async () => {
  const recs = fixtureGrid([{ variant: "baseline" }, { variant: "amcl", heads: 3 }], [0], {
    preset: "f5-single",
  });
  const b = buildArtefacts(recs, []);
  const f5 = b.presets[0].artefacts.find((a) => a.id.startsWith("F5")) as Figure;
  assert.ok(f5, "F5 built for a preset named f5 with a single point");
  await checkRender(f5);
});

Deno.test("collapsed AMCL cells are marked in figures", () => {
  const f8 = figures.find((f) => f.id === "F8 · t9")!;
  assert.ok(JSON.stringify(f8.spec).includes("⚠ collapsed"));
  const f6 = figures.find((f) => f.id === "F6 · f6")!;
  const vals = (f6.spec.data as { values: Array<{ collapsed: string }> }).values;
  assert.ok(vals.some((v) => v.collapsed === "1/2"));
});

/** Pixels darker than mid-grey in a decoded PNG. */
function darkPixels(png: Uint8Array): number {
  const img = PNG.sync.read(Buffer.from(png));
  let n = 0;
  for (let i = 0; i < img.data.length; i += 4) if (img.data[i] + img.data[i + 1] + img.data[i + 2] < 384) n++;
  return n;
}

Deno.test("PNG text is drawn with the DejaVu Sans files; without text the page stays white", async () => {
  const page = (body: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="40"><rect width="160" height="40" fill="white"/>${body}</svg>`;
  const text = await svgToPng(
    page(`<text x="4" y="28" font-family="${FONT_FAMILY}" font-size="20">AMCL τ</text>`),
    {
      scale: 1,
    },
  );
  const blank = await svgToPng(page(""), { scale: 1 });
  assert.deepEqual([text.width, text.height], [160, 40]);
  assert.equal(darkPixels(blank.png), 0);
  assert.ok(darkPixels(text.png) > 100, `only ${darkPixels(text.png)} dark pixels: the font did not load`);
});

Deno.test("a font folder without DejaVuSans.ttf is a user error naming the package", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await assert.rejects(
      () => svgToPng(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>`, { fontDir: dir }),
      (e: Error) => e instanceof UserError && e.message.includes("fonts-dejavu-core"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("PNGs render without native code: a process without --allow-ffi renders one", async () => {
  const script = new URL("./fixtures/png_without_ffi.ts", import.meta.url).pathname;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, err);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), { width: 120, height: 40 });
});
