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
import { splitHeads, sumHeads } from "./heads.ts";
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
    const [a, b, c, e] = [p1, z2, p2, z1].map((x, i) =>
      splitHeads(i % 2 === 1 ? stopGradient(x) : x).map(l2Normalize)
    );
    const taus = (h: number): [tf.Tensor1D | number, tf.Tensor1D | number] => {
      if (tauSide !== "adaptive") return [tauSide, tauSide];
      const s = temp.fromHead === 1 ? 0 : h;
      const fa = [a, b, c, e].map((x) => phiForward(x[s], f!));
      return [
        rowTemperatures(fa[0], fa[1], temp.tauMin, temp.tauMax),
        rowTemperatures(fa[2], fa[3], temp.tauMin, temp.tauMax),
      ];
    };
    const losses = a.map((_, h) => {
      const [t1, t2] = taus(h);
      let per: tf.Tensor1D = tf.add(tf.div(rowDot(a[h], b[h]), t1), tf.div(rowDot(c[h], e[h]), t2));
      per = tf.mul(per, -0.5);
      if (typeof t1 !== "number" && typeof t2 !== "number" && opts.beta !== 0) {
        per = tf.add(per, tf.mul(tf.add(omega(t1, dim), omega(t2, dim)), opts.beta));
      }
      if (want) {
        const n = a[h].shape[0];
        const positive = typeof t1 === "number"
          ? tf.fill([2 * n], t1) as tf.Tensor1D
          : stopGradient(tf.concat([t1, t2 as tf.Tensor1D]));
        temps.push({ positive });
      }
      return tf.mean(per) as tf.Scalar;
    });
    keepTemperatures(temps);
    return sumHeads(losses);
  });
  return want ? { loss: out, temperatures: temps } : { loss: out };
}
