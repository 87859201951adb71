/**
 * The suite-wide defaults a cell starts from before its method, its preset and the command
 * line fill in the rest: per scale (sizes) and per variant (heads, temperature mode).
 * Precedence, lowest first: scale defaults, variant defaults, the method's registry
 * defaults, the preset, `--set`.
 *
 * @module
 */
import type { Scale, Settings } from "./settings.ts";

/** Defaults per scale: `cpu` runs on a laptop in minutes, `paper` is the paper's setting. */
export function scaleDefaults(scale: Scale, method: string): Settings {
  const shared = {
    method,
    variant: "baseline" as const,
    backbone: "resnet18",
    heads: 1,
    topk: 100,
    augs: "default",
    tauMode: "constant" as const,
    tau: 0.5,
    tauMin: 1e-5,
    tauMax: 2,
    negReg: "code" as const,
    beta: 1e-4,
    lr: 0.06,
    labelsPerClass: [] as number[],
    knnEpochs: [] as number[],
  };
  return scale === "cpu"
    ? { ...shared, dataset: "embedded", width: 0.125, epochs: 5, batchSize: 128, probeEpochs: 10 }
    : { ...shared, dataset: "cifar10", width: 1, epochs: 800, batchSize: 512, probeEpochs: 100 };
}

/** Defaults per variant: AMCL has 3 heads and adaptive temperatures; baselines 1 head, constant τ. */
export function variantDefaults(variant: string): Partial<Settings> {
  return variant === "amcl" ? { heads: 3, tauMode: "adaptive" } : { heads: 1, tauMode: "constant" };
}

/**
 * kNN monitor epochs when none are set: the last epoch at `cpu` scale; every 10 epochs and
 * the last at `paper` scale (the reference implementation's monitor).
 */
export function defaultKnnEpochs(scale: Scale, epochs: number): number[] {
  if (scale === "cpu") return [epochs];
  const out: number[] = [];
  for (let e = 10; e < epochs; e += 10) out.push(e);
  out.push(epochs);
  return out;
}
