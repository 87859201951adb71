/**
 * Sweep progress: on a TTY a sweep bar (cells done/total, elapsed, ETA) and one bar per
 * running cell (epoch, step, loss, images/s), redrawn in place; otherwise plain log lines (a
 * cell's start, each finished epoch, and one line per finished cell with its time, cells
 * done / total, the sweep's elapsed time and ETA); nothing with `--quiet`.
 *
 * The ETA comes from measured cell times: each cell's seconds per epoch is averaged per kind
 * of cell (method, backbone and width, batch size), and every cell still to run is priced at
 * its kind's average (or the average over all kinds, for a kind not seen yet) times its
 * epochs; the sum is shared out over the workers.
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "./record.ts";
import type { CellProgress } from "./executor.ts";
import { progressBar } from "../core/progress_bar.ts";

/** Receives the runner's events. */
export interface ProgressSink {
  /** `pending`: the cells about to run (their kinds price the ETA). */
  sweepStart(total: number, skipped: number, workers: number, pending?: readonly PendingCell[]): void;
  cellStart(id: string, config: CellConfig): void;
  cellProgress(id: string, p: CellProgress): void;
  cellEnd(id: string, record: CellRecord, seconds: number): void;
  sweepEnd(): void;
}

/** A short human name of a cell. */
export function cellLabel(c: CellConfig): string {
  const tau = c.variant === "amcl" ? `${c.heads}h ${c.tauMode}` : `${c.heads}h τ${c.tau}`;
  return `${c.method}/${c.variant} ${tau} ${c.backbone}×${c.width} ${c.dataset} seed ${c.seed}`;
}

/** "45s", "3m05s", "2h07m"; "?" when unknown. */
export function duration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const r = Math.round(s);
  if (r >= 3600) return `${Math.floor(r / 3600)}h${String(Math.floor((r % 3600) / 60)).padStart(2, "0")}m`;
  const m = Math.floor(r / 60);
  return m > 0 ? `${m}m${String(r % 60).padStart(2, "0")}s` : `${r}s`;
}

/** The kind of a cell for the ETA: cells of one kind cost about the same per epoch. */
export function cellKind(c: CellConfig): string {
  return `${c.method} ${c.backbone}×${c.width} b${c.batchSize}`;
}

/** A cell about to run: its id and configuration. */
export interface PendingCell {
  id: string;
  config: CellConfig;
}

/** Counts, timing and the ETA shared by the sinks. */
export class Tally {
  total = 0;
  finished = 0;
  failed = 0;
  workers = 1;
  t0: number;
  #now: () => number;
  #pending = new Map<string, CellConfig>();
  #perKind = new Map<string, { seconds: number; epochs: number }>();
  #all = { seconds: 0, epochs: 0, cells: 0 };
  /** `now` (milliseconds, like performance.now) is injectable for tests. */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
    this.t0 = now();
  }
  start(total: number, workers: number, pending: readonly PendingCell[] = []): void {
    this.total = total;
    this.workers = Math.max(1, workers);
    this.t0 = this.#now();
    for (const p of pending) this.#pending.set(p.id, p.config);
  }
  /** Counts a finished cell and, when it did not fail, its seconds per epoch for its kind. */
  end(id: string, config: CellConfig, seconds: number, failed: boolean): void {
    this.finished++;
    this.#pending.delete(id);
    if (failed) {
      this.failed++;
      return;
    }
    const epochs = Math.max(1, config.epochs);
    const k = this.#perKind.get(cellKind(config)) ?? { seconds: 0, epochs: 0 };
    k.seconds += seconds;
    k.epochs += epochs;
    this.#perKind.set(cellKind(config), k);
    this.#all.seconds += seconds;
    this.#all.epochs += epochs;
    this.#all.cells++;
  }
  /** Seconds since the sweep started. */
  elapsed(): number {
    return (this.#now() - this.t0) / 1000;
  }
  /**
   * Seconds left: each pending cell priced at its kind's measured seconds per epoch (else
   * the mean over every kind) times its epochs, over the workers; without the pending
   * cells, the mean cell time times the cells left. NaN before a cell has finished.
   */
  eta(): number {
    if (this.finished >= this.total) return 0;
    if (this.#all.cells === 0) return NaN;
    const perEpoch = this.#all.seconds / this.#all.epochs;
    if (this.#pending.size === 0) {
      return (this.#all.seconds / this.#all.cells) * (this.total - this.finished) / this.workers;
    }
    let sum = 0;
    for (const c of this.#pending.values()) {
      const k = this.#perKind.get(cellKind(c));
      sum += (k ? k.seconds / k.epochs : perEpoch) * Math.max(1, c.epochs);
    }
    return sum / this.workers;
  }
}

/** Prints nothing. */
export class QuietProgress implements ProgressSink {
  sweepStart(): void {}
  cellStart(): void {}
  cellProgress(): void {}
  cellEnd(): void {}
  sweepEnd(): void {}
}

/** Plain log lines (not a TTY). */
export class PlainProgress implements ProgressSink {
  #t: Tally;
  #labels = new Map<string, string>();
  #log: (line: string) => void;
  /** `now` (milliseconds) is injectable for tests. */
  constructor(log: (line: string) => void = (l) => console.log(l), now?: () => number) {
    this.#log = log;
    this.#t = new Tally(now);
  }
  sweepStart(total: number, skipped: number, workers: number, pending?: readonly PendingCell[]): void {
    this.#t.start(total, workers, pending);
    this.#log(`sweep: ${total} cells to run (${skipped} already done), ${workers} worker(s)`);
  }
  cellStart(id: string, config: CellConfig): void {
    const label = cellLabel(config);
    this.#labels.set(id, label);
    this.#log(`start ${id} ${label}`);
  }
  cellProgress(id: string, p: CellProgress): void {
    if (p.step !== p.steps) return;
    const loss = p.loss !== undefined ? ` loss ${p.loss.toFixed(4)}` : "";
    const ips = p.imagesPerSec !== undefined ? ` ${p.imagesPerSec.toFixed(0)} img/s` : "";
    this.#log(`  ${id} epoch ${p.epoch}/${p.epochs}${loss}${ips}`);
  }
  cellEnd(id: string, record: CellRecord, seconds: number): void {
    const t = this.#t;
    t.end(id, record.config, seconds, record.status === "failed");
    const what = record.status === "done"
      ? `done${
        record.metrics.knnTop1 !== undefined ? ` kNN ${(record.metrics.knnTop1 * 100).toFixed(1)}%` : ""
      }`
      : `FAILED: ${record.error}`;
    this.#log(
      `[${t.finished}/${t.total}] ${id} ${what} (${duration(seconds)}; ` +
        `elapsed ${duration(t.elapsed())}, ETA ${duration(t.eta())})`,
    );
  }
  sweepEnd(): void {
    const t = this.#t;
    this.#log(`sweep: ${t.finished - t.failed} done, ${t.failed} failed in ${duration(t.elapsed())}`);
  }
}

/** Bars redrawn in place on a TTY. */
export class TtyProgress implements ProgressSink {
  #t = new Tally();
  #cells = new Map<string, { label: string; p?: CellProgress }>();
  #drawn = 0;
  #last = 0;
  #enc = new TextEncoder();
  #write(s: string): void {
    Deno.stdout.writeSync(this.#enc.encode(s));
  }
  #draw(force = false): void {
    const now = performance.now();
    if (!force && now - this.#last < 150) return;
    this.#last = now;
    const t = this.#t;
    const cols = Math.max(60, Deno.consoleSize?.().columns ?? 100);
    const lines = [
      `sweep ${progressBar(t.total ? t.finished / t.total : 1, 24)} ${t.finished}/${t.total} cells` +
      `${t.failed ? ` (${t.failed} failed)` : ""}  elapsed ${duration(t.elapsed())}  ETA ${
        duration(t.eta())
      }`,
    ];
    for (const [id, { label, p }] of this.#cells) {
      const frac = p ? ((p.epoch - 1) + p.step / Math.max(1, p.steps)) / Math.max(1, p.epochs) : 0;
      const detail = p
        ? ` ep ${p.epoch}/${p.epochs} step ${p.step}/${p.steps}` +
          `${p.loss !== undefined ? ` loss ${p.loss.toFixed(3)}` : ""}` +
          `${p.imagesPerSec !== undefined ? ` ${p.imagesPerSec.toFixed(0)} img/s` : ""}`
        : " starting";
      lines.push(`  ${progressBar(frac, 16)} ${id.slice(0, 8)}${detail}  ${label}`);
    }
    let s = this.#drawn > 0 ? `\x1b[${this.#drawn}F` : "";
    for (const l of lines) s += `\x1b[2K${l.slice(0, cols - 1)}\n`;
    for (let i = lines.length; i < this.#drawn; i++) s += "\x1b[2K\n";
    if (this.#drawn > lines.length) s += `\x1b[${this.#drawn - lines.length}F`;
    this.#write(s);
    this.#drawn = lines.length;
  }
  sweepStart(total: number, skipped: number, workers: number, pending?: readonly PendingCell[]): void {
    this.#t.start(total, workers, pending);
    this.#write(`sweep: ${total} cells to run (${skipped} already done), ${workers} worker(s)\n`);
    this.#draw(true);
  }
  cellStart(id: string, config: CellConfig): void {
    this.#cells.set(id, { label: cellLabel(config) });
    this.#draw(true);
  }
  cellProgress(id: string, p: CellProgress): void {
    const c = this.#cells.get(id);
    if (c) c.p = p;
    this.#draw();
  }
  cellEnd(id: string, record: CellRecord, seconds: number): void {
    this.#t.end(id, record.config, seconds, record.status === "failed");
    if (record.status === "failed") {
      // Keep the failure visible above the bars.
      this.#write(`\x1b[${this.#drawn}F\x1b[0J`);
      this.#drawn = 0;
      this.#write(`FAILED ${id} ${this.#cells.get(id)?.label ?? ""}: ${record.error}\n`);
    }
    this.#cells.delete(id);
    this.#draw(true);
  }
  sweepEnd(): void {
    this.#draw(true);
  }
}

/** The sink for this process: quiet, TTY bars, or plain lines. */
export function makeProgress(quiet: boolean): ProgressSink {
  if (quiet) return new QuietProgress();
  return Deno.stdout.isTerminal() ? new TtyProgress() : new PlainProgress();
}
