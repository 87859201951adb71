/**
 * Backbones by name: `resnet18`, `resnet34`, `resnet50`, `vit-tiny`, `vit-small`,
 * `vit-base`, `vit-large`. Every backbone maps NHWC images to features [N, featureDim].
 *
 * @module
 */
import type { Rng } from "../core/random.ts";
import { check } from "../core/errors.ts";
import { ResNet, type ResNetDepth, type ResNetStem } from "./resnet.ts";
import { ViT, type VitConfig, vitConfig, type VitPool, type VitSize } from "./vit.ts";

/** Every backbone name. */
export const BACKBONE_NAMES = [
  "resnet18",
  "resnet34",
  "resnet50",
  "vit-tiny",
  "vit-small",
  "vit-base",
  "vit-large",
] as const;
/** A backbone name. */
export type BackboneName = typeof BACKBONE_NAMES[number];
/** Any backbone. */
export type Backbone = ResNet | ViT;

/** Settings of {@link createBackbone}; each applies to the family named. */
export interface BackboneOptions {
  /** Input side in pixels (decides the ResNet stem and the ViT's patch grid). */
  imageSize: number;
  /** Input channels, 3 or 1 (default 3). */
  inChannels?: number;
  /** ResNet width multiplier (default 1). */
  width?: number;
  /** ResNet stem (default `auto`). */
  stem?: ResNetStem;
  /** ViT patch size (default 4 for ≤ 64 px, else 16). */
  patchSize?: number;
  /** ViT feature pooling (default `cls`). */
  pool?: VitPool;
  /** Further ViT overrides (e.g. `{ depth: 4 }` at cpu scale). */
  vit?: Partial<VitConfig>;
}

/** Whether `name` is a ViT. */
export function isVit(name: BackboneName): boolean {
  return name.startsWith("vit-");
}

/** Checks that `name` is a known backbone (UserError listing the known ones). */
export function parseBackboneName(name: string): BackboneName {
  check(
    (BACKBONE_NAMES as readonly string[]).includes(name),
    `unknown backbone "${name}"; use one of ${BACKBONE_NAMES.join(", ")}`,
  );
  return name as BackboneName;
}

/** Builds the backbone `name` with weights from `rng`. */
export function createBackbone(rng: Rng, name: string, opts: BackboneOptions): Backbone {
  const n = parseBackboneName(name);
  if (isVit(n)) {
    const overrides: Partial<VitConfig> = { imageSize: opts.imageSize, inChannels: opts.inChannels ?? 3 };
    if (opts.patchSize !== undefined) overrides.patchSize = opts.patchSize;
    if (opts.pool !== undefined) overrides.pool = opts.pool;
    return new ViT(rng, vitConfig(n.slice(4) as VitSize, { ...overrides, ...opts.vit }));
  }
  return new ResNet(rng, {
    depth: Number(n.slice(6)) as ResNetDepth,
    width: opts.width,
    stem: opts.stem,
    imageSize: opts.imageSize,
    inChannels: opts.inChannels,
  });
}
