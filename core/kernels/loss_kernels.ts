/**
 * Registers the wasm replacements for kernels the AMCL losses lean on — `GatherV2`
 * (gather.ts), `SplitV` (split.ts), `TopK` (topk.ts), `Transpose` (transpose.ts) and `Sum`
 * over leading axes (reduce.ts) — each keeping the shipped kernel as its fallback for the
 * cases it does not handle. The shipped kernels stay reachable through {@link shippedKernel}
 * (for before/after timings).
 *
 * @module
 */
import { type AnyKernelFunc, type KernelMaker, replaceWasmKernels } from "./replace.ts";

export type { AnyKernelFunc };
import { gatherV2 } from "./gather.ts";
import { splitV } from "./split.ts";
import { topK } from "./topk.ts";
import { transpose } from "./transpose.ts";
import { sumLeadingAxes } from "./reduce.ts";

const KERNELS: ReadonlyArray<readonly [string, KernelMaker]> = [
  ["GatherV2", gatherV2],
  ["SplitV", splitV],
  ["TopK", topK],
  ["Transpose", transpose],
  ["Sum", sumLeadingAxes],
];

/** The kernels {@link registerLossKernels} replaces on wasm. */
export const LOSS_KERNELS: readonly string[] = KERNELS.map(([name]) => name);

let shipped = new Map<string, AnyKernelFunc>();

/** The shipped wasm kernel that `name` replaced (after {@link registerLossKernels}), if any. */
export function shippedKernel(name: string): AnyKernelFunc | undefined {
  return shipped.get(name);
}

let registered = false;

/** Replaces wasm's `GatherV2`, `SplitV`, `TopK`, `Transpose` and `Sum` (idempotent). */
export function registerLossKernels(): void {
  if (registered) return;
  registered = true;
  shipped = replaceWasmKernels(KERNELS);
}
