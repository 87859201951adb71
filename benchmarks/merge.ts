/**
 * Merging sweep folders: shards that wrote to one shared folder, or to folders of their
 * own, become one folder with every record and a fresh results.csv. Folders of different
 * sweeps (preset, scale, configuration) or code versions are refused. Missing cells (a
 * shard that has not run, or died) and failed cells are reported, not fatal: rerun the
 * shard alone and merge again.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { CellRecord } from "./record.ts";
import { type Manifest, openStore, readManifest, readRecord, writeRecord, writeResults } from "./store.ts";

/** What a merge found. */
export interface MergeSummary {
  dest: string;
  manifest: Manifest;
  /** Cells of the sweep. */
  total: number;
  done: number;
  /** Ids with only a failed record, with the reason. */
  failed: Array<{ id: string; error: string }>;
  /** Ids with no record in any folder. */
  missing: string[];
  /** Shard markers found (`shards/I-of-N.json`), as "I/N". */
  shards: string[];
}

async function markers(folder: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(`${folder}/shards`)) {
      const m = /^(\d+)-of-(\d+)\.json$/.exec(e.name);
      if (m) out.push(`${m[1]}/${m[2]}`);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/** Merges `folders` into `dest` (default: the first folder). */
export async function mergeSweeps(folders: string[], dest = folders[0]): Promise<MergeSummary> {
  if (folders.length === 0) {
    throw new UserError("name at least one sweep folder to merge, e.g. deno task merge runs/quick");
  }
  const manifests: Manifest[] = [];
  for (const f of folders) {
    const m = await readManifest(f);
    if (!m) throw new UserError(`${f} has no manifest.json; is it the --out folder of a bench run?`);
    manifests.push(m);
  }
  const first = manifests[0];
  manifests.forEach((m, i) => {
    const f = folders[i];
    if (m.preset !== first.preset || m.scale !== first.scale) {
      throw new UserError(
        `${f} holds preset ${m.preset} (${m.scale}) but ${
          folders[0]
        } holds ${first.preset} (${first.scale}); ` +
          `merge only shards of one sweep`,
      );
    }
    if (m.configHash !== first.configHash) {
      throw new UserError(
        `${f} and ${
          folders[0]
        } hold different configurations of preset ${m.preset}; merge only shards of one sweep`,
      );
    }
    if (m.codeVersion !== first.codeVersion) {
      throw new UserError(
        `${f} was produced by code ${m.codeVersion} but ${
          folders[0]
        } by ${first.codeVersion}; rerun one of them with the same code`,
      );
    }
  });
  if (!folders.includes(dest)) await openStore(dest, first, false);
  const summary: MergeSummary = {
    dest,
    manifest: first,
    total: first.cells.length,
    done: 0,
    failed: [],
    missing: [],
    shards: [...new Set((await Promise.all(folders.map(markers))).flat())].sort(),
  };
  for (const id of first.cells) {
    let best: CellRecord | null = null;
    let bestFolder = "";
    for (const f of folders) {
      const r = await readRecord(f, id);
      if (r && (!best || (best.status !== "done" && r.status === "done"))) {
        best = r;
        bestFolder = f;
      }
    }
    if (!best) {
      summary.missing.push(id);
      continue;
    }
    if (bestFolder !== dest) {
      const there = await readRecord(dest, id);
      if (!there || there.status !== "done") await writeRecord(dest, best);
    }
    if (best.status === "done") summary.done++;
    else summary.failed.push({ id, error: best.error ?? "unknown" });
  }
  await writeResults(dest, first.cells);
  return summary;
}
