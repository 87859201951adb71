/**
 * The training-speed benchmark behind `deno task perf`: times one full training step
 * (forward, backward, optimiser, BN and after-step updates) of methods from the registry —
 * the step the training loop runs, through `train` itself (perf_steps.ts) — per backend, beside the
 * PyTorch peer on the same shapes and thread count; plus the AMCL loss alone, augmentation,
 * and a tensor-count check over many steps. See {@link perfRows} for the rows.
 *
 * Per step row: the first step is the warm-up (excluded from timing; it is profiled for the
 * tfjs peak memory and the per-kernel breakdown), then `steps` timed steps (2 for heavy
 * rows); ms/step is their median. Images/s counts images (each seen as two views) per
 * second. Memory: the largest RSS sampled after each step, the process's peak RSS so far
 * (VmHWM, cumulative over rows; the reference row runs first), and tfjs's peak bytes during
 * the warm-up step. Tensors: the count before the model is built, after the warm-up, after
 * the timed steps and after the model is freed.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../core/backend.ts";
import { nativeMemoryFor } from "./native_memory.ts";
import { cellFor } from "./perf_steps.ts";
import { loadavg } from "../core/env.ts";
import { perfRows, selectRows, tinyRow } from "./perf_rows.ts";
import { type PeerStatus, peerStatus, runPeerFormats } from "./perf_peer.ts";
import { PERF_SCHEMA, type PerfOptions, type PerfReport, type PerfRow } from "./perf_report.ts";
import { machineInfo } from "./perf_machine.ts";
import { emptyRow, round } from "./perf_measure.ts";
import { augmentRow, leakRow, lossRow, stepRow } from "./perf_row_runs.ts";
import { relate, targets } from "./perf_targets.ts";

export type { PerfOptions, PerfReport, PerfRow } from "./perf_report.ts";

/** Runs the selected rows on every backend and returns the report. */
export async function runPerf(o: PerfOptions): Promise<PerfReport> {
  const machine = machineInfo();
  const defs = selectRows(perfRows(o.leakSteps), o.rows).map((r) => (o.tiny ? tinyRow(r) : r));
  const peer: PeerStatus = o.peer && defs.some((d) => d.kind === "step" && d.peer)
    ? await peerStatus()
    : { available: false, reason: o.peer ? "no row with a peer selected" : "peer disabled (--no-peer)" };
  const rows: PerfRow[] = [];
  const backends: PerfReport["backends"] = [];
  for (const name of o.backends) {
    const info = await initBackend(name, { memory: o.memory === "host" ? "host" : "heap" });
    backends.push({ name: info.name, device: info.device });
    let dead: string | null = null;
    for (const def of defs) {
      o.progress?.(`${info.name} ${def.id}: ${def.title}`);
      let row: PerfRow;
      const hostOnly = def.kind === "step" && def.hostMemory === true;
      if (hostOnly && info.name !== "native") {
        row = emptyRow(def, info.name);
        row.error =
          "not run: needs more than the wasm heap's 4 GiB (the native backend runs it in host memory)";
        rows.push(row);
        continue;
      }
      if (info.name === "native") {
        // Per row where its tensors fit (--memory auto), else where --memory says.
        const memory = o.memory && o.memory !== "auto"
          ? o.memory
          : hostOnly
          ? "host"
          : def.kind === "step"
          ? nativeMemoryFor({ ...cellFor(def), views: 2, size: def.size })
          : "heap";
        await initBackend("native", { memory });
      }
      if (dead) {
        row = emptyRow(def, info.name);
        row.error = `not run: ${dead}`;
        rows.push(row);
        continue;
      }
      try {
        row = def.kind === "step"
          ? await stepRow(def, o, info.name)
          : def.kind === "leak"
          ? await leakRow(def, o, info.name)
          : def.kind === "loss"
          ? await lossRow(def, o, info.name)
          : await augmentRow(def, o, info.name);
      } catch (e) {
        row = emptyRow(def, info.name);
        row.error = e instanceof Error ? e.message.split("\n")[0] : String(e);
        if (aborted(e)) {
          // An emscripten abort (in practice: the wasm heap is exhausted) leaves the backend
          // unusable for the rest of the process.
          row.error =
            `the ${info.name} backend aborted (out of wasm memory: its heap is limited to 4 GiB); ` +
            `run this row alone with a smaller batch`;
          dead = `the ${info.name} backend aborted on ${def.id}`;
        }
      }
      if (def.kind === "step" && def.peer && peer.available && row.ms !== null) {
        try {
          const p = (await runPeerFormats({
            ...def.peer,
            threads: o.threads,
            steps: Math.max(2, row.msSteps.length),
          })).best;
          row.torchMs = p.msPerStep;
          row.ratioToTorch = round(row.ms / p.msPerStep, 3);
          if (def.peer.note) row.note = def.peer.note;
        } catch (e) {
          row.note = e instanceof Error ? e.message : String(e);
        }
      }
      rows.push(row);
      await o.onRow?.(report());
      o.progress?.(
        `  → ${row.error ? `failed: ${row.error}` : `${row.ms} ms`}${
          row.torchMs ? ` (PyTorch ${row.torchMs} ms, ×${row.ratioToTorch})` : ""
        }`,
      );
    }
  }
  return report();

  function report(): PerfReport {
    relate(rows, defs);
    machine.loadEnd = loadavg();
    return {
      schema: PERF_SCHEMA,
      createdAt: new Date().toISOString(),
      machine,
      backends,
      threads: { suite: 1, peer: o.threads },
      peer,
      steps: o.steps,
      rows,
      targets: targets(rows),
    };
  }
}

/**
 * Whether the backend died with `e`: an emscripten abort (in practice the wasm heap ran
 * out), after which later calls fail with unrelated errors. Probed with a small op.
 */
function aborted(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message}` : String(e);
  if (/Aborted\(/.test(text)) return true;
  try {
    tf.tidy(() => tf.add(tf.ones([1024]), 1).dataSync());
    return false;
  } catch {
    return true;
  }
}
