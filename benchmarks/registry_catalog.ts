/**
 * The real {@link Catalog}: methods, variants and defaults from the method registry
 * (methods/registry.ts), dataset names from the dataset registry, backbone names from the
 * backbone list, and the registry's own cell validation.
 *
 * @module
 */
import type { Catalog, MethodSettings } from "./grid_catalog.ts";
import { listMethods, validateCell } from "../methods/registry.ts";
import { BACKBONES } from "../methods/backbone.ts";
import { DATASET_NAMES, parseDatasetName } from "../datasets/registry.ts";

/** Builds the catalog from the registries. */
export function registryCatalog(): Catalog {
  const entries = listMethods();
  const methods = [...new Set(entries.map((e) => e.method))];
  return {
    methods,
    variants: (m) => entries.filter((e) => e.method === m).map((e) => e.variant),
    defaults: (m, v, scale): MethodSettings => {
      const e = entries.find((x) => x.method === m && x.variant === v);
      return e ? { ...e.defaults[scale], extra: { ...e.defaults[scale].extra } } : {};
    },
    datasets: [...DATASET_NAMES],
    acceptsPath: (d) => {
      try {
        return parseDatasetName(d).kind !== "named";
      } catch {
        return false;
      }
    },
    backbones: [...BACKBONES],
    validate: (cell) => void validateCell(cell),
  };
}
