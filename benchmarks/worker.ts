/**
 * The cell worker: a module Web Worker that runs the cells the runner posts to it, one at
 * a time, with the executor module named in each message, and posts progress and the
 * record (or the failure) back.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { loadExecutor } from "./executor.ts";
import type { AbortMessage, RunMessage, WorkerReply } from "./worker_protocol.ts";

let controller: AbortController | null = null;

function reply(msg: WorkerReply): void {
  self.postMessage(msg);
}

self.onmessage = async (ev: MessageEvent<RunMessage | AbortMessage>) => {
  const msg = ev.data;
  if (msg.type === "abort") {
    controller?.abort();
    return;
  }
  controller = new AbortController();
  try {
    const execute = await loadExecutor(msg.executor);
    let lastPost = 0;
    const record = await execute(msg.config, {
      outDir: msg.outDir,
      cellDir: msg.cellDir,
      id: msg.id,
      preset: msg.preset,
      backend: msg.backend,
      threads: msg.threads,
      workers: msg.workers,
      signal: controller.signal,
      progress: (p) => {
        const now = performance.now();
        if (now - lastPost < 100 && p.step < p.steps) return;
        lastPost = now;
        reply({ type: "progress", id: msg.id, progress: p });
      },
    });
    reply({ type: "result", id: msg.id, record });
  } catch (e) {
    const err = e as Error;
    reply({
      type: "error",
      id: msg.id,
      message: err?.message ?? String(e),
      stack: err?.stack,
      user: err?.name === "UserError",
    });
  }
};
