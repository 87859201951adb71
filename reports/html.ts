/**
 * The report page: one self-contained `index.html` with every table (HTML) and figure
 * (inline SVG, its Vega-Lite spec embedded as JSON data), the run, its environment, the
 * presets and the missing/failed cells. No network, no external script; every string
 * from data is escaped. T1/T2's formulas are MathML (no fonts or stylesheet needed). Wide
 * tables and figures scroll inside their own box, so the page never scrolls sideways.
 *
 * @module
 */

import type { CellRecord } from "../benchmarks/record.ts";
import type { PresetArtefacts } from "./artefacts.ts";
import { SUMMARY_FIELDS } from "./config_fields.ts";
import type { Artefact } from "./context.ts";
import { escapeHtml, jsonForScript } from "./escape.ts";
import { FINDINGS_ID } from "./findings.ts";
import type { RunData } from "./load.ts";
import type { MethodMeta } from "./method_meta.ts";
import { formulaCellHtml } from "./t1_losses.ts";
import { t2CellHtml } from "./t2_amcl_losses.ts";
import { cellHtml, type CellValue, type Table, tableToHtml } from "./table.ts";

/** A figure with its rendered SVG and file names, as the page needs it. */
export interface PageFigure {
  id: string;
  svg: string;
  files: { svg: string; png: string; spec: string };
}

/** A table's file names. */
export interface PageTable {
  id: string;
  files: { csv: string; md: string; html: string };
}

/** Everything the page shows. */
export interface PageInput {
  run: RunData;
  global: Artefact[];
  presets: PresetArtefacts[];
  figures: Map<string, PageFigure>;
  tables: Map<string, PageTable>;
  methods: readonly MethodMeta[];
  /** Provenance notes (another code version, records of another configuration); shown in "Run". */
  notes?: readonly string[];
  generatedAt: string;
}

/** Prefixes every id (and its url(#…)/href="#…" references) in an inline SVG. */
export function prefixSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/<\?xml[^>]*>/, "")
    .replace(/\bid="([^"]+)"/g, (_, id) => `id="${prefix}${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id) => `url(#${prefix}${id})`)
    .replace(/href="#([^"]+)"/g, (_, id) => `href="#${prefix}${id}"`);
}

/** A DOM id from an artefact id. */
export function anchorId(id: string): string {
  return "a-" + id.replace(/[^A-Za-z0-9_-]+/g, "_");
}

const STYLE = `
body{font-family:"DejaVu Sans",Verdana,sans-serif;margin:0 auto;max-width:1400px;padding:1rem 2rem;color:#222}
h1{margin-bottom:.2rem}h2{border-bottom:2px solid #ddd;padding-bottom:.2rem;margin-top:2.2rem}
table.data{border-collapse:collapse;margin:.6rem 0;font-size:13px}
table.data caption{caption-side:top;text-align:left;color:#555;padding:.3rem 0;max-width:1100px}
table.data th,table.data td{border:1px solid #ccc;padding:3px 7px;vertical-align:top}
table.data th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.collapsed{color:#b00;font-weight:bold;white-space:nowrap}
mark{background:#ffe08a}
figure.fig{margin:1rem 0;border:1px solid #e3e3e3;padding:.6rem;overflow-x:auto}
div.wide{overflow-x:auto;max-width:100%}
table.data math{font-size:14px;margin:.2rem 0}
div.formulas td{min-width:9em}div.formulas td:has(>math){min-width:0}
figure.fig figcaption{color:#444;font-size:13px;margin-bottom:.4rem}
.links{font-size:12px;color:#666}.notes{font-size:12px;color:#555}
nav ul{columns:3;font-size:13px}code{font-size:12px}
.warn{background:#fff4e5;border-left:4px solid #f0a030;padding:.4rem .8rem}
`;

const CHECK_SCRIPT = `(function(){var ok=0,bad=0;
document.querySelectorAll('script.vl-spec').forEach(function(s){try{var j=JSON.parse(s.textContent);if(!j||typeof j!=='object')throw new Error('empty');ok++;}catch(e){bad++;console.error('invalid embedded spec: '+s.getAttribute('data-for'));}});
document.body.setAttribute('data-specs-ok',String(ok));document.body.setAttribute('data-specs-bad',String(bad));})();`;

/** A box that scrolls sideways on its own when its content is wider than the page. */
function wide(html: string, cls = ""): string {
  return `<div class="wide${cls ? " " + cls : ""}">${html}</div>`;
}

function kv(rows: Array<[string, string]>): string {
  return wide(
    `<table class="data"><tbody>${
      rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")
    }</tbody></table>`,
  );
}

function distinct(records: readonly CellRecord[], f: (r: CellRecord) => string | number): string {
  const s = [...new Set(records.map(f))];
  return s.length ? s.join(", ") : "—";
}

function configSummary(c: Record<string, unknown> | undefined): string {
  if (!c) return "—";
  return SUMMARY_FIELDS.filter((k) => c[k] !== undefined).map((k) => `${k}=${String(c[k])}`).join(" ");
}

/** The findings' artefact column as a link to that artefact on the page. */
function findingsLink(key: string, v: CellValue | undefined): string | null {
  if (key !== "artefact" || typeof v !== "string" || v === "—") return null;
  return `<a href="#${anchorId(v)}">${escapeHtml(v)}</a>`;
}

/** The cell renderer of a table whose formulas show as MathML (T1, T2), else `undefined`. */
function formulaCells(
  id: string,
  methods: readonly MethodMeta[],
): ((key: string, v: CellValue | undefined) => string | null) | undefined {
  return id === "T2"
    ? t2CellHtml(methods)
    : id === "T1"
    ? formulaCellHtml
    : id === FINDINGS_ID
    ? findingsLink
    : undefined;
}

/**
 * A table as the standalone `TABLE.html` file written beside the report: a small UTF-8
 * page holding the table exactly as `index.html` shows it (T1/T2's formulas as MathML;
 * the CSV and Markdown keep the LaTeX).
 */
export function standaloneTableHtml(t: Table, methods: readonly MethodMeta[]): string {
  const title = escapeHtml(`${t.id}. ${t.title}`);
  const head = `<head><meta charset="utf-8"><title>${title}</title><style>${STYLE}</style></head>`;
  const table = tableToHtml(t, formulaCells(t.id, methods));
  return `<!doctype html>\n<html lang="en">${head}\n<body>\n${table}\n</body></html>\n`;
}

function artefactHtml(a: Artefact, input: PageInput, n: number): string {
  const anchor = anchorId(a.id);
  if (a.kind === "figure") {
    const f = input.figures.get(a.id);
    const svg = f ? prefixSvgIds(f.svg, `f${n}-`) : "<p>(not rendered)</p>";
    const notes = a.notes.length
      ? `<ul class="notes">${a.notes.map((x) => `<li>${cellHtml(x)}</li>`).join("")}</ul>`
      : "";
    const links = f
      ? `<p class="links">files: <a href="${escapeHtml(f.files.svg)}">SVG</a> · <a href="${
        escapeHtml(f.files.png)
      }">PNG</a> · ` +
        `<a href="${escapeHtml(f.files.spec)}">Vega-Lite spec</a></p>`
      : "";
    return `<figure class="fig" id="${anchor}" data-artefact="${escapeHtml(a.id)}">` +
      `<figcaption><strong>${escapeHtml(a.id)}. ${escapeHtml(a.title)}</strong><br>${
        cellHtml(a.caption)
      }</figcaption>` +
      `<div class="svg">${svg}</div>${notes}${links}` +
      `<script type="application/json" class="vl-spec" data-for="${escapeHtml(a.id)}">${
        jsonForScript(a.spec)
      }</script>` +
      `</figure>`;
  }
  const t = input.tables.get(a.id);
  const custom = formulaCells(a.id, input.methods);
  const links = t
    ? `<p class="links">files: <a href="${escapeHtml(t.files.csv)}">CSV</a> · <a href="${
      escapeHtml(t.files.md)
    }">Markdown</a></p>`
    : "";
  return `<section class="tbl" id="${anchor}" data-artefact="${escapeHtml(a.id)}"><h3>${escapeHtml(a.id)}. ${
    escapeHtml(a.title)
  }</h3>` +
    `${wide(tableToHtml(a, custom), custom ? "formulas" : "")}${links}</section>`;
}

/** The page as one HTML string. */
export function buildIndexHtml(input: PageInput): string {
  const { run } = input;
  const recs = run.records;
  const presets = [
    ...new Set([...recs, ...run.failed].map((r) => r.preset)),
    ...(run.manifest?.presets ?? []),
  ];
  const allArtefacts = [...input.global, ...input.presets.flatMap((p) => p.artefacts)];
  let n = 0;
  const toc = allArtefacts.map((a) =>
    `<li><a href="#${anchorId(a.id)}">${escapeHtml(a.id)}</a> ${escapeHtml(a.title)}</li>`
  ).join("");
  const envRows: Array<[string, string]> = [
    ["backend", distinct(recs, (r) => r.env.backend)],
    ["device", distinct(recs, (r) => r.env.device)],
    ["deno", distinct(recs, (r) => r.env.deno)],
    ["tfjs", distinct(recs, (r) => r.env.tfjs)],
    ["os", distinct(recs, (r) => r.env.os)],
    ["cpu", distinct(recs, (r) => r.env.cpu)],
    ["commit", distinct(recs, (r) => r.env.commit)],
    ["hostname", distinct(recs, (r) => r.env.hostname)],
    ["seed values", distinct([...recs].sort((a, b) => a.config.seed - b.config.seed), (r) => r.config.seed)],
    ["first cell started", recs.map((r) => r.env.startedAt).sort()[0] ?? "—"],
    ["last cell finished", recs.map((r) => r.env.finishedAt).sort().pop() ?? "—"],
  ];
  const runRows: Array<[string, string]> = [
    ["results folder", run.outDir],
    ["presets", [...new Set(presets)].join(", ") || "—"],
    ["scale", distinct(recs, (r) => r.config.scale)],
    ["cells done", String(recs.length)],
    ["cells failed", String(run.failed.length)],
    ["cells missing", run.manifest ? String(run.missing.length) : "unknown (no manifest.json)"],
    ["generated", input.generatedAt],
  ];
  const missingRows = [
    ...run.missing.map((m) =>
      `<tr><td>missing</td><td><code>${escapeHtml(m.id)}</code></td><td>${
        escapeHtml(m.preset ?? "")
      }</td><td>${
        escapeHtml(configSummary(m.config as unknown as Record<string, unknown>))
      }</td><td>—</td></tr>`
    ),
    ...run.failed.map((r) =>
      `<tr><td>failed</td><td><code>${escapeHtml(r.id)}</code></td><td>${escapeHtml(r.preset)}</td><td>${
        escapeHtml(configSummary(r.config as unknown as Record<string, unknown>))
      }</td><td>${escapeHtml(r.error ?? "")}</td></tr>`
    ),
  ];
  const missingHtml = missingRows.length
    ? `<p class="warn">This report is partial: ${run.missing.length} cell(s) missing and ${run.failed.length} failed; tables and figures show the cells that exist.</p>` +
      wide(
        `<table class="data" id="missing-cells"><thead><tr><th>state</th><th>cell id</th><th>preset</th><th>configuration</th><th>error</th></tr></thead><tbody>${
          missingRows.join("")
        }</tbody></table>`,
      )
    : `<p id="missing-cells">${
      run.manifest
        ? "None: every cell of the manifest has a record."
        : "No manifest.json in the results folder, so the expected cells are unknown; failed cells: none."
    }</p>`;
  const presetSections = input.presets.map((p) =>
    `<section class="preset${p.other ? " other" : ""}" id="${
      anchorId("preset-" + (p.label ?? p.preset))
    }"><h2>Preset ${escapeHtml(p.label || p.preset || "(unnamed)")} <small>(${
      escapeHtml(p.scale)
    } scale, ${p.cells} cells)</small></h2>` +
    (p.other
      ? `<p class="warn">These records are not cells of this run's configuration (manifest.json); they are shown apart and left out of the run-wide tables.</p>`
      : "") +
    p.artefacts.map((a) => artefactHtml(a, input, ++n)).join("\n") + `</section>`
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>amcl-bench report: ${
    escapeHtml([...new Set(presets)].join(", "))
  }</title><style>${STYLE}</style></head>
<body>
<header><h1>amcl-bench report</h1><p>Baseline vs AMCL (Adaptive Multi-head Contrastive Learning). Accuracies in %, mean ± sample std over seeds. ` +
    `<span class="collapsed">⚠ collapsed</span> marks AMCL cells whose temperatures collapsed to tauMin (spec amcl.md §8); their accuracy is shown as measured.</p></header>
<nav><h2>Contents</h2><ul>${toc}</ul></nav>
<section id="run"><h2>Run</h2>${kv(runRows)}${
      (input.notes ?? []).map((note) => `<p class="warn provenance">Note: ${escapeHtml(note)}.</p>`).join("")
    }</section>
<section id="environment"><h2>Environment</h2>${kv(envRows)}</section>
<section id="missing"><h2>Missing and failed cells</h2>${missingHtml}</section>
<section id="global"><h2>Run-wide tables and figures</h2>
${input.global.map((a) => artefactHtml(a, input, ++n)).join("\n")}</section>
${presetSections}
<script>${CHECK_SCRIPT}</script>
</body></html>
`;
}
