/**
 * Per-epoch temperature histograms of a cell (figure F9): at chosen epochs, every τ⁺ and τ⁻
 * of every training step is binned per head into 40 log-spaced bins over [tauMin, tauMax]
 * (fixed edges, so collapsed temperatures at tauMin show, and steps, epochs and runs add
 * up). Steps of other epochs cost nothing. The counts travel with the cell's checkpoints,
 * so a resumed cell keeps the histograms of the epochs it trained before the kill.
 *
 * @module
 */
import { temperatureHistograms } from "../eval/mod.ts";
import type { CellRecord } from "./record.ts";

type Entry = NonNullable<CellRecord["temperatures"]>[number];

/**
 * The epochs (1-based) whose temperatures are histogrammed: the first, the middle and the
 * last of `total`, and the kNN monitor's epochs.
 */
export function temperatureEpochs(total: number, knnEpochs: readonly number[]): number[] {
  const set = new Set([1, Math.ceil(total / 2), total, ...knnEpochs]);
  return [...set].filter((e) => Number.isInteger(e) && e >= 1 && e <= total).sort((a, b) => a - b);
}

/** Histograms of τ⁺ / τ⁻ per head, accumulated over the steps of chosen epochs. */
export class TemperatureHistograms {
  readonly #epochs: Set<number>;
  #byKey = new Map<string, Entry>();

  /**
   * @param epochs 1-based epochs to record
   * @param range the cell's temperature bounds (the bins' span)
   * @param bins number of log-spaced bins
   */
  constructor(
    epochs: readonly number[],
    readonly range: { tauMin: number; tauMax: number },
    readonly bins = 40,
  ) {
    this.#epochs = new Set(epochs);
  }

  /** True when `epoch` (1-based) is recorded. */
  wants(epoch: number): boolean {
    return this.#epochs.has(epoch);
  }

  /** Adds one step's temperatures per head at `epoch` (1-based); other epochs are ignored. */
  add(epoch: number, taus: { pos: Float32Array[]; neg: Float32Array[] }): void {
    if (!this.wants(epoch)) return;
    const empty = new Float32Array(0);
    const heads = taus.pos.map((pos, h) => ({ pos, neg: taus.neg[h] ?? empty }));
    for (const e of temperatureHistograms(epoch, heads, this.range, this.bins)) {
      const key = `${e.epoch}|${e.head}|${e.kind}`;
      const have = this.#byKey.get(key);
      if (!have) this.#byKey.set(key, e);
      else e.hist.counts.forEach((c, i) => (have.hist.counts[i] += c));
    }
  }

  /** The record's `temperatures`: entries with at least one τ, by epoch, head, kind. */
  entries(): Entry[] {
    return [...this.#byKey.values()]
      .filter((e) => e.hist.counts.some((c) => c > 0))
      .sort((a, b) =>
        a.epoch - b.epoch || a.head - b.head || (a.kind === b.kind ? 0 : a.kind === "pos" ? -1 : 1)
      );
  }

  /** JSON state for a checkpoint. */
  save(): unknown {
    return [...this.#byKey.values()];
  }

  /** Restores the state saved with a checkpoint. */
  load(saved: unknown): void {
    this.#byKey = new Map();
    if (!Array.isArray(saved)) return;
    for (const e of saved as Entry[]) this.#byKey.set(`${e.epoch}|${e.head}|${e.kind}`, e);
  }
}
