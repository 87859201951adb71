/**
 * The loss registry: every loss by its test-vector name, with a uniform adapter (named
 * inputs + φ + numeric params → scalar) used by the vector runner, and its formula
 * metadata for the tables.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../../core/errors.ts";
import type { LossInfo } from "./info.ts";
import type { PhiParams } from "./temperature.ts";
import { ntxent, NTXENT_INFO } from "./ntxent.ts";
import { infonce, INFONCE_INFO } from "./infonce.ts";
import { moco, MOCO_INFO } from "./moco.ts";
import { mocov3, MOCOV3_INFO } from "./mocov3.ts";
import { simsiam, SIMSIAM_INFO } from "./simsiam.ts";
import { barlow, BARLOW_INFO } from "./barlow.ts";
import {
  AMCL_NTXENT_INFO,
  AMCL_NTXENT_PAPERREG_INFO,
  AMCL_NTXENT_SOFTMAX_INFO,
  amclNtxent,
} from "./amcl_ntxent.ts";
import { AMCL_INFONCE_INFO, amclInfonce } from "./amcl_infonce.ts";
import { AMCL_MOCO_INFO, amclMoco } from "./amcl_moco.ts";
import { AMCL_MOCOV3_INFO, amclMocov3 } from "./amcl_mocov3.ts";
import { AMCL_SIMSIAM_INFO, amclSimsiam } from "./amcl_simsiam.ts";
import { AMCL_BARLOW_INFO, amclBarlow } from "./amcl_barlow.ts";

/** Hyper-parameters as a test vector stores them. */
export type LossParams = Record<string, unknown>;

/** One registered loss. */
export interface LossEntry {
  info: LossInfo;
  /** Input names in call order (the `inputs` of a test vector). */
  inputs: readonly string[];
  /** Whether the loss takes the temperature MLP φ. */
  usesPhi: boolean;
  /**
   * Inputs that training treats as constants: MoCo's momentum key and queue (their
   * gradients exist here too: nothing is detached inside that loss) and MoCo v3's momentum
   * keys (detached inside the loss: zero gradient).
   */
  constantInputs: readonly string[];
  /** Evaluates the loss from named inputs, φ (or null) and the params of a vector. */
  evaluate(inputs: Record<string, tf.Tensor>, phi: PhiParams | null, params: LossParams): tf.Scalar;
}

/** Reads a required numeric parameter. */
function num(params: LossParams, key: string): number {
  const v = params[key];
  if (typeof v !== "number") {
    throw new UserError(
      `params.${key} is ${v === undefined ? "missing" : JSON.stringify(v)}; expected a number`,
    );
  }
  return v;
}

/** Reads an optional numeric parameter. */
function opt(params: LossParams, key: string): number | undefined {
  return params[key] === undefined ? undefined : num(params, key);
}

function amclCommon(p: LossParams) {
  return { heads: num(p, "heads"), beta: num(p, "beta"), tauMin: opt(p, "tauMin"), tauMax: opt(p, "tauMax") };
}

const XY = ["z1", "z2"] as const;
const MOCO = ["q", "k", "queue"] as const;
const MOCOV3 = ["q1", "q2", "k1", "k2"] as const;
const SIAM = ["p1", "z2", "p2", "z1"] as const;

/** Every loss, by the name test vectors use. */
export const LOSSES: Readonly<Record<string, LossEntry>> = {
  ntxent: {
    info: NTXENT_INFO,
    inputs: XY,
    usesPhi: false,
    constantInputs: [],
    evaluate: (x, _phi, p) =>
      ntxent(x.z1, x.z2, { heads: num(p, "heads"), temperature: num(p, "temperature") }).loss,
  },
  infonce: {
    info: INFONCE_INFO,
    inputs: XY,
    usesPhi: false,
    constantInputs: [],
    evaluate: (x, _phi, p) =>
      infonce(x.z1, x.z2, { heads: num(p, "heads"), temperature: num(p, "temperature") }).loss,
  },
  moco: {
    info: MOCO_INFO,
    inputs: MOCO,
    usesPhi: false,
    constantInputs: ["k", "queue"],
    evaluate: (x, _phi, p) =>
      moco(x.q, x.k, x.queue, { heads: num(p, "heads"), temperature: num(p, "temperature") }).loss,
  },
  mocov3: {
    info: MOCOV3_INFO,
    inputs: MOCOV3,
    usesPhi: false,
    constantInputs: ["k1", "k2"],
    evaluate: (x, _phi, p) =>
      mocov3(x.q1, x.q2, x.k1, x.k2, { heads: num(p, "heads"), temperature: num(p, "temperature") }).loss,
  },
  simsiam: {
    info: SIMSIAM_INFO,
    inputs: SIAM,
    usesPhi: false,
    constantInputs: [],
    evaluate: (x, _phi, p) => simsiam(x.p1, x.z2, x.p2, x.z1, { heads: num(p, "heads") }).loss,
  },
  barlow: {
    info: BARLOW_INFO,
    inputs: XY,
    usesPhi: false,
    constantInputs: [],
    evaluate: (x, _phi, p) => barlow(x.z1, x.z2, { heads: num(p, "heads"), lambda: num(p, "lambda") }).loss,
  },
  amcl_ntxent: {
    info: AMCL_NTXENT_INFO,
    inputs: XY,
    usesPhi: true,
    constantInputs: [],
    evaluate: (x, phi, p) => amclNtxent(x.z1, x.z2, phi, { ...amclCommon(p), topk: num(p, "topk") }).loss,
  },
  amcl_ntxent_softmax: {
    info: AMCL_NTXENT_SOFTMAX_INFO,
    inputs: XY,
    usesPhi: true,
    constantInputs: [],
    evaluate: (x, phi, p) => amclNtxent(x.z1, x.z2, phi, { ...amclCommon(p), form: "softmax" }).loss,
  },
  amcl_ntxent_paperreg: {
    info: AMCL_NTXENT_PAPERREG_INFO,
    inputs: XY,
    usesPhi: true,
    constantInputs: [],
    evaluate: (x, phi, p) =>
      amclNtxent(x.z1, x.z2, phi, { ...amclCommon(p), topk: num(p, "topk"), negReg: "paper" }).loss,
  },
  amcl_infonce: {
    info: AMCL_INFONCE_INFO,
    inputs: XY,
    usesPhi: true,
    constantInputs: [],
    evaluate: (x, phi, p) => amclInfonce(x.z1, x.z2, phi, { ...amclCommon(p), topk: num(p, "topk") }).loss,
  },
  amcl_moco: {
    info: AMCL_MOCO_INFO,
    inputs: MOCO,
    usesPhi: true,
    constantInputs: ["k", "queue"],
    evaluate: (x, phi, p) =>
      amclMoco(x.q, x.k, x.queue, phi, { ...amclCommon(p), topk: num(p, "topk") }).loss,
  },
  amcl_mocov3: {
    info: AMCL_MOCOV3_INFO,
    inputs: MOCOV3,
    usesPhi: true,
    constantInputs: ["k1", "k2"],
    evaluate: (x, phi, p) =>
      amclMocov3(x.q1, x.q2, x.k1, x.k2, phi, { ...amclCommon(p), topk: num(p, "topk") }).loss,
  },
  amcl_simsiam: {
    info: AMCL_SIMSIAM_INFO,
    inputs: SIAM,
    usesPhi: true,
    constantInputs: [],
    evaluate: (x, phi, p) => amclSimsiam(x.p1, x.z2, x.p2, x.z1, phi, amclCommon(p)).loss,
  },
  amcl_barlow: {
    info: AMCL_BARLOW_INFO,
    inputs: XY,
    usesPhi: true,
    constantInputs: [],
    evaluate: (x, phi, p) =>
      amclBarlow(x.z1, x.z2, phi, {
        ...amclCommon(p),
        lambda: num(p, "lambda"),
        batchSize: num(p, "batchSize"),
      }).loss,
  },
};

/** The formula metadata of every loss (for tables T1/T2), in registry order. */
export function lossInfos(kind?: LossInfo["kind"]): LossInfo[] {
  return Object.values(LOSSES).map((e) => e.info).filter((i) => kind === undefined || i.kind === kind);
}
