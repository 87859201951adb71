import type { PresetInput } from "../preset.ts";
import { CPU_REAL, PAPER_CIFAR, SEEDS } from "./common.ts";

/** F9: learned temperatures (τ⁺, τ⁻ histograms per head over training), AMCL runs. */
export const f9: PresetInput = {
  name: "f9",
  description: "Learned temperatures: τ⁺/τ⁻ histograms per head over training, AMCL (SimCLR, MoCo)",
  artefacts: ["F9"],
  fixed: { variant: "amcl" },
  grid: { method: ["simclr", "moco"] },
  seeds: SEEDS,
  scales: { cpu: { fixed: CPU_REAL }, paper: { fixed: PAPER_CIFAR } },
};
