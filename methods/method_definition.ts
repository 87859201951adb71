/**
 * What a method file declares: its name, the backbones it accepts, its losses (with their
 * formula metadata), default hyper-parameters at paper and cpu scale, how it trains
 * (optimiser, schedule, stages) and how its model is built. The registry lists these.
 *
 * @module
 */
import type { Rng } from "../core/random.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { LossInfo } from "./losses/info.ts";
import type { BackboneFamily, ImageSpec } from "./backbone.ts";
import type { MethodModel } from "./method_model.ts";
import type { TrainPlan } from "./train.ts";

/** The two variants of every method. */
export const VARIANTS = ["baseline", "amcl"] as const;
/** A variant. */
export type Variant = typeof VARIANTS[number];
/** The two scales. */
export type Scale = CellConfig["scale"];

/** The method-related fields of a cell, with their default values for one variant and scale. */
export type MethodDefaults = Pick<
  CellConfig,
  | "backbone"
  | "width"
  | "epochs"
  | "batchSize"
  | "heads"
  | "topk"
  | "augs"
  | "tauMode"
  | "tau"
  | "tauMin"
  | "tauMax"
  | "negReg"
  | "beta"
  | "lr"
  | "extra"
>;

/** A method declaration (one per method file). */
export interface MethodDef {
  /** Registry name, lower case (e.g. "simclr"). */
  name: string;
  /** Human name (e.g. "SimCLR"). */
  title: string;
  /** One line: what the method is. */
  summary: string;
  /** Backbone families it can use. */
  families: readonly BackboneFamily[];
  /** The loss of each variant (formula metadata for tables T1/T2). */
  loss: Record<Variant, LossInfo>;
  /** Default settings per scale and variant. */
  defaults(scale: Scale, variant: Variant): MethodDefaults;
  /** Method-specific checks of a resolved cell (UserError), beyond the registry's own. */
  validate?(cell: CellConfig): void;
  /** How the cell trains: stages with optimiser and schedule, gradient clip. */
  trainPlan(cell: CellConfig): TrainPlan;
  /** Builds the trainable model for images of `image`. */
  build(cell: CellConfig, image: ImageSpec, rng: Rng): MethodModel;
}

/** Reads a numeric extra with a default. */
export function extraNumber(cell: CellConfig, key: string, fallback: number): number {
  const v = cell.extra[key];
  return typeof v === "number" ? v : fallback;
}

/** Reads a string extra with a default. */
export function extraString(cell: CellConfig, key: string, fallback: string): string {
  const v = cell.extra[key];
  return typeof v === "string" ? v : fallback;
}

/** Reads a boolean extra with a default. */
export function extraBool(cell: CellConfig, key: string, fallback: boolean): boolean {
  const v = cell.extra[key];
  return typeof v === "boolean" ? v : fallback;
}
