/**
 * Per-epoch checkpoints: a method's full state (parameters and buffers: momentum encoder,
 * queue, BatchNorm statistics), the optimiser state, the caller's own arrays (the training
 * loop's last-step temperatures, which the record is later derived from), the epoch reached
 * and the hash of the configuration that wrote it (and, when the caller gives them, the
 * full configuration and the input image shape, so the model can be rebuilt from the folder
 * alone), in
 * `DIR/checkpoint.json` + `DIR/epoch-NNNN.bin`. The JSON is renamed into place last, so a
 * run killed while writing leaves the previous checkpoint. Resuming refuses a checkpoint
 * written by another configuration.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../core/errors.ts";
import type { Module } from "../models/module.ts";
import type { Optimizer, OptimizerState } from "./optim.ts";
import type { ImageSpec } from "./backbone.ts";

/** Checkpoint format version. */
export const CHECKPOINT_FORMAT = 1;

interface TensorEntry {
  key: string;
  shape: number[];
  dtype: "float32" | "int32";
  offset: number;
}

/** What `checkpoint.json` holds. */
export interface CheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  configHash: string;
  /** Last completed epoch (0-based). */
  epoch: number;
  /** Stage the optimiser state belongs to. */
  stage: string;
  optimizerKind: OptimizerState["kind"];
  optimizerStep: number;
  bin: string;
  bytes: number;
  tensors: TensorEntry[];
  /** Caller data (e.g. the epoch curve so far), JSON. */
  extra: unknown;
  /** The full configuration whose hash is `configHash` (absent in older checkpoints). */
  config?: unknown;
  /** The input images the model was built for (absent in older checkpoints). */
  image?: ImageSpec;
}

/** A stable hash (SHA-256, hex, 16 chars) of any JSON-able configuration. */
export async function configHash(config: unknown): Promise<string> {
  const text = stableJson(config);
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest).slice(0, 8), (b) => b.toString(16).padStart(2, "0")).join("");
}

function stableJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${
    Object.keys(o).sort().filter((k) => o[k] !== undefined).map((k) =>
      `${JSON.stringify(k)}:${stableJson(o[k])}`
    )
      .join(",")
  }}`;
}

/** Writes a checkpoint of `root` and `optimizer` after `epoch` into `dir`. */
export async function saveCheckpoint(
  dir: string,
  opts: {
    configHash: string;
    epoch: number;
    stage: string;
    root: Module;
    optimizer: Optimizer;
    extra?: unknown;
    /** Float arrays of the caller, by name, handed back by {@link loadCheckpoint}. */
    arrays?: Record<string, Float32Array>;
    config?: unknown;
    image?: ImageSpec;
  },
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const push = (key: string, shape: number[], dtype: string, data: Float32Array | Int32Array) => {
    if (dtype !== "float32" && dtype !== "int32") {
      throw new Error(`checkpoint: unsupported dtype ${dtype} (${key})`);
    }
    const bytes = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    entries.push({ key, shape, dtype, offset });
    chunks.push(bytes);
    offset += bytes.byteLength;
  };
  for (const [path, v] of opts.root.state()) {
    push(`state/${path}`, v.shape.slice(), v.dtype, (await v.data()) as Float32Array | Int32Array);
  }
  const os = await opts.optimizer.state();
  for (const [slot, byPath] of Object.entries(os.slots)) {
    for (const [path, s] of Object.entries(byPath)) {
      push(`optim/${slot}/${path}`, s.shape, "float32", s.values);
    }
  }
  for (const [name, values] of Object.entries(opts.arrays ?? {})) {
    push(`array/${name}`, [values.length], "float32", values);
  }
  const all = new Uint8Array(offset);
  let o = 0;
  for (const c of chunks) {
    all.set(c, o);
    o += c.byteLength;
  }
  const bin = `epoch-${String(opts.epoch).padStart(4, "0")}.bin`;
  const meta: CheckpointMeta = {
    format: CHECKPOINT_FORMAT,
    configHash: opts.configHash,
    epoch: opts.epoch,
    stage: opts.stage,
    optimizerKind: os.kind,
    optimizerStep: os.step,
    bin,
    bytes: offset,
    tensors: entries,
    extra: opts.extra ?? null,
    ...(opts.config !== undefined ? { config: opts.config } : {}),
    ...(opts.image !== undefined ? { image: opts.image } : {}),
  };
  await Deno.writeFile(`${dir}/${bin}.tmp`, all);
  await Deno.rename(`${dir}/${bin}.tmp`, `${dir}/${bin}`);
  await Deno.writeTextFile(`${dir}/checkpoint.json.tmp`, JSON.stringify(meta));
  await Deno.rename(`${dir}/checkpoint.json.tmp`, `${dir}/checkpoint.json`);
  for await (const e of Deno.readDir(dir)) {
    if (e.isFile && /^epoch-\d+\.bin$/.test(e.name) && e.name !== bin) await Deno.remove(`${dir}/${e.name}`);
  }
}

/**
 * Reads `dir/checkpoint.json` whatever configuration wrote it (null when there is none);
 * refuses another format or a file that is not JSON.
 */
export async function readCheckpointFile(dir: string): Promise<CheckpointMeta | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${dir}/checkpoint.json`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(text) as CheckpointMeta;
  } catch {
    throw new UserError(`${dir}/checkpoint.json is not valid JSON; the checkpoint is damaged, delete it`);
  }
  if (meta?.format !== CHECKPOINT_FORMAT) {
    throw new UserError(
      `checkpoint in ${dir} has format ${meta?.format}, expected ${CHECKPOINT_FORMAT}; delete it`,
    );
  }
  return meta;
}

/** Reads `dir/checkpoint.json` (null when there is none). Refuses another configuration's. */
export async function readCheckpointMeta(dir: string, configHash: string): Promise<CheckpointMeta | null> {
  const meta = await readCheckpointFile(dir);
  if (meta === null) return null;
  if (meta.configHash !== configHash) {
    throw new UserError(
      `checkpoint in ${dir} was written by another configuration (hash ${meta.configHash}, this run ${configHash}); ` +
        `use another checkpoint folder or delete it`,
    );
  }
  return meta;
}

/**
 * Loads the checkpoint described by `meta` into `root` (every state entry must match in
 * shape) and, when given, into `optimizer`; returns the caller's arrays saved with it (see
 * `saveCheckpoint`'s `arrays`; empty for a checkpoint written without them).
 */
export async function loadCheckpoint(
  dir: string,
  meta: CheckpointMeta,
  root: Module,
  optimizer: Optimizer | null,
): Promise<Map<string, Float32Array>> {
  const bytes = await Deno.readFile(`${dir}/${meta.bin}`);
  if (bytes.byteLength !== meta.bytes) {
    throw new UserError(
      `checkpoint ${dir}/${meta.bin} is truncated (${bytes.byteLength} of ${meta.bytes} bytes)`,
    );
  }
  const byKey = new Map(meta.tensors.map((t) => [t.key, t]));
  const read = (t: TensorEntry): Float32Array | Int32Array => {
    const n = t.shape.reduce((a, b) => a * b, 1);
    const buf = bytes.buffer.slice(bytes.byteOffset + t.offset, bytes.byteOffset + t.offset + 4 * n);
    return t.dtype === "int32" ? new Int32Array(buf) : new Float32Array(buf);
  };
  const state = root.state();
  const stateKeys = meta.tensors.filter((t) => t.key.startsWith("state/")).length;
  if (stateKeys !== state.size) {
    throw new UserError(
      `checkpoint in ${dir} holds ${stateKeys} tensors, the model has ${state.size}; it was written by another configuration`,
    );
  }
  for (const [path, v] of state) {
    const t = byKey.get(`state/${path}`);
    if (!t || t.shape.join("x") !== v.shape.join("x")) {
      throw new UserError(
        `checkpoint in ${dir} has no tensor ${path} of shape [${v.shape}]; another configuration wrote it`,
      );
    }
    tf.tidy(() => v.assign(tf.tensor(read(t), t.shape, t.dtype)));
  }
  if (optimizer) {
    const slots: OptimizerState["slots"] = {};
    for (const t of meta.tensors) {
      if (!t.key.startsWith("optim/")) continue;
      const rest = t.key.slice("optim/".length);
      const cut = rest.indexOf("/");
      const slot = rest.slice(0, cut);
      slots[slot] ??= {};
      slots[slot][rest.slice(cut + 1)] = { shape: t.shape, values: read(t) as Float32Array };
    }
    optimizer.loadState({ kind: meta.optimizerKind, step: meta.optimizerStep, slots });
  }
  const arrays = new Map<string, Float32Array>();
  for (const t of meta.tensors) {
    if (t.key.startsWith("array/")) arrays.set(t.key.slice("array/".length), read(t) as Float32Array);
  }
  return arrays;
}
