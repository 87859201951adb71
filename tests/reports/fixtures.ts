/**
 * TEST FIXTURES: synthetic CellRecords built in code for the reports' tests. Their numbers
 * are made up (a deterministic formula of the config and seed) and are never results.
 *
 * @module
 */

import type { CellConfig } from "../../core/cell_config.ts";
import { type CellRecord, RECORD_SCHEMA } from "../../benchmarks/record.ts";
import { hash32 } from "../../core/random.ts";

/** A baseline SimCLR config at cpu scale (fixture). */
export function fixtureConfig(over: Partial<CellConfig> = {}): CellConfig {
  const amcl = over.variant === "amcl";
  return {
    method: "simclr",
    variant: "baseline",
    dataset: "embedded",
    backbone: "resnet18",
    width: 0.125,
    epochs: 4,
    batchSize: 64,
    heads: amcl ? 3 : 1,
    topk: 100,
    augs: "default",
    tauMode: amcl ? "adaptive" : "constant",
    tau: 0.5,
    tauMin: 1e-5,
    tauMax: 2,
    negReg: "code",
    beta: 1e-4,
    lr: 0.06,
    probeEpochs: 10,
    labelsPerClass: [],
    knnEpochs: [1, 2, 3, 4],
    scale: "cpu",
    seed: 0,
    extra: {},
    ...over,
  };
}

function noise(key: string): number {
  return (hash32(key) / 0xffffffff) - 0.5;
}

function hist(center: number, spread: number, lo: number, hi: number, key: string) {
  const n = 20;
  const edges = Array.from({ length: n + 1 }, (_, i) => lo + ((hi - lo) * i) / n);
  const counts = edges.slice(0, -1).map((e, i) => {
    const c = e + (hi - lo) / n / 2;
    return Math.round(500 * Math.exp(-(((c - center) / spread) ** 2)) * (1 + 0.2 * noise(key + i)));
  });
  return { edges, counts };
}

/** A synthetic done record (fixture); `acc` sets the final accuracy (fraction). */
export function fixtureRecord(
  over: Partial<CellConfig> = {},
  opts: { preset?: string; acc?: number; collapsed?: boolean; linear?: boolean } = {},
): CellRecord {
  const config = fixtureConfig(over);
  const amcl = config.variant === "amcl";
  const key = JSON.stringify(config);
  const acc = opts.acc ?? (0.4 + (amcl ? 0.03 : 0) + 0.02 * noise(key));
  const collapsed = opts.collapsed ?? false;
  const curves = Array.from({ length: config.epochs }, (_, i) => {
    const e = i + 1;
    const f = e / config.epochs;
    const tauMean = collapsed ? Math.max(config.tauMin, 0.3 * (1 - f) ** 4) : 0.2 + 0.05 * f;
    const stats = (k: string) =>
      Array.from({ length: config.heads }, (_, h) => ({
        mean: tauMean * (1 + 0.1 * h) * (1 + 0.05 * noise(k + h + e)),
        std: tauMean * 0.2,
        min: collapsed && f === 1 ? config.tauMin : tauMean * 0.5,
        max: tauMean * 1.6,
        atMin: collapsed && f === 1 ? 0.97 : 0,
      }));
    return {
      epoch: e,
      loss: amcl ? (collapsed ? -990 * f : 3 - f) : 5 - f + 0.1 * noise(key + e),
      lr: 0.06,
      imagesPerSec: 100,
      knnTop1: acc * (0.6 + 0.4 * f),
      ...(amcl ? { tauPos: stats("p"), tauNeg: stats("n"), collapsed: collapsed && f === 1 } : {}),
    };
  });
  const heads = Array.from({ length: config.heads }, (_, h) => h);
  return {
    schema: RECORD_SCHEMA,
    id: `fx${hash32((opts.preset ?? "quick") + key).toString(16)}`,
    preset: opts.preset ?? "quick",
    config,
    status: "done",
    metrics: {
      knnTop1: acc,
      ...(opts.linear === false ? {} : { linearTop1: acc + 0.05, linearTop5: acc + 0.3 }),
      ...(config.labelsPerClass.length
        ? {
          labelEfficiency: Object.fromEntries(
            config.labelsPerClass.map((n) => [String(n), acc * (1 - 1 / (2 + n / 10))]),
          ),
        }
        : {}),
    },
    curves,
    temperatures: amcl
      ? heads.flatMap((head) =>
        [1, config.epochs].flatMap((epoch) =>
          (["pos", "neg"] as const).map((kind) => ({
            epoch,
            head,
            kind,
            hist: hist(kind === "pos" ? 0.15 : 0.3, 0.1, 0, 1, key + head + epoch + kind),
          }))
        )
      )
      : undefined,
    similarity: {
      backbonePos: hist(amcl ? 0.85 : 0.8, 0.1, -1, 1, key + "bp"),
      backboneNeg: hist(amcl ? 0.3 : 0.45, 0.15, -1, 1, key + "bn"),
      headPos: heads.map((h) => hist(amcl ? 1.5 : 1.6, 0.2, -2, 2, key + "hp" + h)),
      headNeg: heads.map((h) => hist(amcl ? 0 : 0.4, 0.3, -2, 2, key + "hn" + h)),
      examples: Array.from({ length: 7 }, (_, i) => ({
        a: i,
        b: i < 5 ? i : i + 10,
        positive: i < 5,
        backbone: i < 5 ? 0.7 + 0.1 * noise(key + "e" + i) : 0.3,
        head: i < 5 ? 0.8 : 0.1,
      })),
    },
    collapse: {
      temperature: collapsed,
      shareAtTauMin: amcl ? (collapsed ? 0.97 : 0) : null,
      meanPairwiseCosine: heads.map(() => (collapsed ? 0.99 : 0.2)),
      effectiveRank: heads.map(() => (collapsed ? 1.5 : 40)),
    },
    cost: {
      secondsPerEpoch: (amcl ? 12 : 10) * (1 + 0.05 * noise(key + "t")),
      peakMemoryBytes: (amcl ? 210 : 200) * 2 ** 20,
      params: {
        backbone: 174_000,
        heads: config.heads * 20_000,
        phi: amcl ? 33_000 : 0,
        total: 174_000 + config.heads * 20_000 + (amcl ? 33_000 : 0),
      },
      headReduction: "sum",
    },
    env: {
      backend: "wasm",
      device: "cpu",
      deno: "2.9.0",
      tfjs: "4.22.0",
      os: "linux",
      cpu: "fixture cpu",
      commit: "fixture",
      hostname: "fixture-host",
      startedAt: "2025-01-01T00:00:00Z",
      finishedAt: "2025-01-01T00:10:00Z",
    },
  };
}

/** Records over `seeds` for each config override (fixture). */
export function fixtureGrid(
  overrides: Array<Partial<CellConfig>>,
  seeds: number[],
  opts: { preset?: string; collapsed?: (c: CellConfig) => boolean } = {},
): CellRecord[] {
  return overrides.flatMap((o) =>
    seeds.map((seed) => {
      const c = fixtureConfig({ ...o, seed });
      return fixtureRecord({ ...o, seed }, { preset: opts.preset, collapsed: opts.collapsed?.(c) });
    })
  );
}

/**
 * One small synthetic run with a preset for every artefact (fixture): quick, t4, t5, t6,
 * t7, t9, f1, f4, f5, f6, f7, and a paper-scale f6/f7/t6/f4 set so the "paper" series show.
 */
export function fixtureAllPresets(): CellRecord[] {
  const seeds = [0, 1, 2];
  const B = { variant: "baseline" as const };
  const A = { variant: "amcl" as const };
  const collapsed = (c: CellConfig) =>
    c.variant === "amcl" && c.tauMin === 1e-5 && c.negReg === "code" && c.epochs > 3;
  return [
    ...fixtureGrid([B, A], seeds, { preset: "quick" }),
    ...fixtureGrid(["a", "ab", "abc", "abcd", "abcde"].flatMap((augs) => [{ ...B, augs }, { ...A, augs }]), [
      0,
      1,
    ], { preset: "t4" }),
    ...fixtureGrid(
      [10, 50].flatMap((probeEpochs) => [{ ...B, probeEpochs }, { ...A, probeEpochs }]),
      [0, 1],
      { preset: "t5" },
    ),
    ...fixtureGrid(
      [
        B,
        ...(["constant", "adaptive-neg", "adaptive-pos", "head1", "adaptive"] as const).map((tauMode) => ({
          ...A,
          tauMode,
        })),
      ],
      [0, 1],
      { preset: "t6" },
    ),
    ...fixtureGrid([0.125, 0.25].flatMap((width) => [{ ...B, width }, { ...A, width }]), [0, 1], {
      preset: "t7",
    }),
    ...fixtureGrid(
      [
        B,
        ...[1e-5, 1e-3, 0.1].flatMap((tauMin) =>
          (["code", "paper"] as const).map((negReg) => ({ ...A, tauMin, negReg }))
        ),
      ],
      [0, 1],
      { preset: "t9", collapsed },
    ),
    ...fixtureGrid(["a", "abc", "abcde"].flatMap((augs) => [{ ...B, augs }, { ...A, augs }]), [0, 1], {
      preset: "f1",
    }),
    ...fixtureGrid([B, ...[1, 2, 3, 5].map((heads) => ({ ...A, heads }))], [0, 1], { preset: "f5" }),
    ...fixtureGrid([0, 10, 100].map((topk) => ({ ...A, topk })), [0, 1], { preset: "f5" }),
    ...fixtureGrid(
      [
        ...[0.07, 0.1, 0.2, 0.5, 1.0].map((tau) => ({ ...B, tau })),
        { ...A, heads: 1 },
        { ...A, heads: 3 },
      ],
      [0, 1],
      { preset: "f6", collapsed: (c) => c.variant === "amcl" && c.heads === 1 && c.seed === 1 },
    ),
    ...fixtureGrid(
      [1, 3].flatMap((heads) =>
        (["constant", "adaptive"] as const).map((tauMode) => ({
          ...A,
          heads,
          tauMode,
          labelsPerClass: [10, 20, 50, 100],
        }))
      ),
      [0, 1],
      { preset: "f7" },
    ),
    ...fixtureGrid(
      [
        ...[1, 2].flatMap((width) =>
          [100, 300].flatMap((
            epochs,
          ) => [{ ...B, backbone: "resnet50", width, epochs, scale: "paper" as const }, {
            ...A,
            backbone: "resnet50",
            width,
            epochs,
            scale: "paper" as const,
          }])
        ),
      ],
      [0, 1],
      { preset: "f4-paper" },
    ),
    ...fixtureGrid(
      [...[0.1, 0.3, 0.5].map((tau) => ({ ...B, tau, scale: "paper" as const })), {
        ...A,
        scale: "paper" as const,
      }],
      [0, 1],
      { preset: "f6-paper" },
    ),
  ];
}

/** Method metadata in the registry's shape (fixture; formulas abbreviated from amcl.md). */
export function fixtureMethods(): import("../../reports/method_meta.ts").MethodMeta[] {
  return [{
    name: "simclr",
    label: "SimCLR <fixture>",
    baseline: {
      name: "NT-Xent",
      equation: "−log( exp(sim(z_i,z_i⁺)/τ) / Σ_{n≠i} exp(sim(z_i,z_n)/τ) )",
      latex: "-\\log \\frac{e^{s^+/\\tau}}{\\sum_n e^{s_n/\\tau}}",
      text: "Normalised temperature-scaled cross entropy.",
    },
    amcl: {
      name: "AMCL NT-Xent",
      equation: "Σ_c [ −sim⁺/τ⁺ + sim⁻/τ⁻ + β Ω(τ⁺) − β Ω(τ⁻) ]",
      latex:
        "\\sum_c \\left[-s^+/\\tau^+ + s^-/\\tau^- + \\beta\\Omega(\\tau^+) - \\beta\\Omega(\\tau^-)\\right]",
      text: "Multi-head, adaptive temperatures, regularised.",
    },
  }];
}
