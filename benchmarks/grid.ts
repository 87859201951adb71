/**
 * Grid expansion: a validated preset at one scale, with command-line overrides, becomes
 * the list of cells (resolved configuration × seed, each with its stable id). Cells come
 * out in a deterministic order (case, then axes in setting order, then seed) and
 * duplicates (identical configurations) appear once.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { CellConfig } from "../core/cell_config.ts";
import type { Catalog } from "./grid_catalog.ts";
import type { Overrides, Preset, Sourced } from "./preset.ts";
import { type Scale, SETTING_KEYS, type Settings, type SettingValue } from "./settings.ts";
import { defaultKnnEpochs, scaleDefaults, variantDefaults } from "./scale_defaults.ts";
import { cellId } from "./cell_id.ts";

/** One cell of a sweep. */
export interface Cell {
  id: string;
  config: CellConfig;
}

function orderedKeys(keys: string[]): string[] {
  const known = SETTING_KEYS.filter((k) => keys.includes(k)) as string[];
  const extra = keys.filter((k) => !known.includes(k)).sort();
  return [...known, ...extra];
}

function product(
  axes: Array<[string, Sourced]>,
): Array<Record<string, { value: SettingValue; where: string }>> {
  let points: Array<Record<string, { value: SettingValue; where: string }>> = [{}];
  for (const [key, src] of axes) {
    const next: typeof points = [];
    for (const p of points) {
      for (const v of src.values) next.push({ ...p, [key]: { value: v, where: src.where } });
    }
    points = next;
  }
  return points;
}

function resolve(
  point: Record<string, { value: SettingValue; where: string }>,
  scale: Scale,
  seed: number,
  catalog: Catalog,
): CellConfig {
  const method = (point.method?.value as string | undefined) ?? catalog.methods[0];
  const variant = (point.variant?.value as string | undefined) ?? "baseline";
  const whereOf = (k: string) => point[k]?.where ?? "the defaults";
  const variants = catalog.variants(method);
  if (!variants.includes(variant)) {
    throw new UserError(
      `${whereOf("variant")}: method ${method} has no variant "${variant}"; it has ${variants.join(", ")}`,
    );
  }
  const { extra: methodExtra, ...methodSettings } = catalog.defaults(method, variant, scale);
  const settings: Record<string, unknown> = {
    ...scaleDefaults(scale, method),
    ...variantDefaults(variant),
    ...methodSettings,
  };
  const extra: Record<string, number | string | boolean> = { ...methodExtra };
  for (const [k, { value }] of Object.entries(point)) {
    if (k.startsWith("extra.")) extra[k.slice(6)] = value as number | string | boolean;
    else settings[k] = value;
  }
  const s = settings as unknown as Settings;
  if (point.knnEpochs === undefined && !methodSettings.knnEpochs) {
    s.knnEpochs = defaultKnnEpochs(scale, s.epochs);
  }
  s.knnEpochs = [...new Set(s.knnEpochs)].sort((a, b) => a - b);
  s.labelsPerClass = [...new Set(s.labelsPerClass)].sort((a, b) => a - b);
  const late = s.knnEpochs.find((e) => e < 1 || e > s.epochs);
  if (late !== undefined) {
    throw new UserError(
      `${whereOf("knnEpochs")}: kNN epoch ${late} is outside 1..${s.epochs} (epochs); ` +
        `set knnEpochs too, e.g. --set knnEpochs=${s.epochs}`,
    );
  }
  if (!(s.tauMin < s.tauMax)) {
    throw new UserError(`${whereOf("tauMin")}: tauMin (${s.tauMin}) must be below tauMax (${s.tauMax})`);
  }
  if (s.variant === "baseline" && s.tauMode !== "constant") {
    throw new UserError(
      `${
        whereOf("tauMode")
      }: a baseline has a constant temperature; tauMode "${s.tauMode}" needs variant amcl`,
    );
  }
  const sortedExtra: Record<string, number | string | boolean> = {};
  for (const k of Object.keys(extra).sort()) sortedExtra[k] = extra[k];
  const config: Record<string, unknown> = {};
  for (const k of SETTING_KEYS) config[k] = (s as unknown as Record<string, unknown>)[k];
  const cell = { ...config, scale, seed, extra: sortedExtra } as unknown as CellConfig;
  catalog.validate?.(cell);
  return cell;
}

/** Expands `preset` at `scale` with `overrides` into its cells. */
export function expandGrid(preset: Preset, scale: Scale, overrides: Overrides, catalog: Catalog): Cell[] {
  if (preset.members) throw new Error(`expandGrid: ${preset.name} is a suite; expand it with expandSuite`);
  const top = preset.top;
  const sc = preset.scales[scale];
  const base: Record<string, Sourced> = { ...top.fixed, ...top.grid, ...sc.fixed, ...sc.grid };
  const cases = sc.cases ?? top.cases ?? [{}];
  const seeds = overrides.seeds ?? sc.seeds ?? top.seeds ?? [0];
  const cells: Cell[] = [];
  const seen = new Set<string>();
  for (const c of cases) {
    const layer = { ...base, ...c, ...overrides.layer };
    const axes = orderedKeys(Object.keys(layer)).map((k) => [k, layer[k]] as [string, Sourced]);
    for (const point of product(axes)) {
      for (const seed of seeds) {
        let config: CellConfig;
        try {
          config = resolve(point, scale, seed, catalog);
        } catch (e) {
          if (e instanceof UserError) throw new UserError(`preset ${preset.source} (${scale}): ${e.message}`);
          throw e;
        }
        const id = cellId(config);
        if (seen.has(id)) continue;
        seen.add(id);
        cells.push({ id, config });
      }
    }
  }
  return cells;
}
