/**
 * The temperature regulariser of AMCL (spec amcl.md §3, paper Eqs. 2.1–2.3):
 *
 *     Ω(τ) = (d'/2)·log τ + 1/τ,       minimum at τ = 2/d'
 *
 * and the reference's top-κ negative form without the d'/2 factor, `log τ + 1/τ`
 * (spec §5, "note: no d'/2 factor here").
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** Ω(τ) = (d/2)·log τ + 1/τ, elementwise. */
export function omega<T extends tf.Tensor>(tau: T, d: number): T {
  return tf.tidy(() => tf.add(tf.mul(tf.log(tau), d / 2), tf.reciprocal(tau)) as T);
}

/** The reference top-κ negative regulariser term `log τ + 1/τ`, elementwise. */
export function omegaNoScale<T extends tf.Tensor>(tau: T): T {
  return tf.tidy(() => tf.add(tf.log(tau), tf.reciprocal(tau)) as T);
}
