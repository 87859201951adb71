/**
 * The code version a sweep ran with: the package version from deno.json and the git
 * commit (core/git_commit.ts). Shards and merges compare it so that
 * results of different code are never mixed silently.
 *
 * @module
 */

import { gitCommit } from "../core/git_commit.ts";

const ROOT = new URL("../", import.meta.url);

async function readText(url: URL): Promise<string | null> {
  try {
    return await Deno.readTextFile(url);
  } catch {
    return null;
  }
}

/** "VERSION+COMMIT12", e.g. "0.1.0+9b4ea3d1a2b3". */
export async function codeVersion(root: URL = ROOT): Promise<string> {
  let version = "0.0.0";
  const text = await readText(new URL("deno.json", root));
  if (text) {
    try {
      version = String((JSON.parse(text) as { version?: string }).version ?? version);
    } catch {
      // deno.json is checked by Deno itself; keep the fallback.
    }
  }
  return `${version}+${gitCommit(root).slice(0, 12)}`;
}
