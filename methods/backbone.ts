/**
 * Backbones by name ("resnet18", "resnet34", "resnet50", "vit-tiny", "vit-small",
 * "vit-base", "vit-large") behind one small interface, so method files can say which
 * backbones they accept and build them from a cell's configuration.
 *
 * ResNets take the cell's width multiplier and the CIFAR stem for ≤ 64 px images. ViTs take
 * patch 4 at ≤ 64 px (16 above) and optional cpu-scale overrides from the cell's `extra`:
 * `vitWidth`, `vitDepth`, `vitHeads`, `vitPatch`.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import type { Rng } from "../core/random.ts";
import type { Ctx } from "../models/module.ts";
import { BACKBONE_NAMES, createBackbone, isVit, parseBackboneName } from "../models/backbone.ts";
import type { ResNet } from "../models/resnet.ts";
import type { ViT, VitConfig, VitPool } from "../models/vit.ts";

/** Every backbone name the suite builds (the models room's list). */
export const BACKBONES = BACKBONE_NAMES;
/** Backbone families. */
export type BackboneFamily = "resnet" | "vit";

/** The input images a model is built for. */
export interface ImageSpec {
  /** Square side in pixels. */
  size: number;
  channels: number;
}

/** What a method needs to know to build a backbone. */
export interface BackboneRequest {
  name: string;
  /** ResNet width multiplier. */
  width: number;
  image: ImageSpec;
  /** ViT feature pooling (per method). */
  pool?: VitPool;
  /** Cell extras (ViT size overrides). */
  extra?: Record<string, number | string | boolean>;
}

/** A built backbone, tagged with its family so methods can reach family-specific parts. */
export type BuiltBackbone =
  | { family: "resnet"; module: ResNet; featureDim: number }
  | { family: "vit"; module: ViT; featureDim: number };

/** The family of a backbone name (UserError for unknown names). */
export function backboneFamily(name: string): BackboneFamily {
  return isVit(parseBackboneName(name)) ? "vit" : "resnet";
}

/** The ViT overrides a cell's `extra` asks for (`vitWidth`, `vitDepth`, `vitHeads`). */
function vitOverrides(extra: Record<string, number | string | boolean> = {}): Partial<VitConfig> {
  const num = (
    k: string,
  ): number | undefined => (typeof extra[k] === "number" ? extra[k] as number : undefined);
  const o: Partial<VitConfig> = { classToken: true };
  if (num("vitWidth") !== undefined) o.width = num("vitWidth");
  if (num("vitDepth") !== undefined) o.depth = num("vitDepth");
  if (num("vitHeads") !== undefined) o.heads = num("vitHeads");
  return o;
}

/** Builds the backbone a request names (through the models room's `createBackbone`). */
export function buildBackbone(rng: Rng, req: BackboneRequest): BuiltBackbone {
  const family = backboneFamily(req.name);
  const patch = req.extra?.vitPatch;
  const module = createBackbone(rng, req.name, {
    imageSize: req.image.size,
    inChannels: req.image.channels,
    width: req.width,
    pool: req.pool ?? "cls",
    patchSize: typeof patch === "number" ? patch : undefined,
    vit: vitOverrides(req.extra),
  });
  return family === "vit"
    ? { family, module: module as ViT, featureDim: module.featureDim }
    : { family, module: module as ResNet, featureDim: module.featureDim };
}

/** Features [N, F] of images through a backbone (mode from `c`). */
export function backboneForward(b: BuiltBackbone, x: tf.Tensor4D, c: Ctx): tf.Tensor2D {
  return b.module.forward(x, c);
}
