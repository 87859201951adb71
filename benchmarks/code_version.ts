/**
 * The code version a sweep ran with: the package version from deno.json and the git
 * commit, read from `.git` directly (no subprocess). Shards and merges compare it so that
 * results of different code are never mixed silently.
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url);

async function readText(url: URL): Promise<string | null> {
  try {
    return await Deno.readTextFile(url);
  } catch {
    return null;
  }
}

/** The commit checked out at the project root, or "unknown" outside a git checkout. */
export async function gitCommit(root: URL = ROOT): Promise<string> {
  const head = (await readText(new URL(".git/HEAD", root)))?.trim();
  if (!head) return "unknown";
  if (/^[0-9a-f]{40}$/.test(head)) return head;
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return "unknown";
  const loose = (await readText(new URL(`.git/${ref}`, root)))?.trim();
  if (loose && /^[0-9a-f]{40}$/.test(loose)) return loose;
  const packed = await readText(new URL(".git/packed-refs", root));
  const line = packed?.split("\n").find((l) => l.endsWith(` ${ref}`));
  return line ? line.slice(0, 40) : "unknown";
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
  return `${version}+${(await gitCommit(root)).slice(0, 12)}`;
}
