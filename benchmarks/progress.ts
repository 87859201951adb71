/**
 * Sweep progress: on a TTY a sweep bar (cells done/total, ETA) and one bar per running cell
 * (epoch, step, loss, images/s), redrawn in place; otherwise plain log lines (a cell's start,
 * each finished epoch, its end); nothing with `--quiet`.
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "./record.ts";
import type { CellProgress } from "./executor.ts";
import { progressBar } from "../core/progress_bar.ts";

/** Receives the runner's events. */
export interface ProgressSink {
  sweepStart(total: number, skipped: number, workers: number): void;
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

function duration(s: number): string {
  if (!Number.isFinite(s)) return "?";
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s % 60)).padStart(2, "0")}s` : `${Math.round(s)}s`;
}

/** Counts and timing shared by the sinks. */
class Tally {
  total = 0;
  finished = 0;
  failed = 0;
  workers = 1;
  secondsSum = 0;
  t0 = performance.now();
  eta(): number {
    if (this.finished === 0) return NaN;
    return (this.secondsSum / this.finished) * (this.total - this.finished) / this.workers;
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
  #t = new Tally();
  #labels = new Map<string, string>();
  #log: (line: string) => void;
  constructor(log: (line: string) => void = (l) => console.log(l)) {
    this.#log = log;
  }
  sweepStart(total: number, skipped: number, workers: number): void {
    this.#t.total = total;
    this.#t.workers = workers;
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
    t.finished++;
    t.secondsSum += seconds;
    if (record.status === "failed") t.failed++;
    const what = record.status === "done"
      ? `done${
        record.metrics.knnTop1 !== undefined ? ` kNN ${(record.metrics.knnTop1 * 100).toFixed(1)}%` : ""
      }`
      : `FAILED: ${record.error}`;
    this.#log(`[${t.finished}/${t.total}] ${id} ${what} (${duration(seconds)}, ETA ${duration(t.eta())})`);
  }
  sweepEnd(): void {
    const t = this.#t;
    this.#log(
      `sweep: ${t.finished - t.failed} done, ${t.failed} failed in ${
        duration((performance.now() - t.t0) / 1000)
      }`,
    );
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
      `${t.failed ? ` (${t.failed} failed)` : ""}  ETA ${duration(t.eta())}`,
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
  sweepStart(total: number, skipped: number, workers: number): void {
    this.#t.total = total;
    this.#t.workers = workers;
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
    const t = this.#t;
    t.finished++;
    t.secondsSum += seconds;
    if (record.status === "failed") {
      t.failed++;
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
