/**
 * A Web Worker of `knnPredictParallel` (knn_pool.ts): starts the backend it is told, builds a
 * {@link KnnBank} from the normalised bank it receives once, then classifies the query
 * batches it is sent, one reply per batch. Replies with `{kind: "error"}` on failure.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../core/backend.ts";
import { KnnBank } from "./knn_classifier.ts";
import type { KnnWorkerInit, KnnWorkerReply } from "./knn_pool.ts";
import type { FeatureMatrix } from "./features.ts";

let bank: KnnBank | null = null;
let query: FeatureMatrix | null = null;
/** Settles once the backend and bank are ready; batches wait for it. */
let ready: Promise<void> | null = null;

function reply(m: KnnWorkerReply): void {
  self.postMessage(m);
}

function fail(e: unknown): void {
  reply({ kind: "error", message: e instanceof Error ? e.message : String(e) });
}

async function start(init: KnnWorkerInit): Promise<void> {
  await initBackend(init.backend);
  const rows = tf.tensor2d(init.bank, [init.bankRows, init.dim], "float32");
  bank = new KnnBank(rows, init.labels, init.settings);
  query = { data: init.query, n: init.queryRows, dim: init.dim };
}

self.onmessage = (e: MessageEvent<KnnWorkerInit | { kind: "batch"; start: number; end: number }>) => {
  const m = e.data;
  if (m.kind === "init") {
    ready = start(m);
    ready.then(() => reply({ kind: "ready" }), fail);
    return;
  }
  ready!.then(() => {
    const pred = bank!.classify(query!, m.start, m.end);
    reply({ kind: "batch", start: m.start, pred });
  }).catch(fail);
};
