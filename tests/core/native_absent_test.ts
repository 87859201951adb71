/**
 * Asked for and absent: `--backend native` where oneDNN cannot load (here: AMCL_DNNL_LIB
 * names a missing file) is one line naming the package to install, exit 2, nothing trained;
 * `--threads 0` and a non-number are one line too.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

async function bench(args: string[], env: Record<string, string> = {}) {
  const out = await Deno.makeTempDir();
  try {
    const r = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-read",
        "--allow-write",
        "--allow-env",
        "--allow-ffi",
        "--allow-sys",
        "benchmarks/bench_main.ts",
        "--preset",
        "smoke",
        "--out",
        `${out}/run`,
        ...args,
      ],
      cwd: ROOT,
      env: { NO_COLOR: "1", ...env },
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: r.code, stderr: new TextDecoder().decode(r.stderr).trim() };
  } finally {
    await Deno.remove(out, { recursive: true });
  }
}

Deno.test("--backend native without oneDNN: one line naming the package, exit 2", async () => {
  const r = await bench(["--backend", "native"], { AMCL_DNNL_LIB: "/nonexistent/libdnnl.so.2" });
  assert.equal(r.code, 2, r.stderr);
  assert.equal(r.stderr.split("\n").length, 1, r.stderr);
  assert.match(
    r.stderr,
    /^error: backend native cannot start: .*apt install libdnnl2.*dnf install onednn.*3\.x, which is not supported/,
  );
});

Deno.test("--threads must be an integer ≥ 1: one line, exit 2", async () => {
  for (const bad of ["0", "x", "1.5"]) {
    const r = await bench(["--backend", "wasm", "--threads", bad]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stderr, `error: --threads ${bad}: expected an integer ≥ 1`);
  }
});
