/**
 * `verify NAME`: checks what is on disk against what it should be — published archive
 * checksums where an archive is present, the known checksums of the suite's CIFAR-10
 * subset, Fashion-MNIST's decompressed contents, and a full parse of every split
 * (record sizes, counts, labels). STL-10's 2.7 GB unlabeled split is checked by size only.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { ARCHIVES } from "./archives.ts";
import type { OpenOptions } from "./dataset.ts";
import { hashFile } from "../core/file_hash.ts";
import { datasetDir, firstFile, isFile, readMaybeGzip } from "./files.ts";
import { cifar10SubsetDir } from "./cifar_file.ts";
import { locateDataset, openDataset } from "./registry.ts";
import { UserError } from "../core/errors.ts";

/** One check and its outcome. */
export interface Check {
  ok: boolean;
  what: string;
}

/** SHA-256 of the suite's CIFAR-10 subset files (from its README). */
const SUBSET_SHA256: Record<string, string> = {
  "cifar10_train_4000.bin": "0993cf8b8e43bc207603aef9787006995746513f5e3fa5a52e06d1b069926330",
  "cifar10_test_1000.bin": "8314c96d7cd65618193bab23acdd5d4c4af15bf6dd00a1781d55beedf3be1ef5",
  "batches.meta.txt": "2ce042b1e0b48db4bb214408e6414ba18b2731c24af244f2d6c112fddf31af00",
};

/**
 * MD5 of the decompressed Fashion-MNIST files. Debian re-compresses the official .gz
 * files (so their MD5 differs from the published one); their contents are identical.
 */
const FASHION_RAW_MD5: Record<string, string> = {
  "train-images-idx3-ubyte": "f4a8712d7a061bf5bd6d2ca38dc4d50a",
  "train-labels-idx1-ubyte": "9018921c3c673c538a1fc5bad174d6f9",
  "t10k-images-idx3-ubyte": "8181f5470baa50b63fa0f6fddb340f0a",
  "t10k-labels-idx1-ubyte": "15d484375f8d13e6eb1aabb0c3f46965",
};

/** Runs every check for a dataset; throws only when it is not present at all. */
export async function verifyDataset(name: string, opts: OpenOptions = {}): Promise<Check[]> {
  const checks: Check[] = [];
  const loc = await locateDataset(name, opts);
  if (!loc.present) {
    // openDataset raises the standard "not found" error with where it looked.
    await openDataset(name, opts);
    throw new UserError(`dataset ${name} not found`);
  }
  const archive = ARCHIVES[name];
  if (archive && archive.unpacksTo) {
    for (const d of archive.downloads) {
      const p = join(datasetDir(opts.dataDir, name), d.file);
      if (await isFile(p)) {
        const md5 = await hashFile(p, "md5");
        checks.push({
          ok: md5 === d.md5,
          what: `${p}: MD5 ${md5} ${md5 === d.md5 ? "=" : "≠"} published ${d.md5}`,
        });
      } else {
        checks.push({ ok: true, what: `${d.file}: archive not kept, checking unpacked files only` });
      }
    }
  }
  if (name === "cifar10-subset") {
    for (const [file, sha] of Object.entries(SUBSET_SHA256)) {
      const p = join(cifar10SubsetDir(), file);
      const got = await isFile(p) ? await hashFile(p, "sha256") : "missing";
      checks.push({ ok: got === sha, what: `${p}: SHA-256 ${got === sha ? "matches" : `${got} ≠ ${sha}`}` });
    }
  }
  if (name === "fashion-mnist" && loc.where) {
    const official = new Map(ARCHIVES["fashion-mnist"].downloads.map((d) => [d.file, d.md5]));
    for (const [base, rawMd5] of Object.entries(FASHION_RAW_MD5)) {
      const p = await firstFile([join(loc.where, base + ".gz"), join(loc.where, base)]);
      if (!p) {
        checks.push({ ok: false, what: `${join(loc.where, base)}(.gz): missing` });
        continue;
      }
      if (p.endsWith(".gz") && (await hashFile(p, "md5")) === official.get(base + ".gz")) {
        checks.push({ ok: true, what: `${p}: MD5 matches the published archive` });
        continue;
      }
      const h = createHash("md5");
      try {
        h.update(await readMaybeGzip(p));
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        checks.push({ ok: false, what: e.message });
        continue;
      }
      const got = h.digest("hex");
      checks.push({
        ok: got === rawMd5,
        what: `${p}: contents MD5 ${got === rawMd5 ? "matches the official data" : `${got} ≠ ${rawMd5}`}`,
      });
    }
  }
  let ds;
  try {
    ds = await openDataset(name, opts);
  } catch (e) {
    // Opening reads headers and sizes: a truncated file fails here, after the checks above.
    if (!(e instanceof UserError)) throw e;
    checks.push({ ok: false, what: `open: ${e.message}` });
    return checks;
  }
  for (const [split, n] of Object.entries(ds.splits)) {
    if (name === "stl10" && split === "unlabeled") {
      checks.push({ ok: true, what: `split unlabeled: size checked when opened (${n} images), not parsed` });
      continue;
    }
    try {
      const s = await ds.split(split);
      const labelled = s.labels.filter((l) => l >= 0 && l < ds.classes).length;
      checks.push({
        ok: s.size === n,
        what: `split ${split}: ${s.size} images parsed (${labelled} labelled)${
          s.size === n ? "" : `, expected ${n}`
        }`,
      });
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      checks.push({ ok: false, what: `split ${split}: ${e.message}` });
    }
  }
  return checks;
}
