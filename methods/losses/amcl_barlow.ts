/**
 * AMCL Barlow Twins (spec amcl.md §5 "Barlow Twins", paper Eq. 2.3; vectors README
 * "amcl_barlow"). Per head c, C the cross-correlation exactly as in the baseline, and a
 * D × D temperature matrix from the **raw channel vectors** z1[:, c, l], z2[:, c, m] ∈ R^B
 * through a φ that maps R^B → R^B (so the batch size B is fixed for a run):
 *
 *     τ_lm = τ(z1[:, c, l], z2[:, c, m])        (not symmetric; diagonal = τ⁺)
 *     L_c = Σ_l (1 − C_ll/τ_ll)² + λ Σ_{l≠m} C_lm²/τ_lm + β Σ_l Ω(τ_ll) − β Σ_{l≠m} Ω(τ_lm)
 *
 * Ω with d' = D, all D(D − 1) off-diagonal pairs, no top-κ; heads **summed**; one φ for all
 * heads. A constant side drops its Ω terms (spec §6).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { check } from "../../core/errors.ts";
export { AMCL_BARLOW_INFO } from "./formulas.ts";
import { crossCorrelation } from "./cross_correlation.ts";
import { diagonal } from "../../core/kernels/diagonal.ts";
import { omega } from "./omega.ts";
import { gram } from "./products.ts";
import { firstHead, headsFirst } from "./heads.ts";
import { barlowMapFused, barlowMapTerm } from "./amcl_barlow_map.ts";
import {
  boundTemperature,
  checkPhi,
  phiForward,
  type PhiParams,
  resolveTemperature,
  type TemperatureOptions,
} from "./temperature.ts";
import { checkNumber, checkViews } from "./validate.ts";
import { withoutGradient } from "./stop_gradient.ts";
import {
  type HeadTemperatures,
  keepTemperatures,
  type LossOutput,
  type TemperatureRequest,
} from "./output.ts";

/** Options of {@link amclBarlow}. */
export interface AmclBarlowOptions extends TemperatureOptions, TemperatureRequest {
  heads: number;
  /** Off-diagonal weight λ (5e-3). */
  lambda: number;
  /** Regulariser weight β (paper scale: 1e-6). */
  beta: number;
  /** The fixed batch size B (φ maps R^B → R^B). */
  batchSize: number;
  /**
   * With both sides adaptive on a host backend (cpu, wasm, native) the map term runs as one
   * fused op (amcl_barlow_map.ts); `false` keeps the op-by-op form there too (the same
   * values up to float32 rounding; for comparisons).
   */
  fusedMap?: boolean;
}

/** AMCL Barlow Twins on raw z1, z2 [B, C, D] with φ: R^B → R^B; heads summed. */
export function amclBarlow(
  z1: tf.Tensor,
  z2: tf.Tensor,
  phi: PhiParams | null,
  opts: AmclBarlowOptions,
): LossOutput {
  const loss = "amcl_barlow";
  const { batch, dim } = checkViews(loss, { z1, z2 }, opts.heads, 2);
  checkNumber(loss, "lambda", opts.lambda, 0, false);
  checkNumber(loss, "beta", opts.beta, 0, false);
  check(
    Number.isInteger(opts.batchSize) && opts.batchSize >= 2,
    `${loss}: batchSize = ${opts.batchSize}; expected an integer ≥ 2 (the fixed batch size of the run)`,
  );
  check(
    batch === opts.batchSize,
    `${loss}: batch size ${batch} ≠ configured batchSize ${opts.batchSize}; φ maps R^${opts.batchSize} → ` +
      `R^${opts.batchSize}, so every batch must have exactly ${opts.batchSize} samples (drop the last partial batch)`,
  );
  const temp = resolveTemperature(loss, opts);
  const f = checkPhi(loss, phi, batch, temp);
  const want = opts.returnTemperatures === true;
  const temps: HeadTemperatures[] = [];
  const out = tf.tidy(() => {
    // The heads as a batch axis: [C, B, D] views, [C, D, D] maps; every sum of the loss runs
    // over all heads' entries at once (the heads are summed), one op where a loop took C.
    const heads = opts.heads;
    const h1 = headsFirst(z1), h2 = headsFirst(z2);
    const cm = crossCorrelation(h1, h2);
    // φ on the channel vectors (the columns of each head's [B, D]), of head 1 only when
    // tauFromHead = 1: the temperature logits [F, D, D], F = C or 1.
    const from = temp.fromHead === 1 ? 1 : heads;
    const channels = (h: tf.Tensor3D) => {
      const src = from === heads ? h : firstHead(h);
      const rows = tf.reshape(tf.transpose(src, [0, 2, 1]), [from * dim, batch]) as tf.Tensor2D;
      return tf.reshape(phiForward(rows, f!), [from, dim, batch]) as tf.Tensor3D;
    };
    const adaptive = temp.positive === "adaptive" || temp.negative === "adaptive";
    const logits = adaptive ? gram(channels(h1), channels(h2)) : null;
    if (
      temp.positive === "adaptive" && temp.negative === "adaptive" && opts.fusedMap !== false &&
      barlowMapFused()
    ) {
      // Both sides adaptive on a host backend: the whole map term as one fused op.
      const { loss: l, tau } = barlowMapTerm(cm, logits!, { ...temp, lambda: opts.lambda, beta: opts.beta });
      if (want) collectTemperatures(temps, heads, diagonal(tau), tau, dim);
      tau.dispose();
      keepTemperatures(temps);
      return l;
    }
    const diag = diagonal(cm);
    let tm: tf.Tensor3D | null = null;
    if (logits) {
      const t = boundTemperature(logits, temp.tauMin, temp.tauMax);
      tm = from === heads ? t : tf.tile(t, [heads, 1, 1]);
    }
    const tmDiag = tm ? diagonal(tm) : null;
    const tauPos = temp.positive === "adaptive" ? tmDiag! : temp.positive;
    const tauNeg = temp.negative === "adaptive" ? tm! : temp.negative;
    const negDiag = temp.negative === "adaptive" ? tmDiag! : temp.negative;
    let l = tf.sum(tf.square(tf.sub(1, tf.div(diag, tauPos))));
    // Off-diagonal sums as the full sum less the diagonal's (Σ_{l≠m} a_lm = Σ a − Σ_l a_ll):
    // no pass of a [D, D] mask, forward or backward.
    const offSq = tf.sub(tf.sum(tf.div(tf.square(cm), tauNeg)), tf.sum(tf.div(tf.square(diag), negDiag)));
    l = tf.add(l, tf.mul(offSq, opts.lambda));
    const omegaDiag = opts.beta !== 0 && tmDiag ? omega(tmDiag, dim) : null;
    if (opts.beta !== 0 && typeof tauPos !== "number") {
      l = tf.add(l, tf.mul(tf.sum(omegaDiag!), opts.beta));
    }
    if (opts.beta !== 0 && typeof tauNeg !== "number") {
      l = tf.sub(l, tf.mul(tf.sub(tf.sum(omega(tauNeg, dim)), tf.sum(omegaDiag!)), opts.beta));
    }
    if (want) collectTemperatures(temps, heads, tauPos, tauNeg, dim);
    keepTemperatures(temps);
    return l as tf.Scalar;
  });
  return want ? { loss: out, temperatures: temps } : { loss: out };
}

/**
 * Each head's τ⁺ [D] and τ⁻ [D(D − 1)] (off the tape) into `temps`: from maps of one or C
 * heads ([F, D] and [F, D, D]; with F = 1 every head has head 1's), or constants.
 */
function collectTemperatures(
  temps: HeadTemperatures[],
  heads: number,
  pos: tf.Tensor | number,
  neg: tf.Tensor | number,
  dim: number,
): void {
  for (let h = 0; h < heads; h++) {
    const positive = typeof pos === "number"
      ? tf.fill([dim], pos) as tf.Tensor1D
      : tf.reshape(tf.slice(pos, [pos.shape[0] === 1 ? 0 : h, 0], [1, dim]), [dim]) as tf.Tensor1D;
    const negative = typeof neg === "number"
      ? tf.fill([dim * (dim - 1)], neg) as tf.Tensor1D
      : offDiagonalValues(
        tf.reshape(tf.slice(neg, [neg.shape[0] === 1 ? 0 : h, 0, 0], [1, dim, dim]), [
          dim,
          dim,
        ]) as tf.Tensor2D,
      );
    temps.push({ positive: withoutGradient((t) => t.clone(), positive) as tf.Tensor1D, negative });
  }
}

/**
 * The D(D − 1) off-diagonal entries of a [D, D] matrix, row-major (not differentiable):
 * dropping the first entry of the flat matrix and reading the rest as [D − 1, D + 1] puts
 * each diagonal entry in the last column, so two slices suffice (no index tensor, no gather).
 */
function offDiagonalValues(m: tf.Tensor2D): tf.Tensor1D {
  const d = m.shape[0];
  return withoutGradient(
    (x) =>
      tf.tidy(() => {
        const rest = tf.reshape(tf.slice(tf.reshape(x, [d * d]), [1], [d * d - 1]), [d - 1, d + 1]);
        return tf.reshape(tf.slice(rest, [0, 0], [d - 1, d]), [d * (d - 1)]) as tf.Tensor1D;
      }),
    m,
  );
}
