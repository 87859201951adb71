/**
 * The built-in presets: `quick` (default), `smoke` (tests), `ref-cifar-subset`, one per
 * table/figure of the paper (T3–T9, F1, F3–F9), and the suite `paper-cpu` of all of them.
 *
 * @module
 */
import type { PresetInput } from "../preset.ts";
import { quick } from "./quick.ts";
import { smoke } from "./smoke.ts";
import { refCifarSubset } from "./ref_cifar_subset.ts";
import { t3 } from "./t3_main.ts";
import { t4 } from "./t4_augmentations.ts";
import { t5 } from "./t5_probe_epochs.ts";
import { t6 } from "./t6_tau_ablation.ts";
import { t7 } from "./t7_backbones.ts";
import { t8 } from "./t8_cost.ts";
import { t9 } from "./t9_tau_floor.ts";
import { f1 } from "./f1_similarity_augs.ts";
import { f3 } from "./f3_similarity.ts";
import { f4 } from "./f4_backbone_epochs.ts";
import { f5 } from "./f5_heads_topk.ts";
import { f6 } from "./f6_tau_sweep.ts";
import { f7 } from "./f7_label_efficiency.ts";
import { f8 } from "./f8_curves.ts";
import { f9 } from "./f9_temperatures.ts";
import { paperCpu } from "./paper_cpu.ts";

/** Every built-in preset, in the order `--list` shows them. */
export const BUILTIN_PRESETS: readonly PresetInput[] = [
  quick,
  smoke,
  refCifarSubset,
  t3,
  t4,
  t5,
  t6,
  t7,
  t8,
  t9,
  f1,
  f3,
  f4,
  f5,
  f6,
  f7,
  f8,
  f9,
  paperCpu,
];

/** The built-in preset called `name`, or undefined. */
export function builtinPreset(name: string): PresetInput | undefined {
  return BUILTIN_PRESETS.find((p) => p.name === name);
}
