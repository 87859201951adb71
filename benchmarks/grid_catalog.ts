/**
 * What the grid may name: methods and their variants (from the method registry), datasets
 * and backbones, with each method's defaults. The preset validator and the grid take a
 * catalog so that they never list methods themselves; {@link loadCatalog} builds the real
 * one from the rooms' registries, tests may build their own.
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";
import type { Settings } from "./settings.ts";

/** Names the grid may use, and the defaults each method × variant brings. */
export interface Catalog {
  /** Method names, in registry order. */
  methods: string[];
  /** Variants a method offers ("baseline", "amcl"). */
  variants(method: string): string[];
  /** The method × variant defaults at a scale (only the settings the method fixes). */
  defaults(method: string, variant: string, scale: "cpu" | "paper"): MethodSettings;
  /** Dataset names; a dataset may also be `imagefolder:PATH` or a path when `acceptsPath`. */
  datasets: string[];
  /** True when a dataset value may be a folder path / `imagefolder:PATH`. */
  acceptsPath(dataset: string): boolean;
  /** Backbone names. */
  backbones: string[];
  /** Checks a resolved cell beyond single values (e.g. a method's accepted backbones); throws UserError. */
  validate?(config: CellConfig): void;
}

/** Defaults a method brings: settings plus method-specific extras. */
export type MethodSettings = Partial<Settings> & { extra?: Record<string, number | string | boolean> };
