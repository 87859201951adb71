/**
 * Grouping records over seeds: a grid point is a configuration without its seed. Also
 * finds which configuration fields vary in a set of records and writes short labels.
 *
 * @module
 */

import type { CellConfig } from "../core/cell_config.ts";
import type { CellRecord } from "../benchmarks/record.ts";
import { CONFIG_FIELDS } from "./config_fields.ts";

/** Records of one configuration over seeds. */
export interface CellGroup {
  /** Stable key: the configuration minus the omitted fields, as JSON with sorted keys. */
  key: string;
  /** Configuration of the first record (seed of that record). */
  config: CellConfig;
  /** Records sorted by seed. */
  records: CellRecord[];
}

function stable(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(Object.keys(o).sort().map((k) => [k, stable(o[k])]));
  }
  return v;
}

/** JSON of `config` without `omit`, with sorted keys (equal configs give equal keys). */
export function configKey(config: CellConfig, omit: ReadonlyArray<keyof CellConfig> = ["seed"]): string {
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(config).sort()) {
    if (!omit.includes(k as keyof CellConfig)) {
      o[k] = stable((config as unknown as Record<string, unknown>)[k]);
    }
  }
  return JSON.stringify(o);
}

/** Groups records by configuration minus `omit` (default: the seed), in first-seen order. */
export function groupCells(
  records: readonly CellRecord[],
  omit: ReadonlyArray<keyof CellConfig> = ["seed"],
): CellGroup[] {
  const map = new Map<string, CellGroup>();
  for (const r of records) {
    const key = configKey(r.config, omit);
    let g = map.get(key);
    if (!g) map.set(key, g = { key, config: r.config, records: [] });
    g.records.push(r);
  }
  for (const g of map.values()) g.records.sort((a, b) => a.config.seed - b.config.seed);
  return [...map.values()];
}

/** Fields (other than `ignore`) whose values differ between the configurations. */
export function varyingFields(
  configs: readonly CellConfig[],
  ignore: ReadonlyArray<keyof CellConfig> = ["seed"],
): Array<keyof CellConfig> {
  const out: Array<keyof CellConfig> = [];
  for (const f of CONFIG_FIELDS) {
    if (ignore.includes(f)) continue;
    const seen = new Set(configs.map((c) => JSON.stringify(stable(c[f]))));
    if (seen.size > 1) out.push(f);
  }
  return out;
}

/** Display form of one field's value (e.g. width 0.125 → "×1/8"). */
export function formatField(field: keyof CellConfig, config: CellConfig): string {
  const v = config[field];
  if (field === "width") {
    const w = v as number;
    if (w >= 1 || !Number.isFinite(w) || w <= 0) return `×${w}`;
    const inv = Math.round(1 / w);
    return Math.abs(1 / inv - w) < 1e-9 ? `×1/${inv}` : `×${w}`;
  }
  if (field === "topk") return (v as number) === 0 ? "softmax" : String(v);
  if (field === "variant") return v === "amcl" ? "AMCL" : "baseline";
  if (Array.isArray(v)) return v.join(",");
  if (v && typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** "backbone ×width" (the width only for ResNets or when it is not 1). */
export function backboneLabel(config: CellConfig): string {
  return config.width === 1 ? config.backbone : `${config.backbone} ${formatField("width", config)}`;
}

/** "field=value · field=value" for the given fields. */
export function describe(config: CellConfig, fields: ReadonlyArray<keyof CellConfig>): string {
  return fields.map((f) => `${f}=${formatField(f, config)}`).join(" · ");
}

/**
 * Fields that vary within one variant (the grid's axes). Baseline and AMCL differ in
 * heads, τ mode and the like by design; those differences are not axes.
 */
export function axisFields(
  configs: readonly CellConfig[],
  ignore: ReadonlyArray<keyof CellConfig> = ["seed"],
): Array<keyof CellConfig> {
  const out = new Set<keyof CellConfig>();
  for (const variant of ["baseline", "amcl"]) {
    for (const f of varyingFields(configs.filter((c) => c.variant === variant), ignore)) out.add(f);
  }
  return CONFIG_FIELDS.filter((f) => out.has(f));
}
