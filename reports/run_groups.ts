/**
 * Which records a report builds each table from, and what it must say about where they came
 * from. A results folder can hold records of more than one configuration (a folder reused
 * with `--force`, records copied in by hand): the manifest names the cells of the run's own
 * configuration, and every other record is kept apart — in groups of its own, marked
 * "another configuration", never in a table beside the run's cells and never in the run-wide
 * tables. A suite's manifest (`paper-cpu`) names each member preset's cells, and each member
 * is built from exactly those (a cell several members share appears in each); older runs
 * without a manifest group by each record's `preset`.
 *
 * @module
 */

import type { CellRecord } from "../benchmarks/record.ts";
import type { RunData } from "./load.ts";

/** The records one set of tables and figures is built from. */
export interface RecordGroup {
  /** The preset the builders read (it decides which artefacts apply). */
  preset: string;
  /** What artefact ids and headings name the group by ("t4", "t4, another configuration"). */
  label: string;
  records: CellRecord[];
  /** Only these artefacts (ids like "T3", "F8"); empty: every one the records support. */
  artefacts: string[];
  /** True for records outside the configuration the manifest names. */
  other: boolean;
  /**
   * Cells the manifest plans for the group (done, failed and missing), when it says; the
   * findings call a claim inconclusive while fewer are done.
   */
  planned?: number;
}

/** The run's own records, its groups, and what to tell the reader about provenance. */
export interface RunGroups {
  /** Done records of the run's own configuration (the run-wide tables read these). */
  main: CellRecord[];
  groups: RecordGroup[];
  /** One sentence per provenance problem (another code version, other configurations). */
  notes: string[];
}

function byPreset(records: CellRecord[], other: boolean): RecordGroup[] {
  const names = [...new Set(records.map((r) => r.preset))].sort();
  return names.map((preset) => ({
    preset,
    label: other ? `${preset || "(unnamed)"}, another configuration` : preset,
    records: records.filter((r) => r.preset === preset),
    artefacts: [],
    other,
  }));
}

/** Cells of `preset` the manifest plans (done, failed, and missing ones it can attribute). */
function plannedOf(run: RunData, preset: string, planned: Set<string>): number {
  const only = run.manifest?.presets.length === 1 && run.manifest.presets[0] === preset;
  const stored = [...run.records, ...run.failed].filter((r) => r.preset === preset && planned.has(r.id));
  const missing = run.missing.filter((c) => c.preset === preset || (c.preset === undefined && only));
  return stored.length + missing.length;
}

/**
 * Splits `run`'s done records into groups (see the module doc). `codeVersion` is the code
 * rendering the report ("VERSION+COMMIT12"); when given and different from the one that
 * planned the run, a note says so.
 */
export function groupRun(run: RunData, codeVersion?: string): RunGroups {
  const notes: string[] = [];
  const m = run.manifest;
  const planned = m && m.expected.length ? new Set(m.expected.map((c) => c.id)) : null;
  const main = planned ? run.records.filter((r) => planned.has(r.id)) : [...run.records];
  const strays = planned ? run.records.filter((r) => !planned.has(r.id)) : [];
  let groups: RecordGroup[];
  if (m?.members?.length) {
    const byId = new Map(main.map((r) => [r.id, r]));
    groups = m.members.map((member) => ({
      preset: member.preset,
      label: member.preset,
      records: member.cells.map((id) => byId.get(id)).filter((r): r is CellRecord => r !== undefined),
      artefacts: member.artefacts,
      other: false,
      planned: member.cells.length,
    }));
  } else {
    groups = byPreset(main, false);
    if (m && planned) {
      for (const g of groups) g.planned = plannedOf(run, g.preset, planned);
    }
  }
  groups.push(...byPreset(strays, true));
  const what = m ? `preset ${m.presets.join(", ") || "?"}${m.scale ? ` (${m.scale} scale)` : ""}` : "";
  if (strays.length) {
    const presets = [...new Set(strays.map((r) => r.preset))].sort().join(", ");
    notes.push(
      `${strays.length} record(s) (preset ${presets}) are not cells of this run's configuration ` +
        `(${what}, manifest.json): they are shown apart, marked "another configuration", and left out of the run-wide tables`,
    );
  }
  if (codeVersion && m?.codeVersion && m.codeVersion !== codeVersion) {
    notes.push(`the run was planned by code ${m.codeVersion}; this report is rendered by ${codeVersion}`);
  }
  const commits = [...new Set(main.map((r) => r.env.commit))].sort();
  if (commits.length > 1) {
    notes.push(`the run's records were made by ${commits.length} commits (${commits.join(", ")})`);
  }
  return { main, groups, notes };
}
