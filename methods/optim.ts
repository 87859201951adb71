/**
 * Optimisers over groups of named parameters: SGD with momentum and weight decay, LARS and
 * AdamW. Biases and normalisation parameters (`NamedParam.decay === false`) get no weight
 * decay (and no LARS trust-ratio adaptation). Each group can scale the learning rate (LGP
 * trains its lower blocks at 0.1×). The state (step count and every slot) is serialisable
 * for checkpoints and restores bit-exactly.
 *
 * Update rules (lr = the scheduled rate × the group's multiplier; g the gradient):
 * - `sgd` (PyTorch): `g += wd·p` (decay params), `buf = μ·buf + g`, `p -= lr·buf`
 *   (Nesterov: `p -= lr·(g + μ·buf)`).
 * - `lars` (Barlow Twins' reference): decay params: `g += wd·p`, then
 *   `g *= η·‖p‖/‖g‖` when both norms are positive; `buf = μ·buf + g`, `p -= lr·buf`.
 *   Other params: plain momentum SGD.
 * - `adamw` (decoupled decay): `p *= 1 − lr·wd` (decay params), `m = β1·m + (1−β1)·g`,
 *   `v = β2·v + (1−β2)·g²`, `p -= lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε)`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { NamedParam } from "../models/module.ts";
import { UserError } from "../core/errors.ts";
import { sgdStep } from "../core/kernels/sgd_step.ts";

/** Optimiser names. */
export const OPTIMIZERS = ["sgd", "lars", "adamw"] as const;
/** An optimiser name. */
export type OptimizerKind = typeof OPTIMIZERS[number];

/** Optimiser settings (the learning rate itself comes from the schedule at each step). */
export interface OptimizerConfig {
  kind: OptimizerKind;
  /** Weight decay (decay params only). */
  weightDecay: number;
  /** Momentum μ (sgd, lars). Default 0.9. */
  momentum?: number;
  /** Nesterov momentum (sgd). Default false. */
  nesterov?: boolean;
  /** Adam β1, β2 (adamw). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Adam ε (adamw). Default 1e-8. */
  eps?: number;
  /** LARS trust coefficient η. Default 0.001. */
  larsEta?: number;
}

/** A group of parameters sharing a learning-rate multiplier. */
export interface ParamGroup {
  /** Name for records and errors, e.g. "blocks.lower". */
  name: string;
  params: NamedParam[];
  /** Learning-rate multiplier (default 1). */
  lrMult?: number;
}

/** Serialisable optimiser state: the step count and every slot's values by path. */
export interface OptimizerState {
  kind: OptimizerKind;
  step: number;
  /** slot name ("buf", "m", "v") → parameter path → values. */
  slots: Record<string, Record<string, { shape: number[]; values: Float32Array }>>;
}

/** Validates an optimiser configuration (boundary check). */
export function validateOptimizerConfig(c: OptimizerConfig): void {
  if (!(OPTIMIZERS as readonly string[]).includes(c.kind)) {
    throw new UserError(`unknown optimiser "${c.kind}"; use one of ${OPTIMIZERS.join(", ")}`);
  }
  if (!(c.weightDecay >= 0)) throw new UserError(`weight decay must be ≥ 0, got ${c.weightDecay}`);
  const m = c.momentum ?? 0.9;
  if (!(m >= 0 && m < 1)) throw new UserError(`momentum must be in [0, 1), got ${m}`);
}

interface Entry {
  param: NamedParam;
  lrMult: number;
  slots: Map<string, tf.Variable>;
}

/** An optimiser over parameter groups. */
export class Optimizer {
  readonly config: Required<OptimizerConfig>;
  readonly groups: ParamGroup[];
  #entries: Entry[] = [];
  #step = 0;

  constructor(config: OptimizerConfig, groups: ParamGroup[]) {
    validateOptimizerConfig(config);
    this.config = {
      kind: config.kind,
      weightDecay: config.weightDecay,
      momentum: config.momentum ?? 0.9,
      nesterov: config.nesterov ?? false,
      betas: config.betas ?? [0.9, 0.999],
      eps: config.eps ?? 1e-8,
      larsEta: config.larsEta ?? 0.001,
    };
    this.groups = groups;
    const slotNames = config.kind === "adamw" ? ["m", "v"] : ["buf"];
    const seen = new Set<string>();
    for (const g of groups) {
      for (const p of g.params) {
        if (seen.has(p.path)) throw new Error(`optimiser: parameter ${p.path} is in two groups`);
        seen.add(p.path);
        const slots = new Map<string, tf.Variable>();
        for (const s of slotNames) {
          const zeros = tf.zerosLike(p.variable);
          slots.set(s, tf.variable(zeros, false));
          zeros.dispose();
        }
        const e: Entry = { param: p, lrMult: g.lrMult ?? 1, slots };
        this.#entries.push(e);
      }
    }
  }

  /** Number of optimiser steps taken so far. */
  get step(): number {
    return this.#step;
  }

  /** The trainable variables, in group order (pass to `tf.variableGrads`). */
  variables(): tf.Variable[] {
    return this.#entries.map((e) => e.param.variable);
  }

  /** The effective learning rate of each group at base rate `lr`. */
  groupRates(lr: number): Array<{ name: string; lr: number }> {
    return this.groups.map((g) => ({ name: g.name, lr: lr * (g.lrMult ?? 1) }));
  }

  /**
   * Applies one update at base learning rate `lr`. `grads` maps variable names (as
   * returned by `tf.variableGrads`) to gradients; parameters without a gradient are left
   * untouched. Does not dispose `grads`.
   */
  apply(grads: Record<string, tf.Tensor | null>, lr: number): void {
    this.#step += 1;
    const t = this.#step;
    const c = this.config;
    for (const e of this.#entries) {
      const g = grads[e.param.variable.name];
      if (!g) continue;
      const rate = lr * e.lrMult;
      const p = e.param.variable;
      const decay = e.param.decay;
      tf.tidy(() => {
        if (c.kind === "adamw") {
          const [b1, b2] = c.betas;
          const m = e.slots.get("m")!;
          const v = e.slots.get("v")!;
          const m1 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
          const v1 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
          m.assign(m1);
          v.assign(v1);
          const mHat = tf.div(m1, 1 - Math.pow(b1, t));
          const vHat = tf.div(v1, 1 - Math.pow(b2, t));
          const base = decay && c.weightDecay > 0 ? tf.mul(p, 1 - rate * c.weightDecay) : p;
          p.assign(tf.sub(base, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), c.eps)), rate)));
          return;
        }
        const buf = e.slots.get("buf")!;
        if (c.kind === "sgd") {
          // One fused kernel where the backend has it (bit for bit the ops below).
          const fused = sgdStep(p, g, buf, {
            lr: rate,
            weightDecay: decay ? c.weightDecay : 0,
            momentum: c.momentum,
            nesterov: c.nesterov,
          });
          if (fused) {
            if (c.momentum > 0) buf.assign(fused[1]);
            p.assign(fused[0]);
            return;
          }
        }
        let d: tf.Tensor = g;
        if (decay && c.weightDecay > 0) d = tf.add(d, tf.mul(p, c.weightDecay));
        if (c.kind === "lars" && decay) {
          const pn = tf.norm(p);
          const gn = tf.norm(d);
          const trust = tf.where(
            tf.logicalAnd(tf.greater(pn, 0), tf.greater(gn, 0)),
            tf.div(tf.mul(pn, c.larsEta), gn),
            tf.onesLike(pn),
          );
          d = tf.mul(d, trust);
        }
        const b1 = c.momentum > 0 ? tf.add(tf.mul(buf, c.momentum), d) : d;
        if (c.momentum > 0) buf.assign(b1);
        const upd = c.nesterov && c.kind === "sgd" ? tf.add(d, tf.mul(b1, c.momentum)) : b1;
        p.assign(tf.sub(p, tf.mul(upd, rate)));
      });
    }
  }

  /** A copy of the state (step and slots) for a checkpoint. */
  async state(): Promise<OptimizerState> {
    const slots: OptimizerState["slots"] = {};
    for (const e of this.#entries) {
      for (const [s, v] of e.slots) {
        slots[s] ??= {};
        slots[s][e.param.path] = { shape: v.shape.slice(), values: (await v.data()) as Float32Array };
      }
    }
    return { kind: this.config.kind, step: this.#step, slots };
  }

  /** Restores a state written by {@link state}; the parameter set must match. */
  loadState(s: OptimizerState): void {
    if (s.kind !== this.config.kind) {
      throw new UserError(`checkpoint optimiser is ${s.kind}, this run uses ${this.config.kind}`);
    }
    for (const e of this.#entries) {
      for (const [name, v] of e.slots) {
        const saved = s.slots[name]?.[e.param.path];
        if (!saved || saved.shape.join("x") !== v.shape.join("x")) {
          throw new UserError(
            `checkpoint has no optimiser slot ${name} of shape [${v.shape}] for ${e.param.path}; ` +
              `it was written by another configuration`,
          );
        }
        tf.tidy(() => v.assign(tf.tensor(saved.values, saved.shape, "float32")));
      }
    }
    this.#step = s.step;
  }

  /** Frees the slot variables (not the parameters). */
  dispose(): void {
    for (const e of this.#entries) for (const v of e.slots.values()) v.dispose();
    this.#entries = [];
  }
}

/**
 * Scales `grads` in place (by replacing entries) so that their global L2 norm is at most
 * `maxNorm` (PyTorch's `clip_grad_norm_`: factor `maxNorm / (norm + 1e-6)` when < 1).
 * Returns the norm before clipping. Replaced tensors are disposed.
 */
export function clipGradNorm(grads: Record<string, tf.Tensor | null>, maxNorm: number): number {
  const keys = Object.keys(grads).filter((k) => grads[k] != null);
  if (keys.length === 0) return 0;
  const norm = tf.tidy(() => {
    const sq = keys.map((k) => tf.sum(tf.square(grads[k]!)));
    return tf.sqrt(tf.addN(sq));
  });
  const total = norm.dataSync()[0];
  norm.dispose();
  if (Number.isFinite(maxNorm) && maxNorm > 0) {
    const coef = maxNorm / (total + 1e-6);
    if (coef < 1) {
      for (const k of keys) {
        const old = grads[k]!;
        grads[k] = tf.mul(old, coef);
        old.dispose();
      }
    }
  }
  return total;
}
