/**
 * The minimal module system every model is built from: named parameters (trainable
 * `tf.Variable`s), buffers (non-trainable state such as BatchNorm running statistics),
 * child modules, and a forward context that carries the train/eval mode and the buffer
 * updates a training forward pass produces.
 *
 * Buffer updates are *collected* during the forward pass (never assigned inside a gradient
 * computation) and applied by the training loop after the optimiser step with
 * {@link applyUpdates}.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";

/** A pending assignment of a new value to a buffer (e.g. a running mean). */
export interface BufferUpdate {
  variable: tf.Variable;
  value: tf.Tensor;
}

/** Forward-pass context: mode and the buffer updates produced so far. */
export interface Ctx {
  /** Training mode: BatchNorm uses batch statistics and records running-stat updates. */
  training: boolean;
  /** Buffer updates to apply after the step (kept tensors; {@link applyUpdates} frees them). */
  updates: BufferUpdate[];
  /**
   * The batch holds this many independent batches of equal size along axis 0 (a step's
   * views encoded in one pass); BatchNorm normalises each with its own statistics, exactly
   * as separate calls would. Absent: 1.
   */
  groups?: number;
}

/**
 * `f(x1, c)` and `f(x2, c)` as one call on the rows of both, `[x1; x2]`, with `groups: 2`
 * (BatchNorm statistics per half), split back: the values and gradients of two calls with
 * half the kernel calls and twice the rows per product. Inputs of different shapes, or a
 * context already grouped, take two calls.
 */
export function bothViews<I extends tf.Tensor, O extends tf.Tensor>(
  f: (x: I, c: Ctx) => O,
  x1: I,
  x2: I,
  c: Ctx,
): [O, O] {
  if (!tf.util.arraysEqual(x1.shape, x2.shape) || (c.groups ?? 1) !== 1) return [f(x1, c), f(x2, c)];
  const g: Ctx = { ...c, groups: 2 };
  return tf.split(f(tf.concat([x1, x2], 0) as I, g), 2, 0) as [O, O];
}

/** A fresh context. */
export function ctx(training: boolean): Ctx {
  return { training, updates: [] };
}

/**
 * The value `variable` holds once the updates recorded so far in `c` are applied: the last
 * recorded one, or the variable itself. A second update in the same step builds on it, as
 * PyTorch's in-place update would.
 */
export function pendingValue(c: Ctx, variable: tf.Variable): tf.Tensor {
  for (let i = c.updates.length - 1; i >= 0; i--) {
    if (c.updates[i].variable === variable) return c.updates[i].value;
  }
  return variable;
}

/**
 * Applies and frees the buffer updates collected in `c`: each variable takes its last
 * recorded value (which already builds on the earlier ones, see {@link pendingValue}).
 */
export function applyUpdates(c: Ctx): void {
  const last = new Map<tf.Variable, tf.Tensor>();
  for (const u of c.updates) last.set(u.variable, u.value);
  for (const [variable, value] of last) variable.assign(value);
  for (const u of c.updates) u.value.dispose();
  c.updates.length = 0;
}

/** Drops the buffer updates collected in `c` without applying them. */
export function discardUpdates(c: Ctx): void {
  for (const u of c.updates) u.value.dispose();
  c.updates.length = 0;
}

/** Records a buffer update, keeping the value alive past the surrounding `tf.tidy`. */
export function recordUpdate(c: Ctx, variable: tf.Variable, value: tf.Tensor): void {
  c.updates.push({ variable, value: tf.keep(value) });
}

/** A parameter with its dotted path and optimiser hints. */
export interface NamedParam {
  /** Dotted path, e.g. `backbone.layer1.0.conv1.weight`. */
  path: string;
  variable: tf.Variable;
  /** False for biases and normalisation parameters (no weight decay, no LARS adaptation). */
  decay: boolean;
}

/** Base class: owns parameters, buffers and child modules under stable names. */
export class Module {
  #params = new Map<string, { variable: tf.Variable; decay: boolean }>();
  #buffers = new Map<string, tf.Variable>();
  #children = new Map<string, Module>();

  /** Registers a trainable parameter initialised from `init` (which it takes over). */
  protected param(name: string, init: tf.Tensor, decay = true): tf.Variable {
    const v = tf.variable(init, true);
    init.dispose();
    this.#params.set(name, { variable: v, decay });
    return v;
  }

  /** Registers a non-trainable buffer initialised from `init` (which it takes over). */
  protected buffer(name: string, init: tf.Tensor): tf.Variable {
    const v = tf.variable(init, false);
    init.dispose();
    this.#buffers.set(name, v);
    return v;
  }

  /** Registers a child module under `name` and returns it. */
  protected child<M extends Module>(name: string, module: M): M {
    this.#children.set(name, module);
    return module;
  }

  /** Every trainable parameter of this module and its children, depth first. */
  parameters(prefix = ""): NamedParam[] {
    const out: NamedParam[] = [];
    for (const [n, p] of this.#params) out.push({ path: prefix + n, variable: p.variable, decay: p.decay });
    for (const [n, c] of this.#children) out.push(...c.parameters(`${prefix}${n}.`));
    return out;
  }

  /** Every buffer of this module and its children. */
  buffers(prefix = ""): Array<{ path: string; variable: tf.Variable }> {
    const out: Array<{ path: string; variable: tf.Variable }> = [];
    for (const [n, v] of this.#buffers) out.push({ path: prefix + n, variable: v });
    for (const [n, c] of this.#children) out.push(...c.buffers(`${prefix}${n}.`));
    return out;
  }

  /** Parameters and buffers by path: the module's full state (for checkpoints). */
  state(): Map<string, tf.Variable> {
    const m = new Map<string, tf.Variable>();
    for (const p of this.parameters()) m.set(p.path, p.variable);
    for (const b of this.buffers()) m.set(b.path, b.variable);
    return m;
  }

  /** Number of trainable scalars. */
  countParams(): number {
    return this.parameters().reduce((s, p) => s + p.variable.size, 0);
  }

  /** Frees every variable. */
  dispose(): void {
    for (const v of this.state().values()) v.dispose();
  }
}

/** Copies values from one module's state into another of the same architecture. */
export function copyState(from: Module, to: Module): void {
  const src = from.state();
  for (const [path, v] of to.state()) {
    const s = src.get(path);
    if (!s) throw new Error(`copyState: no ${path} in source module`);
    v.assign(s);
  }
}
