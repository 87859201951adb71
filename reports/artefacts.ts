/**
 * The list of every table and figure of a report: the run-wide ones (the findings, T1, T2,
 * F2, T8 and the baseline-vs-AMCL comparison) and, for each group of records (a preset of the run, a
 * suite's member, or records of another configuration: `run_groups.ts`), those its grid
 * supports (T3–T7, T9, F1, F3–F9; each builder decides from the preset's name and the
 * axes its records vary; a suite member keeps only the artefacts it is named for).
 *
 * @module
 */

import type { CellRecord } from "../benchmarks/record.ts";
import { compareVariants, comparisonTable } from "./compare.ts";
import type { Artefact, BuildContext } from "./context.ts";
import { buildF1 } from "./f1_similarity_augs.ts";
import { buildF2 } from "./f2_pipeline.ts";
import { buildF3 } from "./f3_similarity.ts";
import { buildF4 } from "./f4_backbone_epochs.ts";
import { buildF5 } from "./f5_heads_topk.ts";
import { buildF6 } from "./f6_tau_sweep.ts";
import { buildF7 } from "./f7_label_efficiency.ts";
import { buildF8 } from "./f8_curves.ts";
import { buildF9 } from "./f9_temperatures.ts";
import { buildFindings } from "./findings.ts";
import type { MethodMeta } from "./method_meta.ts";
import type { RecordGroup } from "./run_groups.ts";
import { percentFactor } from "./metrics.ts";
import { buildT1 } from "./t1_losses.ts";
import { buildT2 } from "./t2_amcl_losses.ts";
import { buildT3 } from "./t3_main.ts";
import { buildT4 } from "./t4_augmentations.ts";
import { buildT5 } from "./t5_probe_epochs.ts";
import { buildT6 } from "./t6_tau_ablation.ts";
import { buildT7 } from "./t7_backbones.ts";
import { buildT8 } from "./t8_cost.ts";
import { buildT9 } from "./t9_tau_floor.ts";

/** The artefacts of one preset (or suite member, or group of another configuration). */
export interface PresetArtefacts {
  preset: string;
  /** Heading and id suffix ("t4", "t4, another configuration"); the preset when absent. */
  label?: string;
  /** True for records outside the run's configuration. */
  other?: boolean;
  scale: string;
  cells: number;
  artefacts: Artefact[];
}

/** Every artefact of a report. */
export interface ReportArtefacts {
  /** Run-wide: the findings, T1, T2, F2, T8 and the comparison table. */
  global: Artefact[];
  presets: PresetArtefacts[];
}

function scaleOf(records: readonly CellRecord[]): string {
  const s = new Set(records.map((r) => r.config.scale));
  return s.size === 1 ? [...s][0] : [...s].join("+");
}

/** "T3" from "T3 · t3" and "F1" from "F1-pairs · f1". */
function baseId(id: string): string {
  return id.split(" · ")[0].split("-")[0];
}

/**
 * Builds every applicable artefact from the done `records` (the run-wide tables) and the
 * registry's `methods`; each of `groups` (default: the records by their `preset`) gets its
 * own tables and figures.
 */
export function buildArtefacts(
  records: readonly CellRecord[],
  methods: readonly MethodMeta[],
  groups: readonly RecordGroup[] = defaultGroups(records),
): ReportArtefacts {
  const factor = percentFactor(records);
  const global: Artefact[] = [buildT1(methods), buildT2(methods), buildF2(methods)];
  const all: BuildContext = {
    preset: "",
    records: [...records],
    factor,
    paperScale: records.length > 0 && records.every((r) => r.config.scale === "paper"),
    methods: [...methods],
  };
  const t8 = buildT8(all);
  if (t8) global.push(t8);
  if (records.length) global.push(comparisonTable(compareVariants(records)));
  const presets = groups.map(({ preset, label, records: recs, artefacts: only, other }) => {
    const ctx: BuildContext = {
      preset,
      label,
      records: recs,
      factor,
      paperScale: recs.every((r) => r.config.scale === "paper"),
      methods: [...methods],
    };
    const artefacts: Artefact[] = [];
    const push = (a: Artefact | Artefact[] | null) => {
      for (const x of Array.isArray(a) ? a : a ? [a] : []) {
        if (only.length === 0 || only.includes(baseId(x.id))) artefacts.push(x);
      }
    };
    push(buildT3(ctx));
    push(buildT4(ctx));
    push(buildT5(ctx));
    push(buildT6(ctx));
    push(buildT7(ctx));
    push(buildT9(ctx));
    push(buildF1(ctx));
    push(buildF3(ctx));
    push(buildF4(ctx));
    push(buildF5(ctx));
    push(buildF6(ctx));
    push(buildF7(ctx));
    push(buildF8(ctx));
    push(buildF9(ctx));
    return { preset, label, other, scale: scaleOf(recs), cells: recs.length, artefacts };
  });
  global.unshift(
    buildFindings(groups.map((group, i) => ({ group, artefacts: presets[i].artefacts })), methods),
  );
  return { global, presets };
}

function defaultGroups(records: readonly CellRecord[]): RecordGroup[] {
  return [...new Set(records.map((r) => r.preset))].sort().map((preset) => ({
    preset,
    label: preset,
    records: records.filter((r) => r.preset === preset),
    artefacts: [],
    other: false,
  }));
}
