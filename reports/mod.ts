/**
 * Reports: the paper's tables and figures from stored cell records (Vega-Lite → SVG/PNG,
 * CSV/Markdown/HTML), the self-contained report page, and the baseline-vs-AMCL comparison.
 *
 * @module
 */

export { renderReport, renderRun, type ReportOptions, type ReportSummary } from "./report.ts";
export { loadRun, type MissingCell, type RunData, type RunManifest } from "./load.ts";
export { AMCL_KNOBS, CONFIG_FIELDS } from "./config_fields.ts";
export {
  type CompareOptions,
  compareRuns,
  compareVariants,
  type Comparison,
  type ComparisonRow,
  comparisonTable,
  type Outcome,
  type Side,
} from "./compare.ts";
export { runCompare, type RunCompareOptions } from "./compare_run.ts";
export type { AccuracyMetric } from "./metrics.ts";
export type { CellGroup } from "./grouping.ts";
export { buildArtefacts, type PresetArtefacts, type ReportArtefacts } from "./artefacts.ts";
export type { Artefact, BuildContext } from "./context.ts";
export {
  type LossInfoLike,
  type LossMeta,
  type MethodEntryLike,
  type MethodMeta,
  methodMetaFromRegistry,
} from "./method_meta.ts";
export { type Figure, type Png, pngSize, renderSvg, svgToPng, type VlSpec } from "./render.ts";
export {
  type CellValue,
  type Column,
  type Table,
  tableToCsv,
  tableToHtml,
  tableToMarkdown,
  tableToText,
} from "./table.ts";
export { type PairedTTest, pairedTTest, studentTCdf, summarize, type Summary } from "./stats.ts";
export { COLLAPSE_MARK, isCollapsed } from "./collapse.ts";
export * as paperValues from "./paper_values.ts";
