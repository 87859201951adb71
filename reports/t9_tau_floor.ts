/**
 * T9 — temperature floor and regulariser form (spec amcl.md §8): SimCLR AMCL accuracy
 * and the collapse indicators for every tauMin × negReg, against the baseline. Built for
 * presets that vary tauMin or negReg (or are named "t9").
 *
 * @module
 */

import { applies, type BuildContext } from "./context.ts";
import { pairedTable } from "./paired_table.ts";
import { summarize } from "./stats.ts";
import type { Table } from "./table.ts";

function meanOf(values: number[]): number | null {
  const s = summarize(values.filter(Number.isFinite));
  return s.n ? s.mean : null;
}

/** Builds T9, or null when the preset does not sweep the floor or the regulariser. */
export function buildT9(ctx: BuildContext): Table | null {
  if (!applies(ctx, "T9", ["tauMin", "negReg"])) return null;
  return pairedTable(ctx, {
    id: "T9",
    title: "Temperature floor and regulariser form: AMCL vs baseline, with collapse indicators",
    axes: ["tauMin", "negReg"],
    extra: {
      columns: [
        { key: "share_at_min", label: "τ at tauMin (share, mean)" },
        { key: "cosine", label: "head mean pairwise cosine (AMCL)" },
        { key: "rank", label: "head effective rank (AMCL)" },
        { key: "cosine_b", label: "head mean pairwise cosine (baseline)" },
        { key: "rank_b", label: "head effective rank (baseline)" },
      ],
      values: (r) => {
        const ar = r.a?.group.records ?? [];
        const br = r.b?.group.records ?? [];
        const head0 = (
          xs: number[] | undefined,
        ) => (xs && xs.length ? xs.reduce((s, v) => s + v, 0) / xs.length : NaN);
        return {
          share_at_min: meanOf(ar.map((x) => x.collapse?.shareAtTauMin ?? NaN)),
          cosine: meanOf(ar.map((x) => head0(x.collapse?.meanPairwiseCosine))),
          rank: meanOf(ar.map((x) => head0(x.collapse?.effectiveRank))),
          cosine_b: meanOf(br.map((x) => head0(x.collapse?.meanPairwiseCosine))),
          rank_b: meanOf(br.map((x) => head0(x.collapse?.effectiveRank))),
        };
      },
    },
  });
}
