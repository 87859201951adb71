/**
 * The rows `deno task perf` times: training steps of methods from the registry at fixed
 * shapes, the AMCL NT-Xent loss alone at paper scale, augmenting a batch, and a long run
 * that checks the tensor count does not grow. Each row has a stable id for `--rows`.
 *
 * @module
 */

/** A training-step row: one method × variant at one shape, built from the registry. */
export interface StepRow {
  kind: "step";
  id: string;
  title: string;
  method: string;
  variant: "baseline" | "amcl";
  /** ResNet width multiplier (ignored by ViTs). */
  width: number;
  batch: number;
  /** Image side (square, 3 channels). */
  size: number;
  /** Heavy rows run at most 2 timed steps (`--heavy-steps`); paired AMCL rows keep `--steps` pairs. */
  heavy?: boolean;
  /** Settings over the method's cpu-scale defaults (e.g. LGP's `maeEpochs: 0`: time its MoCo v3 stage). */
  extra?: Record<string, number>;
  /** The PyTorch peer's arguments for the same shapes, when the peer models this row. */
  peer?: { width: number; batch: number; size: number; heads: number; note?: string };
  /** Outgrows the wasm heap's 4 GiB: runs only on the native backend, in host memory. */
  hostMemory?: boolean;
}

/** The AMCL NT-Xent loss alone, forward + backward w.r.t. z1, z2 and φ. */
export interface LossRow {
  kind: "loss";
  id: string;
  title: string;
  batch: number;
  heads: number;
  dim: number;
  topk: number;
}

/** One augmented view of a batch of images. */
export interface AugmentRow {
  kind: "augment";
  id: string;
  title: string;
  images: number;
  size: number;
  augs: string;
}

/** Many steps of one method, recording the tensor count after each (leak check). */
export interface LeakRow {
  kind: "leak";
  id: string;
  title: string;
  method: string;
  variant: "baseline" | "amcl";
  width: number;
  batch: number;
  size: number;
  /** Steps run (default of `--leak-steps`). */
  steps: number;
}

/** Any row. */
export type PerfRowDef = StepRow | LossRow | AugmentRow | LeakRow;

/** The id of the reference row the loss and augmentation rows are compared with. */
export const REFERENCE_ROW = "simclr-r18w8-b128";

function r18(
  id: string,
  method: string,
  variant: "baseline" | "amcl",
  width: number,
  peerHeads: number | null,
  extra: Partial<StepRow> = {},
): StepRow {
  const title = `${method} ${variant === "amcl" ? "AMCL C=3" : "baseline"} ResNet-18 ×${
    width === 1 ? "1" : `1/${Math.round(1 / width)}`
  } b128 32²`;
  return {
    kind: "step",
    id,
    title,
    method,
    variant,
    width,
    batch: 128,
    size: 32,
    ...(peerHeads === null ? {} : {
      peer: {
        width,
        batch: 128,
        size: 32,
        heads: peerHeads,
        ...(variant === "amcl" ? { note: "peer: plain NT-Xent on 3 heads (no φ, no top-κ)" } : {}),
      },
    }),
    ...extra,
  };
}

/** Every row, in the order they run (the reference row first: its memory is the process's). */
export function perfRows(leakSteps = 100): PerfRowDef[] {
  return [
    r18(REFERENCE_ROW, "simclr", "baseline", 0.125, 1),
    r18("simclr-amcl-r18w8-b128", "simclr", "amcl", 0.125, 3),
    r18("moco-r18w8-b128", "moco", "baseline", 0.125, null),
    r18("moco-amcl-r18w8-b128", "moco", "amcl", 0.125, null),
    r18("simsiam-r18w8-b128", "simsiam", "baseline", 0.125, null),
    r18("simsiam-amcl-r18w8-b128", "simsiam", "amcl", 0.125, null),
    r18("barlow-r18w8-b128", "barlow", "baseline", 0.125, null),
    r18("barlow-amcl-r18w8-b128", "barlow", "amcl", 0.125, null),
    {
      kind: "loss",
      id: "loss-amcl-ntxent-b512",
      title: "AMCL NT-Xent alone, B=512 C=3 d'=128 κ=100 (fwd+bwd)",
      batch: 512,
      heads: 3,
      dim: 128,
      topk: 100,
    },
    {
      kind: "augment",
      id: "augment-abcde-256",
      title: "augment 256 images 32² with abcde (one view)",
      images: 256,
      size: 32,
      augs: "abcde",
    },
    {
      kind: "leak",
      id: "leak-simclr-amcl",
      title: `tensor count over ${leakSteps} steps, SimCLR AMCL C=3 ResNet-18 ×1/8 b32 32²`,
      method: "simclr",
      variant: "amcl",
      width: 0.125,
      batch: 32,
      size: 32,
      steps: leakSteps,
    },
    r18("simclr-r18w4-b128", "simclr", "baseline", 0.25, 1),
    {
      kind: "step",
      // Batch 32: at 128 the ViT's activations outgrow the wasm backend's 4 GiB heap.
      id: "can-vittiny-b32",
      title: "can baseline ViT-tiny patch 4 b32 32²",
      method: "can",
      variant: "baseline",
      width: 1,
      batch: 32,
      size: 32,
      heavy: true,
    },
    {
      kind: "step",
      id: "can-amcl-vittiny-b32",
      title: "can AMCL C=3 ViT-tiny patch 4 b32 32²",
      method: "can",
      variant: "amcl",
      width: 1,
      batch: 32,
      size: 32,
      heavy: true,
    },
    // LGP's contrastive (MoCo v3) stage, where AMCL differs; its MAE stage is the same for both.
    ...(["baseline", "amcl"] as const).map((variant): StepRow => ({
      kind: "step",
      id: variant === "amcl" ? "lgp-amcl-vittiny-b32" : "lgp-vittiny-b32",
      title: `lgp ${variant === "amcl" ? "AMCL C=3" : "baseline"} (MoCo v3 stage) ViT-tiny patch 4 b32 32²`,
      method: "lgp",
      variant,
      width: 1,
      batch: 32,
      size: 32,
      heavy: true,
      extra: { maeEpochs: 0 },
    })),
    // Batch 32: at 128 the activations outgrow the wasm backend's 4 GiB heap (wasm32).
    {
      ...r18("simclr-r18w1-b32", "simclr", "baseline", 1, 1, { heavy: true, batch: 32 }),
      title: "simclr baseline ResNet-18 ×1 b32 32²",
      peer: { width: 1, batch: 32, size: 32, heads: 1 },
    },
    // AMCL's overhead at the backbone width the paper uses: at ×1/8 the C − 1 extra heads are a
    // large share of the step; at ×1 they are not.
    ...["simclr", "moco", "simsiam", "barlow"].flatMap((m) =>
      (["baseline", "amcl"] as const)
        .filter((v) => !(m === "simclr" && v === "baseline"))
        .map((v) => ({
          ...r18(`${m}${v === "amcl" ? "-amcl" : ""}-r18w1-b32`, m, v, 1, null, { heavy: true, batch: 32 }),
          title: `${m} ${v === "amcl" ? "AMCL C=3" : "baseline"} ResNet-18 ×1 b32 32²`,
        }))
    ),
    // The same pairs at batch 128, the batch of the other widths' rows: native in host memory only.
    ...["simclr", "moco", "simsiam", "barlow"].flatMap((m) =>
      (["baseline", "amcl"] as const).map((v) =>
        r18(`${m}${v === "amcl" ? "-amcl" : ""}-r18w1-b128`, m, v, 1, null, { heavy: true, hostMemory: true })
      )
    ),
  ];
}

/** The rows whose id contains one of `filters` (all rows when `filters` is empty). */
export function selectRows(rows: PerfRowDef[], filters: string[]): PerfRowDef[] {
  if (filters.length === 0) return rows;
  return rows.filter((r) => filters.some((f) => r.id.includes(f)));
}

/** Shrinks a row's shapes for smoke tests. */
export function tinyRow(r: PerfRowDef): PerfRowDef {
  switch (r.kind) {
    case "step":
      return {
        ...r,
        batch: 8,
        size: 16,
        width: Math.min(r.width, 0.0625),
        heavy: false,
        peer: r.peer && { ...r.peer, batch: 8, size: 16, width: Math.min(r.peer.width, 0.0625) },
      };
    case "leak":
      return { ...r, batch: 8, size: 16, width: 0.0625 };
    case "loss":
      return { ...r, batch: 16, dim: 16, topk: 4 };
    case "augment":
      return { ...r, images: 8, size: 16 };
  }
}
