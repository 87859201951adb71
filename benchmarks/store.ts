/**
 * The results store of one sweep folder OUT:
 * - `OUT/manifest.json`: preset, scale, configuration hash, code version, the ids of every
 *   cell of the sweep (all shards), a suite's members with their cells, and the request;
 * - `OUT/cells/ID.json`: one {@link CellRecord} per finished or failed cell (atomic);
 * - `OUT/cells/ID/`: the cell's checkpoints while it trains;
 * - `OUT/results.csv`: one row per record of the sweep (papaparse), rewritten atomically.
 *
 * Several processes (workers, shards on other machines) may write one folder: every file
 * is written whole by rename, and nothing needs a lock.
 *
 * @module
 */
import Papa from "papaparse";
import { UserError } from "../core/errors.ts";
import { type CellRecord, RECORD_SCHEMA } from "./record.ts";
import { writeAtomic } from "./atomic.ts";

/** What a sweep folder holds the results of. */
export interface Manifest {
  schema: 1;
  preset: string;
  scale: string;
  /** Hash of the sweep's configuration (the sorted cell ids, preset and scale). */
  configHash: string;
  codeVersion: string;
  /** Ids of every cell of the sweep, in grid order. */
  cells: string[];
  /** A suite's members: each member preset, the artefacts it regenerates and its cells' ids. */
  members?: Array<{ preset: string; artefacts: string[]; cells: string[] }>;
  /**
   * What the sweep was planned from (preset, scale, `--set`, `--seeds`, `--dataset`), so it
   * can be re-planned to check the records against the current code. Absent in older runs.
   */
  request?: { preset: string; scale: string; sets: string[]; seeds?: string; dataset?: string };
  createdAt: string;
}

/** Path of a cell's record. */
export function recordPath(out: string, id: string): string {
  return `${out}/cells/${id}.json`;
}

/** Path of a cell's checkpoint folder. */
export function cellDirPath(out: string, id: string): string {
  return `${out}/cells/${id}`;
}

/** Reads the manifest of `out`, or null when there is none. */
export async function readManifest(out: string): Promise<Manifest | null> {
  let text: string;
  try {
    text = await Deno.readTextFile(`${out}/manifest.json`);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return null;
    throw e;
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch {
    throw new UserError(`${out}/manifest.json is not valid JSON; remove it or pick another --out`);
  }
}

/**
 * Claims `out` for a sweep: writes the manifest, or checks that the one there describes
 * the same sweep. A different configuration or code version is refused unless `force`.
 */
export async function openStore(out: string, manifest: Manifest, force: boolean): Promise<void> {
  await Deno.mkdir(`${out}/cells`, { recursive: true });
  const old = await readManifest(out);
  if (old && !force) {
    if (old.configHash !== manifest.configHash) {
      throw new UserError(
        `${out} holds results of another configuration (preset ${old.preset}, ${old.scale} scale, ` +
          `${old.cells.length} cells); use another --out, or --force to reuse it (matching cells are kept)`,
      );
    }
    if (old.codeVersion !== manifest.codeVersion) {
      throw new UserError(
        `${out} was produced by code ${old.codeVersion}, this is ${manifest.codeVersion}; ` +
          `use another --out, or --force to continue with this code`,
      );
    }
    return;
  }
  await writeAtomic(`${out}/manifest.json`, JSON.stringify(manifest, null, 2) + "\n");
}

/** Reads one record; null when absent or unreadable (an unreadable one is rerun). */
export async function readRecord(out: string, id: string): Promise<CellRecord | null> {
  try {
    const r = JSON.parse(await Deno.readTextFile(recordPath(out, id))) as CellRecord;
    return r && r.id === id && r.schema === RECORD_SCHEMA ? r : null;
  } catch {
    return null;
  }
}

/** Writes one record atomically. */
export async function writeRecord(out: string, record: CellRecord): Promise<void> {
  await writeAtomic(recordPath(out, record.id), JSON.stringify(record, null, 1) + "\n");
}

/** The records of `ids` that exist in `out` (in the order of `ids`). */
export async function readRecords(out: string, ids: string[]): Promise<CellRecord[]> {
  const all = await Promise.all(ids.map((id) => readRecord(out, id)));
  return all.filter((r): r is CellRecord => r !== null);
}

function last<T>(a: T[] | undefined): T | undefined {
  return a && a.length ? a[a.length - 1] : undefined;
}

/** One flat row of results.csv for a record. */
export function csvRow(r: CellRecord): Record<string, string | number | boolean | null> {
  const c = r.config;
  const row: Record<string, string | number | boolean | null> = {
    id: r.id,
    preset: r.preset,
    status: r.status,
    error: r.error ?? null,
    method: c.method,
    variant: c.variant,
    dataset: c.dataset,
    backbone: c.backbone,
    width: c.width,
    epochs: c.epochs,
    batchSize: c.batchSize,
    heads: c.heads,
    topk: c.topk,
    augs: c.augs,
    tauMode: c.tauMode,
    tau: c.tau,
    tauMin: c.tauMin,
    tauMax: c.tauMax,
    negReg: c.negReg,
    beta: c.beta,
    lr: c.lr,
    probeEpochs: c.probeEpochs,
    labelsPerClass: c.labelsPerClass.join(";"),
    knnEpochs: c.knnEpochs.join(";"),
    scale: c.scale,
    seed: c.seed,
  };
  for (const k of Object.keys(c.extra).sort()) row[`extra.${k}`] = c.extra[k];
  row.knnTop1 = r.metrics.knnTop1 ?? null;
  row.linearTop1 = r.metrics.linearTop1 ?? null;
  row.linearTop5 = r.metrics.linearTop5 ?? null;
  for (const [n, v] of Object.entries(r.metrics.labelEfficiency ?? {})) row[`labels.${n}`] = v;
  const end = last(r.curves);
  row.finalLoss = end?.loss ?? null;
  row.temperatureCollapse = r.collapse?.temperature ?? null;
  row.shareAtTauMin = r.collapse?.shareAtTauMin ?? null;
  row.secondsPerEpoch = r.cost?.secondsPerEpoch ?? null;
  row.peakMemoryBytes = r.cost?.peakMemoryBytes ?? null;
  row.paramsTotal = r.cost?.params.total ?? null;
  row.backend = r.env?.backend ?? null;
  row.device = r.env?.device ?? null;
  row.commit = r.env?.commit ?? null;
  return row;
}

/** A cell value with every line break (CRLF, CR) as LF, so results.csv has one line ending. */
function lfOnly(v: string | number | boolean | null | undefined): string | number | boolean {
  return typeof v === "string" ? v.replace(/\r\n?/g, "\n") : v ?? "";
}

/**
 * The results table as CSV text (papaparse), columns in first-seen order. Every line ends
 * with LF, the last one too: papaparse's default row separator is CRLF, and multi-line
 * values (an error's stack) are normalised to LF inside their quotes.
 */
export function resultsCsv(records: CellRecord[]): string {
  const rows = records.map(csvRow);
  const columns: string[] = [];
  for (const row of rows) for (const k of Object.keys(row)) if (!columns.includes(k)) columns.push(k);
  if (rows.length === 0) columns.push(...Object.keys(csvRowHeader()));
  const data = rows.map((r) => columns.map((k) => lfOnly(r[k])));
  return Papa.unparse({ fields: columns, data }, { newline: "\n" }).replace(/\n?$/, "\n");
}

function csvRowHeader(): Record<string, null> {
  return Object.fromEntries(
    ["id", "preset", "status", "error", "method", "variant", "seed"].map((k) => [k, null]),
  );
}

/** Rewrites OUT/results.csv from the records of the manifest's cells. */
export async function writeResults(out: string, ids: string[]): Promise<CellRecord[]> {
  const records = await readRecords(out, ids);
  await writeAtomic(`${out}/results.csv`, resultsCsv(records));
  return records;
}
