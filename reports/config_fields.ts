/**
 * The configuration fields as the reports see them, in one table: their display order and
 * the part each plays (pairing AMCL with its baseline, T8's cost rows, the page's one-line
 * summary, what a stored record must hold). Every list of fields in `reports/` derives from
 * it, and the table's type names every field of {@link CellConfig}, so a new field cannot be
 * forgotten.
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";

/** The parts a configuration field plays in the reports. */
interface FieldRoles {
  /** Only AMCL uses it: a baseline need not match it to be AMCL's partner. */
  amclKnob?: true;
  /** Still identifies "the same experiment" when the strict match finds no baseline. */
  core?: true;
  /** Sets a row of T8 (cost); the other fields are pooled. */
  costRow?: true;
  /** Shown in the page's one-line configuration summary. */
  summary?: true;
  /** Every stored record must have it (a record without it is damaged). */
  required?: true;
}

const Y = true;

/** Every field, in display order, with its roles. */
const FIELDS: Readonly<Record<keyof CellConfig, FieldRoles>> = {
  method: { core: Y, costRow: Y, summary: Y, required: Y },
  variant: { costRow: Y, summary: Y, required: Y },
  dataset: { core: Y, summary: Y, required: Y },
  backbone: { core: Y, costRow: Y, summary: Y, required: Y },
  width: { core: Y, costRow: Y, summary: Y },
  epochs: { core: Y, summary: Y },
  batchSize: { core: Y, costRow: Y },
  heads: { amclKnob: Y, costRow: Y, summary: Y },
  topk: { amclKnob: Y },
  augs: { core: Y, summary: Y },
  tauMode: { amclKnob: Y, summary: Y },
  tau: { amclKnob: Y },
  tauMin: { amclKnob: Y, summary: Y },
  tauMax: { amclKnob: Y },
  negReg: { amclKnob: Y, summary: Y },
  beta: { amclKnob: Y },
  lr: {},
  probeEpochs: { core: Y },
  labelsPerClass: {},
  knnEpochs: {},
  scale: { core: Y, costRow: Y },
  seed: { summary: Y, required: Y },
  extra: {},
};

/** Every configuration field, in display order. */
export const CONFIG_FIELDS: ReadonlyArray<keyof CellConfig> = Object.keys(FIELDS) as Array<keyof CellConfig>;

const where = (role: keyof FieldRoles): ReadonlyArray<keyof CellConfig> =>
  CONFIG_FIELDS.filter((f) => FIELDS[f][role]);

/** Config fields only AMCL uses: a baseline need not match them to be AMCL's partner. */
export const AMCL_KNOBS: ReadonlyArray<keyof CellConfig> = where("amclKnob");

/** Fields that still identify "the same experiment" when the strict match finds no baseline. */
export const CORE_FIELDS: ReadonlyArray<keyof CellConfig> = where("core");

/** The fields that set a row of T8 (cost): method × variant × backbone × width × batch × heads × scale. */
export const COST_ROW_FIELDS: ReadonlyArray<keyof CellConfig> = where("costRow");

/** The fields of the page's one-line configuration summary. */
export const SUMMARY_FIELDS: ReadonlyArray<keyof CellConfig> = where("summary");

/** The fields every stored record must have. */
export const REQUIRED_FIELDS: ReadonlyArray<keyof CellConfig> = where("required");
