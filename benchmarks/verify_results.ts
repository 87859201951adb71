/**
 * `deno task bench --verify OUT`: were the records in OUT made by the configuration this
 * code plans today? The sweep is planned again from the request its manifest stored
 * (preset, scale, `--set`, `--seeds`, `--dataset`; older manifests: preset and scale alone)
 * and its cell ids — hashes of each resolved configuration — are compared with the ids the
 * manifest lists and the records stored. Any difference (a default changed, a preset
 * resized, a record of another sweep in the folder) means the records are not this
 * configuration's; the verdict then names the code version (package version and commit) the
 * manifest says planned them.
 *
 * @module
 */
import { UserError } from "../core/errors.ts";
import type { Catalog } from "./grid_catalog.ts";
import { readManifest } from "./store.ts";
import { planSweep } from "./sweep.ts";
import { codeVersion } from "./code_version.ts";

/** The verdict on one results folder. */
export interface Verification {
  /** True when every id matches: the records are what this code would make. */
  current: boolean;
  /** One line saying so (printed by the CLI). */
  line: string;
  /** The code version that planned the stored run (from its manifest). */
  madeBy: string;
  /** Planned now but not in the manifest, and in the manifest but not planned now. */
  added: string[];
  removed: string[];
  /** Stored records that are cells of neither. */
  strays: string[];
}

async function storedIds(out: string): Promise<string[]> {
  const ids: string[] = [];
  try {
    for await (const e of Deno.readDir(`${out}/cells`)) {
      if (e.isFile && e.name.endsWith(".json")) ids.push(e.name.slice(0, -5));
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return ids.sort();
}

/** Checks the records in `out` against the configuration this code plans (see the module doc). */
export async function verifyResults(out: string, catalog: Catalog, now?: string): Promise<Verification> {
  const manifest = await readManifest(out);
  if (!manifest) {
    throw new UserError(
      `${out} has no manifest.json, so what made it is unknown; pass a sweep's output folder`,
    );
  }
  const version = now ?? await codeVersion();
  const madeBy = manifest.codeVersion ?? "unknown";
  const req = manifest.request ?? { preset: manifest.preset, scale: manifest.scale, sets: [] };
  const stored = await storedIds(out);
  const listed = new Set(manifest.cells);
  let planned: Set<string>;
  let memberMismatch = false;
  try {
    const sweep = await planSweep({ ...req, scale: req.scale as "cpu" | "paper" }, catalog);
    planned = new Set(sweep.cells.map((c) => c.id));
    const now = JSON.stringify((sweep.members ?? []).map((m) => [m.preset, [...m.cells].sort()]));
    const then = JSON.stringify((manifest.members ?? []).map((m) => [m.preset, [...m.cells].sort()]));
    memberMismatch = now !== then;
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return {
      current: false,
      line:
        `${out}: not the current configuration: this code cannot plan its request any more (${e.message}); ` +
        `made by code ${madeBy} (this is ${version})`,
      madeBy,
      added: [],
      removed: [...listed],
      strays: [],
    };
  }
  const added = [...planned].filter((id) => !listed.has(id));
  const removed = [...listed].filter((id) => !planned.has(id));
  const strays = stored.filter((id) => !planned.has(id) && !listed.has(id));
  const current = added.length === 0 && removed.length === 0 && strays.length === 0 && !memberMismatch;
  const done = stored.filter((id) => planned.has(id)).length;
  const what = `preset ${req.preset} (${req.scale}${
    req.sets.length ? `, --set ${req.sets.join(" --set ")}` : ""
  })`;
  const line = current
    ? `${out}: made by the current configuration: ${what} plans ${planned.size} cells, ` +
      `every id matches the manifest (${done} stored); made by code ${madeBy}, this is ${version}`
    : `${out}: not the current configuration: ${what} now plans ${planned.size} cells; ` +
      `${removed.length} of the manifest's ${listed.size} are no longer planned, ${added.length} are new` +
      `${strays.length ? `, ${strays.length} stored records belong to neither` : ""}` +
      `${memberMismatch ? ", the members' cells differ" : ""}; made by code ${madeBy} (this is ${version})`;
  return { current, line, madeBy, added, removed, strays };
}
