/**
 * `deno task data`: list, inspect, fetch, verify and preview datasets.
 *
 * ```
 * deno task data list [--data-dir DIR] [--json]
 * deno task data info NAME [--json] [--data-dir DIR] [--image-size N]
 * deno task data:fetch NAME [--data-dir DIR]
 * deno task data verify NAME [--data-dir DIR]
 * deno task data preview NAME [--augs SET] --out FILE.png [--rows N] [--views N] [--seed N]
 *                             [--split NAME] [--backend wasm|cpu]
 * ```
 *
 * @module
 */
import { join } from "node:path";
import { writeUserFile } from "../core/user_file.ts";
import { runCli, UserError } from "../core/errors.ts";
import { intOption, parseCli } from "../core/cli.ts";
import { type BackendName, initBackend } from "../core/backend.ts";
import { DATASET_NAMES, locateDataset, openDataset } from "./registry.ts";
import type { OpenOptions } from "./dataset.ts";
import { fetchDataset } from "./fetch.ts";
import { verifyDataset } from "./verify.ts";
import { previewPng } from "./preview.ts";
import { parseAugSet } from "./augment.ts";
import { ARCHIVES } from "./archives.ts";

const USAGE = "usage: deno task data list|info NAME|fetch NAME|verify NAME|preview NAME --out FILE.png " +
  "[--augs SET] [--data-dir DIR] [--json]";

/** Bytes under a path (stops counting after `cap` files; returns whether it stopped). */
async function diskSize(path: string, cap = 20000): Promise<{ bytes: number; partial: boolean }> {
  let bytes = 0, files = 0;
  const walk = async (p: string): Promise<boolean> => {
    const st = await Deno.stat(p);
    if (st.isFile) {
      bytes += st.size;
      return ++files < cap;
    }
    if (!st.isDirectory) return true;
    for await (const e of Deno.readDir(p)) if (!(await walk(join(p, e.name)))) return false;
    return true;
  };
  const complete = await walk(path);
  return { bytes, partial: !complete };
}

function human(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

async function main(): Promise<number> {
  const parsed = parseCli(
    Deno.args,
    {
      "data-dir": { type: "string" },
      json: { type: "boolean", default: false },
      augs: { type: "string", default: "default" },
      out: { type: "string" },
      rows: { type: "string" },
      views: { type: "string" },
      seed: { type: "string" },
      split: { type: "string" },
      backend: { type: "string", default: "wasm" },
      "image-size": { type: "string" },
    },
    USAGE,
    { positionals: true },
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const [cmd, name, ...extra] = positionals;
  if (!cmd) {
    console.log(USAGE);
    return 2;
  }
  if (extra.length) throw new UserError(`unexpected arguments: ${extra.join(" ")}; ${USAGE}`);
  const opts: OpenOptions = {
    dataDir: values["data-dir"],
    imageSize: intOption("image-size", values["image-size"], 4),
  };
  const needName = () => {
    if (!name) {
      throw new UserError(
        `${cmd} needs a dataset name (${DATASET_NAMES.join(", ")}, imagefolder:PATH, PATH)`,
      );
    }
    return name;
  };
  switch (cmd) {
    case "list": {
      const rows = [];
      for (const n of DATASET_NAMES) {
        const loc = await locateDataset(n, opts);
        let size: string = "-";
        if (loc.present && loc.where && loc.where !== "generated") {
          const s = await diskSize(loc.where);
          size = `${s.partial ? "≥ " : ""}${human(s.bytes)}`;
        }
        rows.push({
          name: n,
          present: loc.present,
          where: loc.where ?? `not found (looked in ${loc.looked.join(", ")})`,
          size,
          fetchable: n in ARCHIVES,
        });
      }
      if (values.json) console.log(JSON.stringify(rows, null, 2));
      else {
        for (const r of rows) {
          console.log(
            `${r.name.padEnd(15)} ${(r.present ? "present" : "missing").padEnd(8)} ${
              r.size.padEnd(10)
            } ${r.where}`,
          );
        }
      }
      return 0;
    }
    case "info": {
      // Opening reads the files' headers and sizes (a truncated file is an error here), so
      // the split sizes are what is on disk; `verify` decodes every image.
      const ds = await openDataset(needName(), opts);
      const countsFrom = ds.name === "embedded" ? "generated" : "files";
      const info = {
        name: ds.name,
        where: ds.where,
        splits: ds.splits,
        countsFrom,
        shape: ds.shape,
        channels: ds.channels,
        classes: ds.classes,
        classNames: ds.classNames,
        mean: ds.mean,
        std: ds.std,
        statsSource: ds.statsSource,
      };
      if (values.json) console.log(JSON.stringify(info, null, 2));
      else {
        console.log(`${ds.name} (${ds.where})`);
        console.log(
          `  splits:  ${Object.entries(ds.splits).map(([k, v]) => `${k} ${v}`).join(", ")} (${
            countsFrom === "generated"
              ? "generated"
              : `read from the files' headers and sizes; \`deno task data verify ${name}\` decodes every image`
          })`,
        );
        console.log(`  shape:   ${ds.shape.join("×")} (H×W×C)`);
        console.log(`  classes: ${ds.classes}: ${ds.classNames.join(", ")}`);
        const f = (a: readonly number[]) => a.map((v) => v.toFixed(4)).join(" ");
        console.log(`  mean:    ${f(ds.mean)}  std: ${f(ds.std)}  (${ds.statsSource})`);
      }
      return 0;
    }
    case "fetch": {
      await fetchDataset(needName(), { dataDir: values["data-dir"] });
      return 0;
    }
    case "verify": {
      const checks = await verifyDataset(needName(), opts);
      for (const c of checks) console.log(`${c.ok ? "ok  " : "FAIL"} ${c.what}`);
      const bad = checks.filter((c) => !c.ok).length;
      if (bad) throw new UserError(`${name}: ${bad} check(s) failed (see above); fetch the dataset again`, 1);
      console.log(`${name}: all ${checks.length} checks passed`);
      return 0;
    }
    case "preview": {
      const out = values.out;
      if (!out || !out.endsWith(".png")) throw new UserError(`preview needs --out FILE.png`);
      parseAugSet(values.augs!);
      const grid = {
        rows: intOption("rows", values.rows, 1),
        views: intOption("views", values.views, 1),
        seed: intOption("seed", values.seed, 0),
      };
      const ds = await openDataset(needName(), opts);
      await initBackend(values.backend as BackendName);
      const p = await previewPng(ds, { augs: values.augs, ...grid, split: values.split });
      await writeUserFile("--out", out, p.png);
      console.log(
        `wrote ${out} (${p.width}×${p.height}: ${p.items.length} images × original + views, augs ${values.augs})`,
      );
      if (p.note) console.log(`note: ${p.note}`);
      return 0;
    }
    default:
      throw new UserError(`unknown command "${cmd}"; ${USAGE}`);
  }
}

if (import.meta.main) runCli(main);
