/**
 * The MoCo queue: one FIFO of L2-normalised keys per head, a buffer of shape [C, D, K]
 * (spec amcl.md §5), plus its write pointer (a buffer too, so checkpoints hold it). Keys
 * are enqueued after the optimiser step; the oldest K are overwritten first.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import { Module } from "../models/module.ts";

/** A per-head FIFO queue of keys. */
export class KeyQueue extends Module {
  readonly queue: tf.Variable;
  readonly ptr: tf.Variable;

  /** A queue of `size` random unit keys of width `dim` for each of `heads` heads. */
  constructor(rng: Rng, readonly heads: number, readonly dim: number, readonly size: number) {
    super();
    const init = tf.tidy(() => {
      const r = tf.tensor(rng.normals(heads * dim * size), [heads, dim, size]);
      return tf.div(r, tf.norm(r, 2, 1, true));
    });
    this.queue = this.buffer("queue", init);
    this.ptr = this.buffer("ptr", tf.scalar(0, "int32"));
  }

  /** The queue as negatives for head-wise losses, [C, K, D] (a new tensor). */
  negatives(): tf.Tensor3D {
    return tf.transpose(this.queue, [0, 2, 1]) as tf.Tensor3D;
  }

  /** Writes `keys` [B, C, D] (already L2-normalised) at the pointer, wrapping around. */
  enqueue(keys: tf.Tensor3D): void {
    const [b, c, d] = keys.shape;
    if (c !== this.heads || d !== this.dim) {
      throw new Error(`KeyQueue.enqueue: keys [${keys.shape}] do not match [B, ${this.heads}, ${this.dim}]`);
    }
    const k = this.size;
    const ptr = this.ptr.dataSync()[0];
    const n = Math.min(b, k);
    const next = tf.tidy(() => {
      const kt = tf.transpose(tf.slice(keys, [b - n, 0, 0], [n, -1, -1]), [1, 2, 0]); // [C, D, n]
      const first = Math.min(n, k - ptr);
      const parts: tf.Tensor[] = [];
      if (first < n) {
        // wrap: the tail of the keys goes to the front of the queue
        const wrap = n - first;
        parts.push(tf.slice(kt, [0, 0, first], [-1, -1, wrap]));
        if (ptr > wrap) parts.push(tf.slice(this.queue, [0, 0, wrap], [-1, -1, ptr - wrap]));
        parts.push(tf.slice(kt, [0, 0, 0], [-1, -1, first]));
      } else {
        if (ptr > 0) parts.push(tf.slice(this.queue, [0, 0, 0], [-1, -1, ptr]));
        parts.push(kt);
        if (ptr + n < k) parts.push(tf.slice(this.queue, [0, 0, ptr + n], [-1, -1, k - ptr - n]));
      }
      return parts.length === 1 ? parts[0].clone() : tf.concat(parts, 2);
    });
    this.queue.assign(next);
    next.dispose();
    tf.tidy(() => this.ptr.assign(tf.scalar((ptr + n) % k, "int32")));
  }
}
