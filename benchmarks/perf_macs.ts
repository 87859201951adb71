/**
 * Multiply–accumulates of the dense kernels of one profiled step: convolutions (forward,
 * input gradient, filter gradient) and matrix products, read from the shapes `tf.profile`
 * records. An AMCL step's MACs over its baseline's is the least extra cost any
 * implementation can have at that shape (the work the extra heads, φ and the loss's products
 * must do), so the perf table shows it next to the measured time ratio: the gap between the
 * two is implementation overhead, the floor itself is not.
 *
 * Element-wise kernels are not counted (cheap per element, not free), and a MAC's price
 * differs between kernels (on wasm the matrix products run faster per MAC than the
 * convolutions), so the floor is approximate: a time ratio can sit slightly under it when
 * the extra work is all products.
 *
 * @module
 */

/** What a profiled kernel records (a subset of tfjs' `KernelInfo`). */
export interface ProfiledKernel {
  name: string;
  inputShapes: number[][];
  outputShapes: number[][];
}

const size = (s: readonly number[] | undefined) => (s ?? []).reduce((a, b) => a * b, 1);

/** MACs of one kernel call (0 for kernels that are not dense products). */
export function kernelMacs(k: ProfiledKernel): number {
  const [a, b] = k.inputShapes;
  const out = k.outputShapes[0];
  switch (k.name) {
    case "Conv2D":
    case "FusedConv2D": {
      // out [N, H', W', O] × (kh·kw·I) per output element; filter [kh, kw, I, O].
      const f = b;
      return f && out ? size(out) * size(f) / f[3] : 0;
    }
    case "Conv2DBackpropInput": {
      // inputs dy [N, H', W', O], filter [kh, kw, I, O]: the forward's MACs again.
      const f = b;
      return a && f ? size(a) * size(f) / f[3] : 0;
    }
    case "Conv2DBackpropFilter": {
      // inputs x, dy [N, H', W', O]; output the filter [kh, kw, I, O].
      return b && out ? size(b) * size(out) / out[3] : 0;
    }
    case "BatchMatMul":
    case "_FusedMatMul": {
      // a [..., M, K], b [..., K, N] in some transposition, out [..., M, N]: per matrix,
      // (M·K)(K·N)/(M·N) = K² (also with a broadcast batch).
      if (!a || !b || !out || a.length < 2 || b.length < 2 || out.length < 2) return 0;
      const last2 = (s: number[]) => s[s.length - 2] * s[s.length - 1];
      return size(out) * Math.round(Math.sqrt(last2(a) * last2(b) / last2(out)));
    }
    default:
      return 0;
  }
}

/** MACs of every dense kernel in a profiled step. */
export function denseMacs(kernels: readonly ProfiledKernel[]): number {
  let n = 0;
  for (const k of kernels) n += kernelMacs(k);
  return n;
}
