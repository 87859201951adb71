/**
 * Where the native backend keeps a cell's tensors: on its wasm heap (fastest small ops) while
 * the cell's training step fits well inside the heap's 4 GiB, else in host memory (no
 * ceiling). The estimate is the measured peak of tfjs's tensors for a ResNet-18 SimCLR step
 * (two views) at ×1/4, batch 128, 32² — 1184 MiB — scaled linearly with width, images per
 * step and pixels (activations dominate and grow with each). Other backbones stay on the heap.
 *
 * @module
 */
import type { NativeMemory } from "../core/native/backend.ts";

/** MiB of tensors per image at ResNet-18 ×1, 32² (1184 MiB / (0.25 × 256 images)). */
const RESNET_MIB_PER_IMAGE = 1184 / (0.25 * 256);
/** Estimated peaks above this go to host memory (the heap's 4 GiB, less room for fragmentation). */
export const HEAP_BUDGET_MIB = 3 * 1024;

/** Estimated peak MiB of tfjs tensors in one training step, or null for a backbone without an estimate. */
export function estimatedStepMiB(
  c: { backbone: string; width: number; batchSize: number; views?: number; size: number },
): number | null {
  if (!c.backbone.startsWith("resnet")) return null;
  const images = c.batchSize * (c.views ?? 2);
  return RESNET_MIB_PER_IMAGE * c.width * images * (c.size / 32) ** 2;
}

/** `host` when the estimated step does not fit the heap budget, else `heap`. */
export function nativeMemoryFor(
  c: { backbone: string; width: number; batchSize: number; views?: number; size: number },
): NativeMemory {
  const mib = estimatedStepMiB(c);
  return mib !== null && mib > HEAP_BUDGET_MIB ? "host" : "heap";
}
