/**
 * AMCL SimSiam (spec amcl.md §5 "SimSiam", paper Eq. 2.2; vectors README "amcl_simsiam").
 * No negatives; both regularisers positive. Per head, with a = n(p1), b = n(sg z2),
 * c = n(p2), e = n(sg z1), τ1 = τ(a, b), τ2 = τ(c, e):
 *
 *     L_c = mean_i [ −½ s(a,b)/τ1 − ½ s(c,e)/τ2 + β Ω(τ1) + β Ω(τ2) ]
 *
 * (the similarity terms carry ½, the regularisers do not); heads **summed**. The targets
 * z1, z2 pass through a stop-gradient (also inside φ), so their gradients are zero.
 * With `tau` constant only the similarity terms remain (spec §6). `tauNegative` is
 * accepted and ignored (there are no negatives).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
export { AMCL_SIMSIAM_INFO } from "./formulas.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { rowDot } from "./row_dot.ts";
import { omega } from "./omega.ts";
import { stopGradient } from "./stop_gradient.ts";
import {
  checkPhi,
  phiForward,
  type PhiParams,
  resolveTemperature,
  rowTemperatures,
  type TemperatureOptions,
} from "./temperature.ts";
import { checkNumber, checkViews } from "./validate.ts";
import {
  type HeadTemperatures,
  keepTemperatures,
  type LossOutput,
  type TemperatureRequest,
} from "./output.ts";

/** Options of {@link amclSimsiam}. */
export interface AmclSimsiamOptions extends TemperatureOptions, TemperatureRequest {
  heads: number;
  /** Regulariser weight β (paper scale: 1e-4). */
  beta: number;
}

/** AMCL SimSiam on raw p1, z2, p2, z1 [B, C, D] with the shared φ; heads summed. */
export function amclSimsiam(
  p1: tf.Tensor,
  z2: tf.Tensor,
  p2: tf.Tensor,
  z1: tf.Tensor,
  phi: PhiParams | null,
  opts: AmclSimsiamOptions,
): LossOutput {
  const loss = "amcl_simsiam";
  const { dim } = checkViews(loss, { p1, z2, p2, z1 }, opts.heads);
  checkNumber(loss, "beta", opts.beta, 0, false);
  const temp = resolveTemperature(loss, { ...opts, tauNegative: "adaptive" });
  const tauSide = temp.positive;
  const f = checkPhi(loss, phi, dim, { ...temp, negative: tauSide });
  const want = opts.returnTemperatures === true;
  const temps: HeadTemperatures[] = [];
  const out = tf.tidy(() => {
    // Every head at once: the loss is row-wise and φ is shared, so the C heads' rows stack
    // as [B·C, D] (row i·C + h = head h of sample i) — one op where a loop over heads took C.
    const [n, heads] = [p1.shape[0], p1.shape[1]!];
    const rows = (x: tf.Tensor, target: boolean) =>
      l2Normalize(tf.reshape(target ? stopGradient(x) : x, [n * heads, dim]) as tf.Tensor2D);
    const [a, b, c, e] = [rows(p1, false), rows(z2, true), rows(p2, false), rows(z1, true)];
    let t1: tf.Tensor1D | number = tauSide as number, t2: tf.Tensor1D | number = tauSide as number;
    if (tauSide === "adaptive") {
      // tauFromHead 1: head 0's temperatures serve every head.
      const own = (x: tf.Tensor2D) => temp.fromHead === 1 && heads > 1 ? headZero(x, n, heads, dim) : x;
      const spread = (t: tf.Tensor1D) =>
        t.shape[0] === n * heads
          ? t
          : tf.reshape(tf.tile(tf.reshape(t, [n, 1]), [1, heads]), [n * heads]) as tf.Tensor1D;
      const fa = [a, b, c, e].map((x) => phiForward(own(x), f!));
      t1 = spread(rowTemperatures(fa[0], fa[1], temp.tauMin, temp.tauMax));
      t2 = spread(rowTemperatures(fa[2], fa[3], temp.tauMin, temp.tauMax));
    }
    let per: tf.Tensor1D = tf.mul(tf.add(tf.div(rowDot(a, b), t1), tf.div(rowDot(c, e), t2)), -0.5);
    if (typeof t1 !== "number" && typeof t2 !== "number" && opts.beta !== 0) {
      per = tf.add(per, tf.mul(tf.add(omega(t1, dim), omega(t2, dim)), opts.beta));
    }
    if (want) {
      // Head h's positives: its τ1 then its τ2 over the batch, [2B].
      const byHead = typeof t1 === "number" ? tf.fill([heads, 2 * n], t1) : tf.transpose(
        stopGradient(tf.concat([tf.reshape(t1, [n, heads]), tf.reshape(t2 as tf.Tensor1D, [n, heads])], 0)),
      );
      for (let h = 0; h < heads; h++) {
        temps.push({ positive: tf.reshape(tf.slice(byHead, [h, 0], [1, 2 * n]), [2 * n]) as tf.Tensor1D });
      }
    }
    keepTemperatures(temps);
    // Σ_h mean_i = (1/B) Σ_{i,h}.
    return tf.div(tf.sum(per), n) as tf.Scalar;
  });
  return want ? { loss: out, temperatures: temps } : { loss: out };
}

/** Head 0's rows [B, D] of the stacked rows [B·C, D]. */
function headZero(x: tf.Tensor2D, n: number, heads: number, dim: number): tf.Tensor2D {
  return tf.reshape(tf.slice(tf.reshape(x, [n, heads, dim]), [0, 0, 0], [n, 1, dim]), [n, dim]);
}
