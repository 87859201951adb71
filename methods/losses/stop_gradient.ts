/**
 * Stop-gradient for tfjs-core (which has no such op): the identity in the forward pass, a
 * zero gradient in the backward pass. Built with `tf.customGrad`, whose forward function
 * runs off the gradient tape, so ops inside it (even ones without a registered gradient,
 * such as TopK) never take part in back-propagation. Works on every backend.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { untaped } from "../../core/gradients.ts";

/** `sg(x)`: returns a copy of `x` whose gradient is zero. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const f = tf.customGrad((a) => ({
    value: (a as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => tf.zeros(dy.shape),
  }));
  return f(x) as T;
}

/**
 * Runs `fn(...inputs)` as one non-differentiable step: its result carries zero gradient to
 * every input, and none of the ops inside are recorded for back-propagation.
 */
export function withoutGradient<T extends tf.Tensor>(
  fn: (...xs: tf.Tensor[]) => T,
  ...inputs: tf.Tensor[]
): T {
  const shapes = inputs.map((t) => t.shape);
  const f = tf.customGrad((...args) => {
    const xs = args.slice(0, inputs.length) as tf.Tensor[];
    const out = fn(...xs);
    return {
      value: xs.includes(out) ? out.clone() : out,
      gradFunc: () => shapes.map((s) => tf.zeros(s)),
    };
  });
  return f(...inputs) as T;
}

/**
 * `fn()` evaluated off the gradient tape, as a constant: unlike {@link withoutGradient}, the
 * result is not linked to the tensors `fn` reads, so back-propagation neither passes zeros
 * to them nor differentiates anything that feeds them only through it (e.g. the row maximum
 * of a stable log-sum-exp: `stopGradient(tf.max(x))` still runs Max's gradient — an Equal,
 * a Cast and a Multiply over x — only to multiply by zero). No kernel call of its own
 * ({@link untaped}).
 */
export function offTape<T extends tf.Tensor>(fn: () => T): T {
  return untaped(fn);
}
