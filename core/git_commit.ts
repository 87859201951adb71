/**
 * The git commit of a checkout, read from `.git` without running git: a plain checkout
 * (`.git/` a folder) or a linked worktree (`.git` a file naming its git folder, whose
 * branches live in the main repository's folder named by `commondir`). Every read checks
 * its permission first, so a run without `--allow-read` there gets "unknown", never a prompt.
 *
 * @module
 */
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";

const SHA = /^[0-9a-f]{40}$/;

/** The text of `path` when reading it is granted and it exists, else null. */
function readGranted(path: string): string | null {
  try {
    if (Deno.permissions.querySync({ name: "read", path }).state !== "granted") return null;
    return Deno.readTextFileSync(path);
  } catch {
    return null;
  }
}

/** The git folder of the checkout at `root` (a path), following a worktree's `gitdir:` file. */
function gitDirOf(root: string): string | null {
  const dotGit = join(root, ".git");
  const text = readGranted(dotGit); // a file only in a linked worktree (reading a folder fails)
  if (text === null) return readGranted(join(dotGit, "HEAD")) === null ? null : dotGit;
  const dir = /^gitdir: (.+)$/m.exec(text)?.[1]?.trim();
  return dir ? (isAbsolute(dir) ? dir : join(root, dir)) : null;
}

/** The commit checked out at `root` (default: this project's root); "unknown" when unreadable. */
export function gitCommit(root: URL = new URL("../", import.meta.url)): string {
  const rootPath = fileURLToPath(root);
  const gitDir = gitDirOf(rootPath);
  if (!gitDir) return "unknown";
  const head = readGranted(join(gitDir, "HEAD"))?.trim();
  if (!head) return "unknown";
  if (SHA.test(head)) return head;
  const ref = /^ref: (.+)$/.exec(head)?.[1];
  if (!ref) return "unknown";
  const common = readGranted(join(gitDir, "commondir"))?.trim();
  const commonDir = common ? (isAbsolute(common) ? common : join(gitDir, common)) : gitDir;
  for (const dir of new Set([gitDir, commonDir])) {
    const loose = readGranted(join(dir, ref))?.trim();
    if (loose && SHA.test(loose)) return loose;
  }
  const packed = readGranted(join(commonDir, "packed-refs"));
  const line = packed?.split("\n").find((l) => l.endsWith(` ${ref}`));
  return line && SHA.test(line.slice(0, 40)) ? line.slice(0, 40) : "unknown";
}
