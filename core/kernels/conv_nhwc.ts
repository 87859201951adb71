/**
 * What the wasm conv-gradient kernels (conv_backprop_input.ts, conv_backprop_filter.ts) are
 * built from: the geometry of a channels-last conv, and a forward conv by the wasm backend's
 * own `Conv2D` kernel.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { registeredKernel } from "./replace.ts";
import type { WasmBackend } from "./wasm_backend.ts";

/** A stride-1 NHWC forward conv by the wasm backend's own `Conv2D` kernel. */
export function wasmConv2d(b: WasmBackend, x: tf.TensorInfo, filter: tf.TensorInfo, opts: {
  pad: "valid" | number[][];
  dilations?: [number, number];
}): tf.TensorInfo {
  return registeredKernel("Conv2D", "wasm")({
    inputs: { x, filter },
    backend: b,
    attrs: {
      strides: [1, 1],
      pad: opts.pad as unknown as tf.NamedAttrMap[string],
      dilations: opts.dilations ?? [1, 1],
      dataFormat: "NHWC",
      dimRoundingMode: undefined as unknown as string,
    },
  }) as tf.TensorInfo;
}

function isChannelsLast(format: unknown): boolean {
  return format === undefined || format === null || format === "NHWC" || format === "channelsLast";
}

/**
 * The conv geometry a conv-gradient kernel works on (dilation 1, channels-last), or null when
 * the attrs ask for another data format (the caller then falls back).
 */
export function nhwcConvInfo(
  xShape: number[],
  filterShape: number[],
  attrs: Pick<tf.Conv2DBackpropInputAttrs, "dataFormat" | "strides" | "pad" | "dimRoundingMode">,
): tf.backend_util.Conv2DInfo | null {
  if (!isChannelsLast(attrs.dataFormat)) return null;
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad,
    attrs.dimRoundingMode,
    false,
    "channelsLast",
  );
}
