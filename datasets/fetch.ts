/**
 * Downloading an official dataset: each archive is streamed to `DATA/<name>/FILE.part`
 * with an MD5 computed on the way (and a progress bar when stderr is a terminal), checked
 * against the published checksum, renamed into place, and unpacked (tar.gz). An archive
 * already in the folder is checked and unpacked without downloading, which is also the
 * way to install a dataset on a machine without network: the error for a failed download
 * names the URL and the folder to put the file in.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { UserError } from "../core/errors.ts";
import { formatBytes } from "../core/bytes.ts";
import { hashFile } from "../core/file_hash.ts";
import { progressBar } from "../core/progress_bar.ts";
import { ARCHIVES, type DatasetArchive, type Download } from "./archives.ts";
import { datasetDir, fetchCommand, isFile } from "./files.ts";
import { untarGz } from "./tar.ts";

/** Options of {@link fetchDataset}. */
export interface FetchOptions {
  dataDir?: string;
  /** Show a progress bar (default: when stderr is a terminal). */
  progress?: boolean;
  /** Where one-line status messages go (default console.log). */
  log?: (line: string) => void;
}

/** The archive description of a fetchable dataset, or a `UserError` listing them. */
export function archiveFor(name: string): DatasetArchive {
  const a = ARCHIVES[name];
  if (!a) {
    throw new UserError(
      `dataset ${name} cannot be fetched; fetchable: ${Object.keys(ARCHIVES).join(", ")} ` +
        `(embedded and cifar10-subset need no download; ImageNet must be copied in by hand)`,
    );
  }
  return a;
}

async function download(
  d: Download,
  dir: string,
  name: string,
  dataDir: string | undefined,
  progress: boolean,
): Promise<string> {
  const target = join(dir, d.file);
  const part = target + ".part";
  const manual = `download ${d.url} by hand and put it in ${dir}/, then run \`${
    fetchCommand(name, dataDir)
  }\` again`;
  let res: Response;
  try {
    res = await fetch(d.url);
  } catch (e) {
    const why = (e as Error).name === "NotCapable" || (e as Error).name === "PermissionDenied"
      ? `network access to ${new URL(d.url).hostname} is not allowed`
      : (e as Error).message.split("\n")[0];
    throw new UserError(`cannot download ${d.url} (${why}); ${manual}`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new UserError(`cannot download ${d.url} (HTTP ${res.status}); ${manual}`);
  }
  const total = Number(res.headers.get("content-length")) || d.bytes || 0;
  const hash = createHash("md5");
  let got = 0;
  let lastDraw = 0;
  const enc = new TextEncoder();
  {
    using file = await Deno.open(part, { write: true, create: true, truncate: true });
    for await (const chunk of res.body) {
      hash.update(chunk);
      let off = 0;
      while (off < chunk.length) off += await file.write(chunk.subarray(off));
      got += chunk.length;
      const now = Date.now();
      if (progress && (now - lastDraw > 200 || got === total)) {
        lastDraw = now;
        const frac = total ? got / total : 0;
        const bar = total ? progressBar(frac, 30) : "";
        const pct = total ? ` ${(frac * 100).toFixed(1)}%` : "";
        Deno.stderr.writeSync(
          enc.encode(
            `\r${d.file} [${bar}]${pct} ${formatBytes(got)}${total ? " / " + formatBytes(total) : ""}`,
          ),
        );
      }
    }
  }
  if (progress) Deno.stderr.writeSync(enc.encode("\n"));
  const md5 = hash.digest("hex");
  if (md5 !== d.md5) {
    throw new UserError(
      `${part}: MD5 ${md5} does not match the published ${d.md5} (download corrupted or changed); ` +
        `delete it and fetch again`,
    );
  }
  await Deno.rename(part, target);
  return target;
}

/** Downloads (if needed), verifies and unpacks a dataset. Returns the dataset folder. */
export async function fetchDataset(name: string, opts: FetchOptions = {}): Promise<string> {
  const archive = archiveFor(name);
  const dir = datasetDir(opts.dataDir, name);
  const log = opts.log ?? ((l: string) => console.log(l));
  const progress = opts.progress ?? Deno.stderr.isTerminal();
  await Deno.mkdir(dir, { recursive: true });
  for (const d of archive.downloads) {
    const target = join(dir, d.file);
    if (await isFile(target)) {
      const md5 = await hashFile(target, "md5");
      if (md5 !== d.md5) {
        throw new UserError(
          `${target}: MD5 ${md5} does not match the published ${d.md5}; the file is truncated or not the ` +
            `official one: delete it and fetch again`,
        );
      }
      log(`${d.file}: present, MD5 ok`);
    } else {
      log(`${d.file}: downloading ${d.url}`);
      await download(d, dir, name, opts.dataDir, progress);
      log(`${d.file}: downloaded, MD5 ok`);
    }
    if (d.tarGz) {
      const entries = await untarGz(target, dir);
      log(`${d.file}: unpacked ${entries.filter((e) => e.type === "file").length} files into ${dir}`);
    }
  }
  return dir;
}
