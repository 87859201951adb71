/**
 * The method cards: what each method is called and which loss (with its formula) each
 * variant trains, as data — no tensor code. The method files spread their card into their
 * definition (methods/registry.ts lists those); reports read the cards instead of the
 * registry, so rendering tables T1/T2 never loads the training code or tfjs. A test checks
 * that the cards and the registry list the same methods in the same order.
 *
 * @module
 */
import type { LossInfo } from "./losses/info.ts";
import {
  AMCL_BARLOW_INFO,
  AMCL_INFONCE_INFO,
  AMCL_MOCO_INFO,
  AMCL_MOCOV3_INFO,
  AMCL_NTXENT_INFO,
  AMCL_SIMSIAM_INFO,
  BARLOW_INFO,
  INFONCE_INFO,
  MOCO_INFO,
  MOCOV3_INFO,
  NTXENT_INFO,
  SIMSIAM_INFO,
} from "./losses/formulas.ts";

/** A method's name, title, one-line summary and the loss of each variant. */
export interface MethodCard {
  /** Registry name, e.g. "simclr". */
  name: string;
  /** Display name, e.g. "SimCLR". */
  title: string;
  /** One line on how it learns. */
  summary: string;
  /** The loss (with its formula) of each variant. */
  loss: { baseline: LossInfo; amcl: LossInfo };
}

/** SimCLR's card. */
export const SIMCLR_CARD: MethodCard = {
  name: "simclr",
  title: "SimCLR",
  summary: "two views, shared encoder + MLP projector, NT-Xent over the 2B views",
  loss: { baseline: NTXENT_INFO, amcl: AMCL_NTXENT_INFO },
};

/** MoCo's card. */
export const MOCO_CARD: MethodCard = {
  name: "moco",
  title: "MoCo",
  summary: "query encoder vs momentum key encoder, per-head FIFO queue of negatives",
  loss: { baseline: MOCO_INFO, amcl: AMCL_MOCO_INFO },
};

/** SimSiam's card. */
export const SIMSIAM_CARD: MethodCard = {
  name: "simsiam",
  title: "SimSiam",
  summary: "projector + predictor, negative cosine with stop-gradient on the targets, no negatives",
  loss: { baseline: SIMSIAM_INFO, amcl: AMCL_SIMSIAM_INFO },
};

/** Barlow Twins' card. */
export const BARLOW_CARD: MethodCard = {
  name: "barlow",
  title: "Barlow Twins",
  summary: "cross-correlation of the two views' projections pushed to the identity",
  loss: { baseline: BARLOW_INFO, amcl: AMCL_BARLOW_INFO },
};

/** CAN's card. */
export const CAN_CARD: MethodCard = {
  name: "can",
  title: "CAN",
  summary: "masked two-view ViT: InfoNCE + MAE reconstruction of masked patches + noise prediction",
  loss: { baseline: INFONCE_INFO, amcl: AMCL_INFONCE_INFO },
};

/** LGP's card. */
export const LGP_CARD: MethodCard = {
  name: "lgp",
  title: "LGP",
  summary: "layer-grafted pre-training: MAE stage, then MoCo v3 from it with smaller lower-layer lr",
  loss: { baseline: MOCOV3_INFO, amcl: AMCL_MOCOV3_INFO },
};

/** Every method's card, in table order (the registry's order). */
export const METHOD_CARDS: readonly MethodCard[] = [
  SIMCLR_CARD,
  MOCO_CARD,
  SIMSIAM_CARD,
  BARLOW_CARD,
  CAN_CARD,
  LGP_CARD,
];

/** One row per method × variant: the fields tables T1/T2 read (reports/method_meta.ts). */
export interface MethodCardRow {
  method: string;
  variant: "baseline" | "amcl";
  title: string;
  loss: LossInfo;
}

/** The cards as method × variant rows, in table order (the shape of the registry's `listMethods()`). */
export function methodCardRows(): MethodCardRow[] {
  return METHOD_CARDS.flatMap((c) =>
    (["baseline", "amcl"] as const).map((variant) => ({
      method: c.name,
      variant,
      title: c.title,
      loss: c.loss[variant],
    }))
  );
}
