/**
 * The adaptive temperature of AMCL (spec amcl.md §2, paper Eq. 3) and the switches of the
 * temperature ablations (spec §6, §8).
 *
 * One MLP φ is shared by all heads and all loss terms:
 *
 *     φ(x) = relu(x·w1 + b1)·w2 + b2            (x a row vector; w1 [in, hidden], w2 [hidden, in])
 *     τ(a, b) = tauMin + (tauMax − tauMin) · sigmoid(−⟨φ(a), φ(b)⟩)
 *
 * so τ ∈ (tauMin, tauMax), and a larger score r = ⟨φ(a), φ(b)⟩ gives a smaller τ.
 * Everything is float32.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { gram, matmul } from "./products.ts";
import { check } from "../../core/errors.ts";
import { fmtShape } from "./validate.ts";

import type { PhiParams } from "../../models/temperature.ts";
/** The weights of φ, as the models room's temperature MLP exposes them (`tensors()`). */
export type { PhiParams };

/** A temperature side: adaptive (from φ) or a constant. */
export type TauSetting = "adaptive" | number;

/** Temperature options shared by every AMCL loss (spec §6 and §8). */
export interface TemperatureOptions {
  /** Lower bound η of τ (default 1e-5); must be > 0 and < tauMax. */
  tauMin?: number;
  /** Upper bound η + ι of τ (default 2). */
  tauMax?: number;
  /** Both sides at once: "adaptive" (default) or a constant τ for every pair. */
  tau?: TauSetting;
  /** Positive pairs only (overrides `tau`). */
  tauPositive?: TauSetting;
  /** Negative pairs only (overrides `tau`). */
  tauNegative?: TauSetting;
  /** "each" (default): head c's temperatures from head c's features; 1: from head 1's. */
  tauFromHead?: "each" | 1;
}

/** Validated temperature settings. */
export interface TemperatureSettings {
  tauMin: number;
  tauMax: number;
  positive: TauSetting;
  negative: TauSetting;
  fromHead: "each" | 1;
}

/** Default lower bound of τ (spec §2). */
export const TAU_MIN = 1e-5;
/** Default upper bound of τ (spec §2). */
export const TAU_MAX = 2.0;

function checkSide(loss: string, name: string, v: TauSetting): TauSetting {
  check(
    v === "adaptive" || (typeof v === "number" && Number.isFinite(v) && v > 0),
    `${loss}: ${name} = ${JSON.stringify(v)}; expected "adaptive" or a constant temperature > 0`,
  );
  return v;
}

/** Validates the temperature options and fills in defaults. */
export function resolveTemperature(loss: string, opts: TemperatureOptions): TemperatureSettings {
  const tauMin = opts.tauMin ?? TAU_MIN;
  const tauMax = opts.tauMax ?? TAU_MAX;
  check(
    Number.isFinite(tauMin) && tauMin > 0,
    `${loss}: tauMin = ${tauMin}; expected a finite number > 0 (Ω has log τ and 1/τ)`,
  );
  check(
    Number.isFinite(tauMax) && tauMin < tauMax,
    `${loss}: tauMin = ${tauMin} must be < tauMax = ${tauMax}; lower tauMin or raise tauMax`,
  );
  const both = checkSide(loss, "tau", opts.tau ?? "adaptive");
  const fromHead = opts.tauFromHead ?? "each";
  check(
    fromHead === "each" || fromHead === 1,
    `${loss}: tauFromHead = ${JSON.stringify(fromHead)}; expected "each" or 1`,
  );
  return {
    tauMin,
    tauMax,
    positive: checkSide(loss, "tauPositive", opts.tauPositive ?? both),
    negative: checkSide(loss, "tauNegative", opts.tauNegative ?? both),
    fromHead,
  };
}

/** True when any side uses φ. */
export function needsPhi(s: TemperatureSettings): boolean {
  return s.positive === "adaptive" || s.negative === "adaptive";
}

/**
 * Checks φ's shapes for input width `inDim` (D, or B for Barlow Twins); φ may be null only
 * when no side is adaptive. Returns φ (or null).
 */
export function checkPhi(
  loss: string,
  phi: PhiParams | null | undefined,
  inDim: number,
  s: TemperatureSettings,
): PhiParams | null {
  if (!needsPhi(s)) return phi ?? null;
  check(phi, `${loss}: adaptive temperatures need φ (PhiParams); pass phi or set tau to a constant`);
  const { w1, b1, w2, b2 } = phi;
  const hidden = w1.shape[1];
  const ok = w1.rank === 2 && w1.shape[0] === inDim && b1.rank === 1 && b1.shape[0] === hidden &&
    w2.rank === 2 && w2.shape[0] === hidden && w2.shape[1] === inDim && b2.rank === 1 &&
    b2.shape[0] === inDim;
  check(
    ok,
    () =>
      `${loss}: φ has w1 ${fmtShape(w1.shape)}, b1 ${fmtShape(b1.shape)}, w2 ${fmtShape(w2.shape)}, ` +
      `b2 ${fmtShape(b2.shape)}; expected w1 [${inDim}, h], b1 [h], w2 [h, ${inDim}], b2 [${inDim}] ` +
      `(φ maps R^${inDim} → R^${inDim})`,
  );
  return phi;
}

/** φ(x) = relu(x·w1 + b1)·w2 + b2 for the rows of x [N, in]. */
export function phiForward(x: tf.Tensor2D, phi: PhiParams): tf.Tensor2D {
  return tf.tidy(() => {
    const h = tf.relu(tf.add(matmul(x, phi.w1), phi.b1)) as tf.Tensor2D;
    return tf.add(matmul(h, phi.w2), phi.b2) as tf.Tensor2D;
  });
}

/** τ = tauMin + (tauMax − tauMin)·sigmoid(−r), elementwise on scores r. */
export function boundTemperature<T extends tf.Tensor>(r: T, tauMin: number, tauMax: number): T {
  return tf.tidy(() => boundSigmoid(tf.sigmoid(tf.neg(r)) as T, tauMin, tauMax));
}

/** τ = tauMin + (tauMax − tauMin)·s from s = sigmoid(−r) (the ops of {@link boundTemperature}). */
export function boundSigmoid<T extends tf.Tensor>(s: T, tauMin: number, tauMax: number): T {
  return tf.add(tf.mul(s, tauMax - tauMin), tauMin) as T;
}

/** Pairwise temperatures τ(a_i, b_j) [M, N] from φ outputs φ(a) [M, D], φ(b) [N, D]. */
export function pairTemperatures(
  phiA: tf.Tensor2D,
  phiB: tf.Tensor2D,
  tauMin: number,
  tauMax: number,
): tf.Tensor2D {
  return tf.tidy(() => boundTemperature(gram(phiA, phiB), tauMin, tauMax));
}

/** Row-wise temperatures τ(a_i, b_i) [N] from φ outputs φ(a), φ(b) [N, D]. */
export function rowTemperatures(
  phiA: tf.Tensor2D,
  phiB: tf.Tensor2D,
  tauMin: number,
  tauMax: number,
): tf.Tensor1D {
  return tf.tidy(() => boundTemperature(tf.sum(tf.mul(phiA, phiB), 1) as tf.Tensor1D, tauMin, tauMax));
}

/**
 * τ(a_i, b_i) for the rows of two feature matrices [N, in] (features as given: the
 * contrastive losses pass L2-normalised features, Barlow Twins raw channel vectors).
 */
export function temperature(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  phi: PhiParams,
  tauMin = TAU_MIN,
  tauMax = TAU_MAX,
): tf.Tensor1D {
  return tf.tidy(() => rowTemperatures(phiForward(a, phi), phiForward(b, phi), tauMin, tauMax));
}
