/**
 * The one registry of methods: method × variant ("baseline" | "amcl") → definition. The
 * CLI, the grid runner and the reports enumerate it; nothing else lists the methods.
 * Adding a method = one method file + its loss file + one line in {@link METHODS}.
 *
 * @module
 */
import type { Rng } from "../core/random.ts";
import { check, UserError } from "../core/errors.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { LossInfo } from "./losses/info.ts";
import { backboneFamily, BACKBONES, type ImageSpec } from "./backbone.ts";
import type { MethodModel } from "./method_model.ts";
import {
  type MethodDef,
  type MethodDefaults,
  type Scale,
  type Variant,
  VARIANTS,
} from "./method_definition.ts";
import type { TrainPlan } from "./train.ts";
import { SIMCLR } from "./simclr.ts";
import { MOCO } from "./moco.ts";
import { SIMSIAM } from "./simsiam.ts";
import { BARLOW } from "./barlow.ts";
import { CAN } from "./can.ts";
import { LGP } from "./lgp.ts";

/** Every method, in table order. */
export const METHODS: readonly MethodDef[] = [SIMCLR, MOCO, SIMSIAM, BARLOW, CAN, LGP];

/** One row of {@link listMethods}: a method × variant with its metadata and defaults. */
export interface MethodEntry {
  method: string;
  variant: Variant;
  title: string;
  summary: string;
  /** Backbone names this method accepts. */
  backbones: string[];
  /** The variant's loss with its formula (tables T1/T2). */
  loss: LossInfo;
  defaults: Record<Scale, MethodDefaults>;
}

/** Every method × variant (12 rows), for `--list`, the grid and the reports. */
export function listMethods(): MethodEntry[] {
  return METHODS.flatMap((m) =>
    VARIANTS.map((variant) => ({
      method: m.name,
      variant,
      title: m.title,
      summary: m.summary,
      backbones: acceptedBackbones(m),
      loss: m.loss[variant],
      defaults: { paper: m.defaults("paper", variant), cpu: m.defaults("cpu", variant) },
    }))
  );
}

/** The method called `name` (UserError listing the known ones). */
export function getMethod(name: string): MethodDef {
  const m = METHODS.find((d) => d.name === name);
  if (!m) {
    throw new UserError(`unknown method "${name}"; known methods: ${METHODS.map((d) => d.name).join(", ")}`);
  }
  return m;
}

/** Checks a variant name (UserError listing the known ones). */
export function checkVariant(variant: string): Variant {
  check(
    (VARIANTS as readonly string[]).includes(variant),
    `unknown variant "${variant}"; known variants: ${VARIANTS.join(", ")}`,
  );
  return variant as Variant;
}

/** The backbone names a method accepts. */
export function acceptedBackbones(m: MethodDef): string[] {
  return BACKBONES.filter((b) => m.families.includes(backboneFamily(b)));
}

/** The default method settings of `method` × `variant` at `scale`. */
export function methodDefaults(method: string, variant: string, scale: Scale): MethodDefaults {
  return getMethod(method).defaults(scale, checkVariant(variant));
}

/** Validates the method-related fields of a cell (UserError naming the problem and the fix). */
export function validateCell(cell: CellConfig): MethodDef {
  const m = getMethod(cell.method);
  checkVariant(cell.variant);
  const family = backboneFamily(cell.backbone);
  check(
    m.families.includes(family),
    `${m.title} cannot use backbone ${cell.backbone}; use one of ${acceptedBackbones(m).join(", ")}`,
  );
  const posInt = (v: number) => Number.isInteger(v) && v > 0;
  check(posInt(cell.heads), `heads = ${cell.heads}; expected a positive integer`);
  check(
    posInt(cell.batchSize) && cell.batchSize >= 2,
    `batch size ${cell.batchSize}; expected an integer ≥ 2`,
  );
  check(posInt(cell.epochs), `epochs = ${cell.epochs}; expected a positive integer`);
  check(Number.isFinite(cell.lr) && cell.lr > 0, `learning rate ${cell.lr}; expected a number > 0`);
  check(
    Number.isInteger(cell.topk) && cell.topk >= 0,
    `topk = ${cell.topk}; expected an integer ≥ 0 (0 = softmax)`,
  );
  check(Number.isFinite(cell.tau) && cell.tau > 0, `tau = ${cell.tau}; expected a number > 0`);
  check(
    cell.tauMin > 0 && cell.tauMin < cell.tauMax,
    `tauMin = ${cell.tauMin}, tauMax = ${cell.tauMax}; expected 0 < tauMin < tauMax`,
  );
  check(Number.isFinite(cell.beta) && cell.beta >= 0, `beta = ${cell.beta}; expected a number ≥ 0`);
  check(
    cell.variant === "amcl" || cell.tauMode === "constant",
    `the baseline uses a constant temperature; set tauMode to "constant" or use the amcl variant`,
  );
  m.validate?.(cell);
  return m;
}

/** Builds the trainable model of a cell for images of `image` (validates the cell first). */
export function buildMethod(cell: CellConfig, image: ImageSpec, rng: Rng): MethodModel {
  return validateCell(cell).build(cell, image, rng);
}

/** How a cell trains (stages, optimiser, schedule, clip). */
export function trainPlanFor(cell: CellConfig): TrainPlan {
  return validateCell(cell).trainPlan(cell);
}
