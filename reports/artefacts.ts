/**
 * The list of every table and figure of a report: the run-wide ones (T1, T2, F2, T8 and
 * the baseline-vs-AMCL comparison) and, for each preset of the run, those its grid
 * supports (T3–T7, T9, F1, F3–F9; each builder decides from the preset's name and the
 * axes its records vary).
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
import type { MethodMeta } from "./method_meta.ts";
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

/** The artefacts of one preset. */
export interface PresetArtefacts {
  preset: string;
  scale: string;
  cells: number;
  artefacts: Artefact[];
}

/** Every artefact of a report. */
export interface ReportArtefacts {
  /** Run-wide: T1, T2, F2, T8 and the comparison table. */
  global: Artefact[];
  presets: PresetArtefacts[];
}

function scaleOf(records: readonly CellRecord[]): string {
  const s = new Set(records.map((r) => r.config.scale));
  return s.size === 1 ? [...s][0] : [...s].join("+");
}

/** Builds every applicable artefact from the done `records` and the registry's `methods`. */
export function buildArtefacts(
  records: readonly CellRecord[],
  methods: readonly MethodMeta[],
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
  const names = [...new Set(records.map((r) => r.preset))].sort();
  const presets = names.map((preset) => {
    const recs = records.filter((r) => r.preset === preset);
    const ctx: BuildContext = {
      preset,
      records: recs,
      factor,
      paperScale: recs.every((r) => r.config.scale === "paper"),
      methods: [...methods],
    };
    const artefacts: Artefact[] = [];
    const push = (a: Artefact | Artefact[] | null) => {
      if (Array.isArray(a)) artefacts.push(...a);
      else if (a) artefacts.push(a);
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
    return { preset, scale: scaleOf(recs), cells: recs.length, artefacts };
  });
  return { global, presets };
}
