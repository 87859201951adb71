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
import { check } from "../core/errors.ts";
import type { Ctx } from "../models/module.ts";
import { ResNet, type ResNetDepth } from "../models/resnet.ts";
import { ViT, type VitConfig, vitConfig, type VitPool, type VitSize } from "../models/vit.ts";

/** Every backbone name the suite builds. */
export const BACKBONES = [
  "resnet18",
  "resnet34",
  "resnet50",
  "vit-tiny",
  "vit-small",
  "vit-base",
  "vit-large",
] as const;
/** A backbone name. */
export type BackboneName = typeof BACKBONES[number];
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

/** A built backbone. */
export type Backbone =
  | { family: "resnet"; module: ResNet; featureDim: number }
  | { family: "vit"; module: ViT; featureDim: number };

/** The family of a backbone name (UserError for unknown names). */
export function backboneFamily(name: string): BackboneFamily {
  check(
    (BACKBONES as readonly string[]).includes(name),
    `unknown backbone "${name}"; use one of ${BACKBONES.join(", ")}`,
  );
  return name.startsWith("vit") ? "vit" : "resnet";
}

/** The ViT configuration a request resolves to. */
export function vitConfigFor(req: BackboneRequest): VitConfig {
  const size = req.name.slice("vit-".length) as VitSize;
  const e = req.extra ?? {};
  const num = (k: string): number | undefined => (typeof e[k] === "number" ? e[k] as number : undefined);
  const overrides: Partial<VitConfig> = {
    imageSize: req.image.size,
    inChannels: req.image.channels,
    pool: req.pool ?? "cls",
    classToken: true,
  };
  if (num("vitWidth") !== undefined) overrides.width = num("vitWidth");
  if (num("vitDepth") !== undefined) overrides.depth = num("vitDepth");
  if (num("vitHeads") !== undefined) overrides.heads = num("vitHeads");
  if (num("vitPatch") !== undefined) overrides.patchSize = num("vitPatch");
  return vitConfig(size, overrides);
}

/** Builds the backbone a request names. */
export function buildBackbone(rng: Rng, req: BackboneRequest): Backbone {
  const family = backboneFamily(req.name);
  if (family === "resnet") {
    const depth = Number(req.name.slice("resnet".length)) as ResNetDepth;
    const module = new ResNet(rng, {
      depth,
      width: req.width,
      imageSize: req.image.size,
      inChannels: req.image.channels,
    });
    return { family, module, featureDim: module.featureDim };
  }
  const module = new ViT(rng, vitConfigFor(req));
  return { family, module, featureDim: module.featureDim };
}

/** Features [N, F] of images through a backbone (mode from `c`). */
export function backboneForward(b: Backbone, x: tf.Tensor4D, c: Ctx): tf.Tensor2D {
  return b.family === "resnet" ? b.module.forward(x, c) : b.module.forward(x, c);
}
