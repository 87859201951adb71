/**
 * Adapts a dataset split (datasets/dataset.ts `ImageSplit`) to the evaluation inputs:
 * contiguous uint8 NHWC images plus labels, with a clear error for unlabelled splits.
 *
 * @module
 */
import { check } from "../core/errors.ts";
import type { ImageSplit } from "../datasets/dataset.ts";
import type { ImageArray, Labelled } from "./features.ts";

/** The images of a split as one contiguous {@link ImageArray} (shared storage when possible). */
export function splitImages(split: ImageSplit): ImageArray {
  const [height, width, channels] = split.shape;
  const per = height * width * channels;
  let identity = split.records.length * per === split.pixels.length;
  for (let i = 0; identity && i < split.records.length; i++) identity = split.records[i] === i;
  let data = split.pixels;
  if (!identity) {
    data = new Uint8Array(split.size * per);
    for (let i = 0; i < split.size; i++) {
      const r = split.records[i];
      data.set(split.pixels.subarray(r * per, (r + 1) * per), i * per);
    }
  }
  return { data, n: split.size, height, width, channels };
}

/**
 * A labelled split for a labelled protocol; throws a UserError naming the split when any
 * image has no label (-1).
 */
export function labelledSplit(split: ImageSplit, dataset: string, classes?: number): Labelled<ImageArray> {
  let unlabelled = 0;
  for (let i = 0; i < split.labels.length; i++) if (split.labels[i] < 0) unlabelled++;
  check(split.size > 0, `${dataset} split "${split.name}" is empty; pick a split with images`);
  check(
    unlabelled === 0,
    `${dataset} split "${split.name}" has ${unlabelled} unlabelled images; this protocol needs labels` +
      ` (use a labelled split such as train/test, or a labelled dataset)`,
  );
  return { x: splitImages(split), y: split.labels, numClasses: classes };
}
