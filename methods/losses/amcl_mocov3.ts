/**
 * AMCL MoCo v3, the LGP form of AMCL (spec amcl.md §5 "CAN, LGP", paper Eq. 2.4 and its
 * top-κ form Eq. 5, on MoCo v3's in-batch keys; our reading). Per head c and direction
 * (q, k) ∈ {(q1, k2), (q2, k1)}, the candidates of query i are all B keys: key i (the
 * positive, with its own temperature τ⁺ = τ(q_i, k_i)) and the other B − 1 keys (the
 * negatives). S = the k = min(κ, B) candidates most similar to q_i:
 *
 *     ℓ_i = −s⁺/τ⁺ + (1/k) Σ_{j∈S} s_ij/τ_ij + β Ω(τ⁺) − β Σ_{j∈S} (log τ_ij + 1/τ_ij)
 *     L   = Σ_c [ mean_i ℓ_i(q1^c, k2^c) + mean_i ℓ_i(q2^c, k1^c) ]
 *
 * s = cosine similarity, τ from the shared φ on the L2-normalised features (spec §2),
 * Ω(τ) = (d'/2) log τ + 1/τ. The two directions are **summed**, as MoCo v3 sums its two
 * terms; MoCo v3's 2T factor (a gradient scale for a fixed T) is not applied. The keys
 * carry **no gradient** (detached here); φ still learns from the key side of each pair.
 * Heads **summed**. Same switches as the other AMCL contrastive losses (form, negReg,
 * spec §6), through the shared per-anchor term of amcl_contrast.ts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { gram, gramLazy } from "./products.ts";
export { AMCL_MOCOV3_INFO } from "./formulas.ts";
import { amclContrast } from "./amcl_contrast.ts";
import { type AmclContrastOptions, resolveContrast } from "./amcl_options.ts";
import { l2Normalize } from "../../core/l2_normalize.ts";
import { rowDot } from "./row_dot.ts";
import { splitHeads, sumHeads } from "./heads.ts";
import { stopGradient } from "./stop_gradient.ts";
import { checkPhi, phiForward, type PhiParams, rowTemperatures } from "./temperature.ts";
import { checkViews } from "./validate.ts";
import { type HeadTemperatures, keepTemperatures, type LossOutput } from "./output.ts";

/** Options of {@link amclMocov3}. */
export type AmclMocov3Options = AmclContrastOptions;

/**
 * AMCL MoCo v3: q1, q2 (online predictions) and k1, k2 (momentum projections) [B, C, D]
 * raw, the shared φ (null only when both sides use a constant τ); heads summed.
 */
export function amclMocov3(
  q1: tf.Tensor,
  q2: tf.Tensor,
  k1: tf.Tensor,
  k2: tf.Tensor,
  phi: PhiParams | null,
  opts: AmclMocov3Options,
): LossOutput {
  const loss = "amcl_mocov3";
  const { batch, dim } = checkViews(loss, { q1, q2, k1, k2 }, opts.heads, 2);
  const { contrast, temp } = resolveContrast(loss, opts, dim);
  const f = checkPhi(loss, phi, dim, temp);
  const want = opts.returnTemperatures === true;
  const temps: HeadTemperatures[] = [];
  const out = tf.tidy(() => {
    const dirs = [[q1, k2], [q2, k1]].map(([q, k]) => ({
      qs: splitHeads(q).map(l2Normalize),
      ks: splitHeads(stopGradient(k)).map(l2Normalize),
    }));
    // φ of the features each head's temperatures come from (head 1's for all when tauFromHead = 1).
    const phiOf = (d: number, c: number) => {
      const src = temp.fromHead === 1 ? 0 : c;
      return { q: phiForward(dirs[d].qs[src], f!), k: phiForward(dirs[d].ks[src], f!) };
    };
    const adaptive = temp.positive === "adaptive" || temp.negative === "adaptive";
    const shared = temp.fromHead === 1 && adaptive ? [phiOf(0, 0), phiOf(1, 0)] : null;
    const losses = dirs[0].qs.map((_, c) => {
      const parts = dirs.map(({ qs, ks }, d) => {
        const p = adaptive ? (shared ? shared[d] : phiOf(d, c)) : null;
        const tauPos = temp.positive === "adaptive"
          ? rowTemperatures(p!.q, p!.k, temp.tauMin, temp.tauMax)
          : temp.positive;
        const tauNeg = temp.negative === "adaptive"
          ? { scores: gram(p!.q, p!.k), tauMin: temp.tauMin, tauMax: temp.tauMax }
          : temp.negative;
        const sPos = rowDot(qs[c], ks[c]);
        const sNeg = gramLazy(qs[c], ks[c]); // every key a candidate: the positive sits on the diagonal
        return amclContrast({ sPos, tauPos, sNeg, tauNeg, valid: null, candidates: batch }, contrast, want);
      });
      if (want) {
        const [a, b] = parts.map((r) => r.temperatures!);
        temps.push({
          positive: tf.concat([a.positive, b.positive]),
          negative: tf.concat([a.negative!, b.negative!]),
        });
      }
      return tf.add(parts[0].loss, parts[1].loss) as tf.Scalar;
    });
    keepTemperatures(temps);
    return sumHeads(losses);
  });
  return want ? { loss: out, temperatures: temps } : { loss: out };
}
