/**
 * Which accuracy a report shows and in which unit. Records may store accuracies as
 * fractions (0–1) or percentages; a run is read as fractions when no accuracy in it
 * exceeds 1, and every report shows percent.
 *
 * @module
 */

import type { CellRecord } from "../benchmarks/record.ts";

/** The accuracy metrics a record carries. */
export type AccuracyMetric = "linearTop1" | "knnTop1";

/** Human names of the metrics. */
export const METRIC_LABEL: Record<AccuracyMetric, string> = {
  linearTop1: "linear-probe top-1 (%)",
  knnTop1: "kNN top-1 (%)",
};

function allAccuracies(records: readonly CellRecord[]): number[] {
  const out: number[] = [];
  for (const r of records) {
    for (const v of [r.metrics.knnTop1, r.metrics.linearTop1, r.metrics.linearTop5]) {
      if (typeof v === "number" && Number.isFinite(v)) out.push(v);
    }
    for (const v of Object.values(r.metrics.labelEfficiency ?? {})) if (Number.isFinite(v)) out.push(v);
    for (const p of r.curves) {
      if (typeof p.knnTop1 === "number" && Number.isFinite(p.knnTop1)) out.push(p.knnTop1);
    }
  }
  return out;
}

/** Factor that turns the run's stored accuracies into percent (100 for fractions, else 1). */
export function percentFactor(records: readonly CellRecord[]): number {
  const all = allAccuracies(records);
  return all.length > 0 && all.every((v) => v <= 1) ? 100 : 1;
}

/** The linear probe when every record has it, else kNN. */
export function primaryMetric(records: readonly CellRecord[]): AccuracyMetric {
  const ok = records.length > 0 && records.every((r) => typeof r.metrics.linearTop1 === "number");
  return ok ? "linearTop1" : "knnTop1";
}

/** A record's value of `metric` (in the stored unit), or undefined. */
export function metricValue(r: CellRecord, metric: AccuracyMetric): number | undefined {
  const v = r.metrics[metric];
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}
