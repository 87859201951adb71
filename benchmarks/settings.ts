/**
 * The settings a preset may fix or sweep: every field of {@link CellConfig} except the
 * scale and the seed (seeds are their own axis), plus `extra.NAME` for method-specific
 * values. Each setting knows how to check a value (from JSON) and parse one (from
 * `--set key=value`), and says what it allows, so errors can list it.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { CellConfig, TauMode } from "../core/cell_config.ts";
import type { Catalog } from "./grid_catalog.ts";

/** The settings of a cell that presets name (CellConfig less scale, seed, extra). */
export type Settings = Omit<CellConfig, "scale" | "seed" | "extra">;
/** A setting name. */
export type SettingKey = keyof Settings;
/** A value of any setting (list settings hold number arrays; extra values are scalars). */
export type SettingValue = string | number | boolean | number[];

/** Temperature modes (record.ts). */
export const TAU_MODES: readonly TauMode[] = [
  "adaptive",
  "constant",
  "adaptive-pos",
  "adaptive-neg",
  "head1",
];
/** Augmentation sets (methods.md). */
export const AUG_SETS = ["a", "ab", "abc", "abcd", "abcde", "default"] as const;
/** Negative regulariser forms (amcl.md §8). */
export const NEG_REGS = ["code", "paper"] as const;
/** Scales every preset runs at. */
export const SCALES = ["cpu", "paper"] as const;
/** A scale. */
export type Scale = typeof SCALES[number];

type Kind =
  | { type: "int"; min: number }
  | { type: "number"; positive: boolean }
  | { type: "enum"; values: (c: Catalog) => readonly string[] }
  | { type: "list" };

const SPEC: Record<SettingKey, Kind> = {
  method: { type: "enum", values: (c) => c.methods },
  variant: { type: "enum", values: () => ["baseline", "amcl"] },
  dataset: { type: "enum", values: (c) => c.datasets },
  backbone: { type: "enum", values: (c) => c.backbones },
  width: { type: "number", positive: true },
  epochs: { type: "int", min: 1 },
  batchSize: { type: "int", min: 2 },
  heads: { type: "int", min: 1 },
  topk: { type: "int", min: 0 },
  augs: { type: "enum", values: () => AUG_SETS },
  tauMode: { type: "enum", values: () => TAU_MODES },
  tau: { type: "number", positive: true },
  tauMin: { type: "number", positive: true },
  tauMax: { type: "number", positive: true },
  negReg: { type: "enum", values: () => NEG_REGS },
  beta: { type: "number", positive: false },
  lr: { type: "number", positive: true },
  probeEpochs: { type: "int", min: 0 },
  labelsPerClass: { type: "list" },
  knnEpochs: { type: "list" },
};

/** Every setting name, in CellConfig order. */
export const SETTING_KEYS = Object.keys(SPEC) as SettingKey[];

/** True when `key` names a setting (`extra.NAME` included). */
export function isSettingKey(key: string): boolean {
  return (SETTING_KEYS as string[]).includes(key) || /^extra\.[A-Za-z_][A-Za-z0-9_]*$/.test(key);
}

/** True when the setting's values are lists of numbers (labelsPerClass, knnEpochs). */
export function isListSetting(key: string): boolean {
  return (SPEC as Record<string, Kind>)[key]?.type === "list";
}

/** A one-line description of the values `key` allows. */
export function allowedValues(key: string, catalog: Catalog): string {
  const kind = (SPEC as Record<string, Kind>)[key];
  if (!kind) return "a number, string or boolean";
  switch (kind.type) {
    case "int":
      return `an integer ≥ ${kind.min}`;
    case "number":
      return kind.positive ? "a number > 0" : "a number ≥ 0";
    case "list":
      return "a list of integers ≥ 0";
    case "enum": {
      const extra = key === "dataset" ? " (or imagefolder:PATH)" : "";
      return `one of ${kind.values(catalog).join(", ")}${extra}`;
    }
  }
}

/** The message for a key that is not a setting. */
export function unknownKeyMessage(where: string, key: string): string {
  return `${where}: unknown setting "${key}"; allowed: ${SETTING_KEYS.join(", ")}, seeds, extra.NAME`;
}

/**
 * Checks one value of setting `key` (as found in JSON) and returns it in canonical form
 * (list settings as sorted-free integer arrays). `where` names the file/key path.
 */
export function checkValue(key: string, value: unknown, where: string, catalog: Catalog): SettingValue {
  const kind = (SPEC as Record<string, Kind>)[key];
  const bad = () =>
    new UserError(`${where}: ${JSON.stringify(value)} is not allowed; use ${allowedValues(key, catalog)}`);
  if (!kind) {
    if (typeof value === "number" && Number.isFinite(value)) return value;
    if (typeof value === "string" || typeof value === "boolean") return value;
    throw bad();
  }
  switch (kind.type) {
    case "int":
      if (typeof value !== "number" || !Number.isInteger(value) || value < kind.min) throw bad();
      return value;
    case "number":
      if (
        typeof value !== "number" || !Number.isFinite(value) || value < 0 || (kind.positive && value === 0)
      ) {
        throw bad();
      }
      return value;
    case "list": {
      const list = typeof value === "number" ? [value] : value;
      if (
        !Array.isArray(list) || !list.every((v) => typeof v === "number" && Number.isInteger(v) && v >= 0)
      ) {
        throw bad();
      }
      return [...list] as number[];
    }
    case "enum": {
      if (typeof value !== "string") throw bad();
      if (key === "dataset" && catalog.acceptsPath(value)) return value;
      if (key === "method" && !catalog.methods.includes(value)) {
        throw new UserError(
          `${where}: unknown method "${value}"; the registry has ${catalog.methods.join(", ")}`,
        );
      }
      if (!kind.values(catalog).includes(value)) throw bad();
      return value;
    }
  }
}

/**
 * Parses the text of `--set key=value` into one or more values: for scalar settings a
 * comma-separated text is a sweep (`heads=1,3`); for list settings it is one list
 * (`labelsPerClass=10,20,50`).
 */
export function parseSetValues(key: string, text: string, where: string, catalog: Catalog): SettingValue[] {
  const parseScalar = (t: string): unknown => {
    const s = t.trim();
    if (s === "true") return true;
    if (s === "false") return false;
    if (s !== "" && Number.isFinite(Number(s))) return Number(s);
    return s;
  };
  if (isListSetting(key)) {
    const items = text.trim() === "" ? [] : text.split(",").map(parseScalar);
    return [checkValue(key, items, where, catalog)];
  }
  const kind = (SPEC as Record<string, Kind>)[key];
  const parts = text.split(",");
  return parts.map((p) => {
    // Enum settings keep text as text (a dataset path may look like anything).
    const v = kind?.type === "enum" ? p.trim() : parseScalar(p);
    return checkValue(key, v, where, catalog);
  });
}
