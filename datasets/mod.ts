/**
 * The datasets room: dataset loaders behind one interface, subsets, the seeded batch
 * iterator, the paper's augmentations, downloads and previews.
 *
 * @module
 */
export type { Dataset, DatasetInfo, ImageShape, ImageSplit, OpenOptions } from "./dataset.ts";
export { channelStats, classCounts, fullSplit } from "./dataset.ts";
export {
  DATASET_NAMES,
  type DatasetLocation,
  type DatasetRef,
  locateDataset,
  openDataset,
  parseDatasetName,
} from "./registry.ts";
export { EMBEDDED_CLASSES, EMBEDDED_SIZES, generateEmbedded, openEmbedded } from "./embedded.ts";
export { CIFAR10_CLASSES, openCifar10, openCifar100 } from "./cifar.ts";
export { CIFAR10_SUBSET, cifar10SubsetDir, openCifar10Subset, openCifarFile } from "./cifar_file.ts";
export { FASHION_CLASSES, openFashionMnist } from "./fashion_mnist.ts";
export { openStl10, STL10_CLASSES } from "./stl10.ts";
export { openImageFolder } from "./image_folder.ts";
export { IMAGENET100_CLASSES } from "./imagenet100.ts";
export { subsetFraction, subsetPerClass, subsetView } from "./subset.ts";
export { type Batch, BatchIterator, type BatchOptions, batchPixels, batchTensor } from "./batches.ts";
export {
  AUG_FLAGS,
  AUG_NAMES,
  AUG_SETS,
  type AugFlag,
  Augmenter,
  type AugSet,
  COLOUR_OPS,
  parseAugSet,
  REFERENCE_ORDER,
  type ViewParams,
} from "./augment.ts";
export { ARCHIVES, type DatasetArchive, type Download, fetchHosts } from "./archives.ts";
export { fetchDataset, type FetchOptions } from "./fetch.ts";
export type { CropBox } from "./aug_crop.ts";
export type { JitterParams } from "./aug_jitter.ts";
export { type Check, verifyDataset } from "./verify.ts";
export { type Preview, type PreviewOptions, previewPng } from "./preview.ts";
export { encodePng } from "./png.ts";
