/**
 * Rebuilds a trained method from a cell's checkpoint folder (`OUT/cells/ID`, kept after the
 * cell finishes only with `deno task bench --keep-checkpoints`): the stored configuration
 * names the method, variant and backbone, the stored image shape sizes the model, and the
 * weights are loaded into it. Anything that does not fit — no configuration, a configuration
 * that does not hash to the checkpoint's id, weights of another architecture, a dataset of
 * another image shape, another backbone than the caller asked for — is a clear `UserError`.
 *
 * It lives in `benchmarks/` because it needs the registry (methods), the cell's data (the
 * same train/test cut the cell used) and cell ids; `eval/eval_main.ts`, the CLI, imports it
 * and hands `eval/` an `EvalModel`, so the evaluation library itself never imports methods.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../core/errors.ts";
import { Rng } from "../core/random.ts";
import { Augmenter } from "../datasets/augment.ts";
import type { DatasetInfo } from "../datasets/dataset.ts";
import { backboneFamily, type ImageSpec } from "../methods/backbone.ts";
import { loadCheckpoint, readCheckpointFile } from "../methods/checkpoint.ts";
import type { MethodModel } from "../methods/method_model.ts";
import { buildMethod } from "../methods/registry.ts";
import type { EvalModel } from "../eval/run_eval.ts";
import { cellId } from "./cell_id.ts";
import type { CellConfig } from "../core/cell_config.ts";

/** A model rebuilt from a checkpoint folder. */
export interface LoadedCheckpoint {
  dir: string;
  /** The cell's full resolved configuration. */
  config: CellConfig;
  /** The input images the model was built for. */
  image: ImageSpec;
  /** Epochs completed when the checkpoint was written. */
  epochs: number;
  /** The model, weights loaded; the caller disposes it. */
  model: MethodModel;
}

/** What the caller expects of the checkpoint (checked; a mismatch is a UserError). */
export interface CheckpointExpectation {
  /** Backbone name the caller means to evaluate. */
  backbone?: string;
}

/** Reads, checks and rebuilds the checkpoint in `dir` (the backend must be initialised). */
export async function loadCheckpointModel(
  dir: string,
  expect: CheckpointExpectation = {},
): Promise<LoadedCheckpoint> {
  const info = await Deno.stat(dir).catch(() => null);
  if (!info?.isDirectory) {
    throw new UserError(`checkpoint folder ${dir} does not exist; pass a cell's folder OUT/cells/ID`);
  }
  const meta = await readCheckpointFile(dir);
  if (!meta) {
    throw new UserError(
      `${dir} holds no checkpoint.json; a finished cell keeps its checkpoint folder (OUT/cells/ID) only when ` +
        `the sweep ran with --keep-checkpoints`,
    );
  }
  if (meta.config === undefined || meta.image === undefined) {
    throw new UserError(
      `checkpoint in ${dir} stores no configuration (written by an older version); rerun the cell with ` +
        `--keep-checkpoints to get one that can be evaluated`,
    );
  }
  const config = meta.config as CellConfig;
  const id = cellId(config);
  if (id !== meta.configHash) {
    throw new UserError(
      `checkpoint in ${dir}: its stored configuration hashes to ${id}, not to its id ${meta.configHash} ` +
        `(edited or damaged); use an untouched checkpoint folder`,
    );
  }
  if (expect.backbone !== undefined && expect.backbone !== config.backbone) {
    throw new UserError(
      `checkpoint in ${dir} holds a ${config.backbone} (${config.method} ${config.variant}), not a ` +
        `${expect.backbone}; pass the checkpoint of a ${expect.backbone} cell or drop --backbone`,
    );
  }
  const model = buildMethod(config, meta.image, new Rng(config.seed).derive("model"));
  try {
    await loadCheckpoint(dir, meta, model.root, null);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { dir, config, image: meta.image, epochs: meta.epoch + 1, model };
}

/** Refuses a dataset whose images are not the shape the checkpoint's model was built for. */
export function checkDatasetFits(loaded: LoadedCheckpoint, dataset: DatasetInfo): void {
  const [h, w, c] = dataset.shape;
  const { size, channels } = loaded.image;
  if (h !== size || w !== size || c !== channels) {
    throw new UserError(
      `checkpoint in ${loaded.dir} holds a ${loaded.config.backbone} built for ${size}×${size}×${channels} images ` +
        `(${loaded.config.dataset}); dataset ${dataset.name} has ${h}×${w}×${c}; evaluate on a dataset of that ` +
        `shape`,
    );
  }
}

/**
 * The checkpoint's model as evaluation takes it: inputs normalised with `dataset`'s channel
 * statistics (the training dataset's when it is the cell's own), backbone and head features
 * in eval mode, the cell's temperatures, and a non-affine BatchNorm before the probe for ViT
 * backbones.
 */
export function checkpointEvalModel(loaded: LoadedCheckpoint, dataset: DatasetInfo): EvalModel {
  checkDatasetFits(loaded, dataset);
  const augmenter = new Augmenter(loaded.config.augs, dataset);
  const sim = loaded.model.similarityModel();
  return {
    features: sim.features,
    headFeatures: sim.headFeatures,
    temperature: sim.temperature,
    probeBatchNorm: backboneFamily(loaded.config.backbone) === "vit",
    normalize: (x: tf.Tensor4D) => augmenter.normalise(x),
  };
}
