/**
 * The oneDNN ABI facts hard-coded in core/native/dnnl_abi.ts (struct sizes, enum values,
 * argument ids) against the installed headers: core/native/dnnl_abi.c is compiled with the
 * system C compiler and its output compared, value by value. Ignored where the headers
 * (Debian libdnnl-dev) or a C compiler are absent.
 */
import assert from "node:assert/strict";
import { DNNL_ABI } from "../../core/native/dnnl_abi.ts";

const HEADER = "/usr/include/oneapi/dnnl/dnnl.h";

function which(cmd: string): string | null {
  for (const dir of (Deno.env.get("PATH") ?? "/usr/bin").split(":")) {
    try {
      if (Deno.statSync(`${dir}/${cmd}`).isFile) return `${dir}/${cmd}`;
    } catch { /* next */ }
  }
  return null;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

const cc = which("cc") ?? which("gcc");
const ready = cc !== null && exists(HEADER);

Deno.test(
  `oneDNN ABI constants match the installed headers${
    ready ? "" : " [ignored: needs libdnnl-dev and a C compiler]"
  }`,
  { ignore: !ready },
  async () => {
    const dir = await Deno.makeTempDir();
    try {
      const src = new URL("../../core/native/dnnl_abi.c", import.meta.url).pathname;
      const exe = `${dir}/dnnl_abi`;
      const build = await new Deno.Command(cc!, { args: [src, "-o", exe], stderr: "piped" }).output();
      assert.ok(build.success, new TextDecoder().decode(build.stderr));
      const run = await new Deno.Command(exe, { stdout: "piped" }).output();
      assert.ok(run.success);
      const printed = new Map(
        new TextDecoder().decode(run.stdout).trim().split("\n").map((l) => {
          const [k, v] = l.split(" ");
          return [k, Number(v)] as const;
        }),
      );
      assert.deepEqual([...printed.keys()].sort(), Object.keys(DNNL_ABI).sort(), "same names on both sides");
      for (const [k, v] of Object.entries(DNNL_ABI)) assert.equal(v, printed.get(k), k);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
