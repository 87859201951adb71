/**
 * Exponential moving average of parameters: the momentum ("key", "target") encoder of
 * MoCo and LGP's MoCo v3 stage. Only parameters are averaged; buffers (BatchNorm running
 * statistics) of the target are its own, as in the reference code.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Module } from "../models/module.ts";

/** `target ← m·target + (1 − m)·online` for every parameter (matched by path). */
export function emaUpdate(target: Module, online: Module, m: number): void {
  const src = new Map(online.parameters().map((p) => [p.path, p.variable]));
  for (const p of target.parameters()) {
    const s = src.get(p.path);
    if (!s) throw new Error(`emaUpdate: online module has no parameter ${p.path}`);
    tf.tidy(() => p.variable.assign(tf.add(tf.mul(p.variable, m), tf.mul(s, 1 - m))));
  }
}
