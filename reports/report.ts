/**
 * Re-renders a run's report from its stored results: loads `OUT/cells/*.json` and
 * `OUT/manifest.json`, builds every table and figure, writes each figure as Vega-Lite
 * JSON, SVG and PNG and each table as CSV, Markdown and HTML under `OUT/report/`, plus
 * `report.md`, `compare.md`/`compare.csv` and the self-contained `index.html`.
 *
 * @module
 */

import { buildArtefacts } from "./artefacts.ts";
import { type Artefact, slug } from "./context.ts";
import { escapeMarkdown } from "./escape.ts";
import { buildIndexHtml, type PageFigure, type PageTable, standaloneTableHtml } from "./html.ts";
import { loadRun, type RunData } from "./load.ts";
import type { MethodMeta } from "./method_meta.ts";
import { renderSvg, svgToPng } from "./render.ts";
import { groupRun } from "./run_groups.ts";
import { tableToCsv, tableToMarkdown } from "./table.ts";

/** Options of {@link renderReport}. */
export interface ReportOptions {
  /** Method metadata from the registry (tables T1/T2, figure F2). */
  methods?: MethodMeta[];
  /** Output folder (default `OUT/report`). */
  reportDir?: string;
  /** Folder holding DejaVuSans.ttf (default Debian's). */
  fontDir?: string;
  /** PNG scale relative to the SVG size (default 2). */
  pngScale?: number;
  /** Progress lines (default: only when stdout is a terminal). */
  log?: (line: string) => void;
  /** The code rendering the report ("VERSION+COMMIT12"); a run planned by other code is noted. */
  codeVersion?: string;
}

/** What a report wrote. */
export interface ReportSummary {
  reportDir: string;
  index: string;
  figures: number;
  tables: number;
  cells: number;
  failed: number;
  missing: number;
  files: string[];
  /**
   * What the reader must know about where the records came from (another code version,
   * records of another configuration kept apart); empty when nothing is amiss.
   */
  notes: string[];
}

export { slug } from "./context.ts";

/** Renders the report of the run in `outDir` (see the module doc); returns what it wrote. */
export async function renderReport(outDir: string, opts: ReportOptions = {}): Promise<ReportSummary> {
  const run = await loadRun(outDir);
  return await renderRun(run, opts);
}

/** Renders an already loaded run (used by {@link renderReport} and by tests). */
export async function renderRun(run: RunData, opts: ReportOptions = {}): Promise<ReportSummary> {
  const log = opts.log ?? (Deno.stdout.isTerminal() ? (l: string) => console.log(l) : () => {});
  const methods = opts.methods ?? [];
  const dir = opts.reportDir ?? `${run.outDir.replace(/\/+$/, "")}/report`;
  await Deno.mkdir(dir, { recursive: true });
  const grouped = groupRun(run, opts.codeVersion);
  const built = buildArtefacts(grouped.main, methods, grouped.groups);
  const all: Artefact[] = [...built.global, ...built.presets.flatMap((p) => p.artefacts)];
  const figures = new Map<string, PageFigure>();
  const tables = new Map<string, PageTable>();
  const files: string[] = [];
  const used = new Set<string>();
  const write = async (name: string, data: string | Uint8Array) => {
    const path = `${dir}/${name}`;
    if (typeof data === "string") await Deno.writeTextFile(path, data);
    else await Deno.writeFile(path, data);
    files.push(path);
  };
  const md: string[] = [`# amcl-bench report\n`, `Results: ${escapeMarkdown(run.outDir)}\n`];
  for (const n of grouped.notes) md.push(`> Note: ${escapeMarkdown(n)}.\n`);
  for (const a of all) {
    let stem = slug(a.id);
    for (let i = 2; used.has(stem); i++) stem = `${slug(a.id)}_${i}`;
    used.add(stem);
    if (a.kind === "figure") {
      log(`rendering ${a.id}`);
      const svg = await renderSvg(a.spec);
      const png = await svgToPng(svg, { scale: opts.pngScale, fontDir: opts.fontDir });
      const f = { svg: `${stem}.svg`, png: `${stem}.png`, spec: `${stem}.vl.json` };
      await write(f.spec, JSON.stringify(a.spec, null, 1) + "\n");
      await write(f.svg, svg);
      await write(f.png, png.png);
      figures.set(a.id, { id: a.id, svg, files: f });
      const notes = (a.notes ?? []).map((n) => `- ${escapeMarkdown(n)}\n`).join("");
      md.push(
        `### ${escapeMarkdown(`${a.id}. ${a.title}`)}\n\n${escapeMarkdown(a.caption)}\n\n` +
          `![${escapeMarkdown(a.id)}](${encodeURI(f.png)})\n${notes ? `\n${notes}` : ""}`,
      );
    } else {
      const f = { csv: `${stem}.csv`, md: `${stem}.md`, html: `${stem}.html` };
      await write(f.csv, tableToCsv(a));
      const m = tableToMarkdown(a);
      await write(f.md, m);
      await write(f.html, standaloneTableHtml(a, methods));
      tables.set(a.id, { id: a.id, files: f });
      md.push(m);
    }
  }
  if (run.missing.length || run.failed.length) {
    md.push(
      `## Missing and failed cells\n\n${run.missing.length} missing, ${run.failed.length} failed (see index.html).\n`,
    );
  }
  await write("report.md", md.join("\n"));
  const html = buildIndexHtml({
    run,
    global: built.global,
    presets: built.presets,
    figures,
    tables,
    methods,
    notes: grouped.notes,
    generatedAt: new Date().toISOString(),
  });
  await write("index.html", html);
  log(`report: ${dir}/index.html`);
  return {
    reportDir: dir,
    index: `${dir}/index.html`,
    figures: figures.size,
    tables: tables.size,
    cells: run.records.length,
    failed: run.failed.length,
    missing: run.missing.length,
    files,
    notes: grouped.notes,
  };
}
