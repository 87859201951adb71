/**
 * `deno task perf --vs-torch`: the native backend's SimCLR step beside the PyTorch peer at
 * the same shapes and the same thread count, alternated: each round times a few suite steps
 * (one model, built once per shape and thread count) and then the peer's steps, so load from
 * other processes falls on both alike. Per cell (width × threads) the report gives the
 * median over rounds and the spread (min–max) of each, the median of the per-round ratios,
 * the load before and after, and how many kernel calls left the native path (fall-backs to
 * wasm). `--sweeps` adds sweep throughput: a preset run end to end (as `deno task bench`, into
 * a fresh temporary folder, default workers and threads) on native and on wasm, in cells per hour.
 *
 * @module
 */
import { initBackend } from "../core/backend.ts";
import { nativeMemoryFor } from "./native_memory.ts";
import type { NativeMemory } from "../core/native/backend.ts";
import { median as exactMedian, rss } from "./perf_measure.ts";
import {
  type NativeKernelCount,
  nativeKernelCounts,
  resetNativeKernelCounts,
} from "../core/native/kernels.ts";
import { loadavg } from "../core/env.ts";
import type { MachineInfo } from "./perf_report.ts";
import { machineInfo } from "./perf_machine.ts";
import { runSteps } from "./perf_steps.ts";
import { type PeerStatus, peerStatus, runPeerFormats } from "./perf_peer.ts";
import { runBench } from "./bench.ts";
import { REAL_EXECUTOR } from "./executor.ts";
import { registryCatalog } from "./registry_catalog.ts";
import { QuietProgress } from "./progress.ts";

/** Options of {@link runVsTorch}. */
export interface VsTorchOptions {
  /** ResNet-18 widths (e.g. 1/8, 1/4, 1). */
  widths: number[];
  batch: number;
  /** Thread counts; each runs the suite and the peer at that count. */
  threads: number[];
  /** Alternated rounds per cell. */
  rounds: number;
  /** Timed steps per round on each side (median taken). */
  steps: number;
  /** Run the peer (when it imports). */
  peer: boolean;
  /** Presets to time as whole sweeps on native and on wasm (empty: none). */
  sweeps: string[];
  /** Where native keeps tensors: `auto` (host when the step's estimate exceeds the heap budget), `heap` or `host`. */
  memory?: NativeMemory | "auto";
  progress?: (line: string) => void;
}

/** Median and spread of per-round values. */
export interface Spread {
  median: number;
  min: number;
  max: number;
  rounds: number[];
}

/** One width × thread count. */
export interface VsTorchCell {
  width: number;
  batch: number;
  threads: number;
  suite: Spread | null;
  torch: Spread | null;
  /** Per round the faster of PyTorch's two memory formats (the ratio's denominator). */
  torchNchw?: Spread | null;
  torchChannelsLast?: Spread | null;
  /** Median over rounds of suite ms / PyTorch ms (the faster format of that round). */
  ratio: number | null;
  /** Where the native backend kept this cell's tensors. */
  memory?: NativeMemory;
  /**
   * The largest resident set of the suite's process sampled after each of this cell's steps
   * (MiB; process-wide, so memory kept from earlier cells counts: a wasm heap never shrinks,
   * the host pool keeps freed arrays), or null.
   */
  peakRssMiB?: number | null;
  /** Native and fall-back kernel calls during this cell's suite steps. */
  kernels: Record<string, NativeKernelCount>;
  error?: string;
}

/** A sweep timed end to end. */
export interface SweepTiming {
  preset: string;
  backend: string;
  cells: number;
  seconds: number;
  cellsPerHour: number;
  error?: string;
}

/** What `deno task perf --vs-torch --json` prints. */
export interface VsTorchReport {
  createdAt: string;
  machine: MachineInfo;
  device: string;
  peer: PeerStatus;
  cells: VsTorchCell[];
  sweeps: SweepTiming[];
}

/** The median over rounds of suite ms / PyTorch ms (unrounded inputs), to 3 decimals. */
export function ratioOf(suite: number[], torch: number[]): number {
  return Math.round(exactMedian(suite.map((s, i) => s / torch[i])) * 1000) / 1000;
}

function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  const r = (v: number) => Math.round(v * 10) / 10;
  return { median: r(m), min: r(s[0]), max: r(s[s.length - 1]), rounds: xs.map(r) };
}

function median(xs: number[]): number {
  return spread(xs).median;
}

/** Runs the alternated suite/peer cells, then the sweeps. */
export async function runVsTorch(o: VsTorchOptions): Promise<VsTorchReport> {
  const machine = machineInfo();
  const peer: PeerStatus = o.peer
    ? await peerStatus()
    : { available: false, reason: "peer disabled (--no-peer)" };
  const cells: VsTorchCell[] = [];
  let device = "";
  for (const threads of o.threads) {
    for (const width of o.widths) {
      const memory = !o.memory || o.memory === "auto"
        ? nativeMemoryFor({ backbone: "resnet18", width, batchSize: o.batch, views: 2, size: 32 })
        : o.memory;
      const info = await initBackend("native", { threads, memory });
      device = info.device;
      const cell: VsTorchCell = {
        width,
        batch: o.batch,
        threads,
        suite: null,
        torch: null,
        ratio: null,
        kernels: {},
        memory,
      };
      const suiteRounds: number[] = [], torchRounds: number[] = [];
      const nchwRounds: number[] = [], clRounds: number[] = [];
      let peakRss = 0;
      const sample = () => peakRss = Math.max(peakRss, rss());
      try {
        const row = { method: "simclr", variant: "baseline" as const, width, batch: o.batch, size: 32 };
        await runSteps(row, async (trainSteps) => {
          await trainSteps(1, sample); // first-step costs (heap growth, primitive creation) left out
          resetNativeKernelCounts();
          for (let r = 0; r < o.rounds; r++) {
            const ms: number[] = [];
            await trainSteps(o.steps, (t) => {
              ms.push(t);
              sample();
            });
            suiteRounds.push(median(ms));
            if (peer.available) {
              const p = await runPeerFormats({
                width,
                batch: o.batch,
                size: 32,
                heads: 1,
                threads,
                steps: o.steps,
              });
              torchRounds.push(p.best.msPerStep);
              nchwRounds.push(p.nchw.msPerStep);
              clRounds.push(p.channelsLast.msPerStep);
            }
            o.progress?.(
              `native ×${width} b${o.batch} ${threads} thread(s), round ${r + 1}/${o.rounds}: ` +
                `${suiteRounds[r].toFixed(0)} ms${
                  peer.available ? `, PyTorch ${torchRounds[r].toFixed(0)} ms` : ""
                }`,
            );
          }
          cell.kernels = nativeKernelCounts();
        });
      } catch (e) {
        cell.error = e instanceof Error ? e.message.split("\n")[0] : String(e);
      }
      cell.peakRssMiB = peakRss > 0 ? Math.round(peakRss) : null;
      if (suiteRounds.length) cell.suite = spread(suiteRounds);
      if (torchRounds.length) {
        cell.torch = spread(torchRounds);
        cell.torchNchw = spread(nchwRounds);
        cell.torchChannelsLast = spread(clRounds);
        cell.ratio = ratioOf(suiteRounds, torchRounds);
      }
      cells.push(cell);
    }
  }
  const sweeps: SweepTiming[] = [];
  for (const preset of o.sweeps) {
    for (const backend of ["native", "wasm"]) {
      o.progress?.(`sweep ${preset} on ${backend}…`);
      sweeps.push(await timeSweep(preset, backend));
    }
  }
  machine.loadEnd = loadavg();
  return { createdAt: new Date().toISOString(), machine, device, peer, cells, sweeps };
}

/** Runs the sweep of `preset` on `backend` into a fresh folder (as `deno task bench` would) and times it. */
async function timeSweep(preset: string, backend: string): Promise<SweepTiming> {
  const out = await Deno.makeTempDir({ prefix: `perf-sweep-${preset}-${backend}-` });
  const t0 = performance.now();
  const timing: SweepTiming = { preset, backend, cells: 0, seconds: 0, cellsPerHour: 0 };
  try {
    const code = await runBench({
      preset,
      scale: "cpu",
      backend,
      out: `${out}/run`,
      sets: [],
      force: false,
      quiet: true,
      emitOpts: [],
      report: false,
      executor: REAL_EXECUTOR,
      catalog: registryCatalog(),
      progress: new QuietProgress(),
      log: () => {},
    });
    if (code !== 0) timing.error = `bench exited with ${code}`;
  } catch (e) {
    timing.error = e instanceof Error ? e.message.split("\n")[0] : String(e);
  }
  const seconds = (performance.now() - t0) / 1000;
  try {
    for (const e of Deno.readDirSync(`${out}/run/cells`)) {
      if (e.isFile && e.name.endsWith(".json")) timing.cells++;
    }
  } catch { /* no cells folder */ }
  timing.seconds = Math.round(seconds);
  timing.cellsPerHour = Math.round(timing.cells / seconds * 3600 * 10) / 10;
  await Deno.remove(out, { recursive: true }).catch(() => {});
  return timing;
}

function widthName(w: number): string {
  return w >= 1 ? `×${w}` : `×1/${Math.round(1 / w)}`;
}

/** Suite / PyTorch at most this at every width and thread count (the issue's goal: 1.0). */
export const RATIO_LIMIT = 1.2;
/** The `ref-cifar-subset` sweep at least this many times faster on native than on wasm. */
export const SWEEP_SPEEDUP = 2;

/** The issue's targets that this report measures, each a line ending in met / not met. */
export function vsTorchTargets(r: VsTorchReport): string[] {
  const out: string[] = [];
  for (const c of r.cells) {
    if (c.ratio === null) continue;
    out.push(
      `suite / PyTorch at ResNet-18 ${widthName(c.width)}, b${c.batch}, ${c.threads} thread(s): ${c.ratio} ` +
        `(≤ ${RATIO_LIMIT}, goal 1.0): ${c.ratio <= RATIO_LIMIT ? "met" : "not met"}`,
    );
  }
  for (const preset of new Set(r.sweeps.map((s) => s.preset))) {
    const n = r.sweeps.find((s) => s.preset === preset && s.backend === "native" && !s.error);
    const w = r.sweeps.find((s) => s.preset === preset && s.backend === "wasm" && !s.error);
    if (!n || !w || !n.cellsPerHour || !w.cellsPerHour) continue;
    const x = Math.round(n.cellsPerHour / w.cellsPerHour * 100) / 100;
    out.push(
      `${preset} sweep native / wasm cells per hour: ${x}×` +
        (preset === "ref-cifar-subset"
          ? ` (≥ ${SWEEP_SPEEDUP}×): ${x >= SWEEP_SPEEDUP ? "met" : "not met"}`
          : ""),
    );
  }
  return out;
}

/** The report as Markdown. */
export function formatVsTorch(r: VsTorchReport): string {
  const load = (l: number[] | null) => l ? l.join(" ") : "unknown";
  const lines = [
    `Machine: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.os}, Deno ${r.machine.deno}; ` +
    `load ${load(r.machine.loadStart)} → ${load(r.machine.loadEnd)}`,
    `Suite: ${r.device ? `native (${r.device})` : "native and wasm sweeps only"}; PyTorch: ${
      r.peer.available ? r.peer.version : `not run (${r.peer.reason})`
    }`,
    "",
    "| SimCLR step | threads | native memory | suite ms (min–max) | PyTorch ms, faster format (min–max) | PyTorch NCHW / channels-last ms | suite / PyTorch | native fall-backs | suite peak RSS MiB |",
    "|---|---:|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const c of r.cells) {
    const s = (x: Spread | null) => x ? `${x.median} (${x.min}–${x.max})` : "–";
    const fb = Object.values(c.kernels).reduce((a, k) => a + k.fallback, 0);
    const all = Object.values(c.kernels).reduce((a, k) => a + k.fallback + k.native, 0);
    lines.push(
      `| ResNet-18 ${widthName(c.width)}, b${c.batch}, 32² | ${c.threads} | ${c.memory ?? "heap"} | ${
        s(c.suite)
      } | ${s(c.torch)} | ${
        c.torchNchw && c.torchChannelsLast ? `${c.torchNchw.median} / ${c.torchChannelsLast.median}` : "–"
      } | ${c.ratio ?? "–"} | ${c.error ? `failed: ${c.error}` : `${fb} of ${all}`} | ${
        c.peakRssMiB ? Math.round(c.peakRssMiB) : "–"
      } |`,
    );
  }
  const checks = vsTorchTargets(r);
  if (checks.length) {
    lines.push("", "Targets:");
    for (const t of checks) lines.push(`- ${t}`);
  }
  if (r.sweeps.length) {
    lines.push("", "| sweep | backend | cells | seconds | cells per hour |", "|---|---|---:|---:|---:|");
    for (const s of r.sweeps) {
      lines.push(
        `| ${s.preset} | ${s.backend} | ${s.cells} | ${s.seconds} | ${s.cellsPerHour}${
          s.error ? ` (failed: ${s.error})` : ""
        } |`,
      );
    }
  }
  return lines.join("\n");
}
