import assert from "node:assert/strict";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gitCommit } from "../../core/git_commit.ts";

const A = "a".repeat(40);
const B = "b".repeat(40);
const C = "c".repeat(40);
const url = (dir: string) => pathToFileURL(dir + "/");

async function write(path: string, text: string): Promise<void> {
  await Deno.mkdir(join(path, ".."), { recursive: true });
  await Deno.writeTextFile(path, text);
}

Deno.test("gitCommit: detached, loose and packed refs of a plain checkout", async () => {
  const root = await Deno.makeTempDir({ prefix: "amcl-git-" });
  try {
    await write(join(root, ".git/HEAD"), `${A}\n`);
    assert.equal(gitCommit(url(root)), A);
    await write(join(root, ".git/HEAD"), "ref: refs/heads/main\n");
    await write(join(root, ".git/packed-refs"), `# pack-refs\n${C} refs/heads/main\n`);
    assert.equal(gitCommit(url(root)), C);
    await write(join(root, ".git/refs/heads/main"), `${B}\n`);
    assert.equal(gitCommit(url(root)), B);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("gitCommit: a linked worktree, where .git is a file and the branch lives in the main repository", async () => {
  const base = await Deno.makeTempDir({ prefix: "amcl-git-wt-" });
  try {
    const main = join(base, "main");
    const wt = join(base, "wt");
    await write(join(main, ".git/HEAD"), "ref: refs/heads/main\n");
    await write(join(main, ".git/refs/heads/main"), `${A}\n`);
    await write(join(main, ".git/refs/heads/feature"), `${B}\n`);
    await write(join(main, ".git/worktrees/wt/HEAD"), "ref: refs/heads/feature\n");
    await write(join(main, ".git/worktrees/wt/commondir"), "../..\n");
    await write(join(wt, ".git"), `gitdir: ${join(main, ".git/worktrees/wt")}\n`);
    assert.equal(gitCommit(url(wt)), B);
    assert.equal(gitCommit(url(main)), A);
    await write(join(wt, ".git"), "gitdir: ../main/.git/worktrees/wt\n"); // relative form
    assert.equal(gitCommit(url(wt)), B);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});

Deno.test("gitCommit: no checkout, or a broken one, is unknown", async () => {
  const root = await Deno.makeTempDir({ prefix: "amcl-git-none-" });
  try {
    assert.equal(gitCommit(url(root)), "unknown");
    await write(join(root, ".git/HEAD"), "ref: refs/heads/gone\n");
    assert.equal(gitCommit(url(root)), "unknown");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

async function git(cwd: string, ...args: string[]): Promise<string | null> {
  const out = await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" }).output()
    .catch(() => null);
  return out?.success ? new TextDecoder().decode(out.stdout).trim() : null;
}

Deno.test("gitCommit: a real repository and its linked worktree agree with git", async () => {
  const base = await Deno.makeTempDir({ prefix: "amcl-git-real-" });
  try {
    const repo = join(base, "repo");
    await Deno.mkdir(repo);
    if (await git(repo, "init", "-q", "-b", "main") === null) return; // no git binary here
    const id = ["-c", "user.name=t", "-c", "user.email=t@t"];
    await Deno.writeTextFile(join(repo, "f"), "1");
    await git(repo, "add", "f");
    await git(repo, ...id, "commit", "-q", "-m", "one");
    await git(repo, "worktree", "add", "-q", "-b", "side", join(base, "wt"));
    await Deno.writeTextFile(join(base, "wt", "f"), "2");
    await git(join(base, "wt"), ...id, "commit", "-q", "-am", "two");
    await git(repo, "pack-refs", "--all");
    const wt = await git(join(base, "wt"), "rev-parse", "HEAD");
    const main = await git(repo, "rev-parse", "HEAD");
    assert.ok(wt && main && wt !== main);
    assert.ok((await Deno.stat(join(base, "wt", ".git"))).isFile);
    assert.equal(gitCommit(url(join(base, "wt"))), wt);
    assert.equal(gitCommit(url(repo)), main);
  } finally {
    await Deno.remove(base, { recursive: true });
  }
});
