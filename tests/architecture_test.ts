/**
 * The house's one-way flow, checked: every import of every source file points down the
 * floors core → models / datasets → methods / eval → benchmarks → reports (README
 * "Layout"), and `deno task report` / `deno task compare` load no training code and no tfjs.
 */
import assert from "node:assert/strict";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = normalize(join(dirname(fileURLToPath(import.meta.url)), ".."));

/** What each room may import (besides itself), as ../shared/ARCHITECTURE.md lists it. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  core: [],
  models: ["core"],
  datasets: ["core"],
  methods: ["core", "models"],
  eval: ["core", "models", "datasets"],
  benchmarks: ["core", "models", "datasets", "methods", "eval"],
  reports: ["core", "models", "datasets", "methods", "eval", "benchmarks"],
};

/** The imports that go against the flow on purpose: `from → to` (files), each with its reason. */
const EXCEPTIONS: Record<string, string> = {
  "benchmarks/bench_main.ts → reports/report.ts":
    "`deno task bench` renders the report after the sweep; only the CLI entry does, lazily",
  "benchmarks/bench_main.ts → reports/method_meta.ts": "the same: the report's T1/T2 metadata",
  "eval/eval_main.ts → benchmarks/checkpoint_model.ts":
    "`deno task eval --checkpoint` rebuilds the model through the method registry, which eval/ may not import; only the CLI entry reaches it",
  "eval/eval_main.ts → benchmarks/cell_data.ts":
    "the same: a checkpoint's cell opens its dataset as the cell executor does",
};

/** Every .ts file of the rooms, relative to the root. */
function sourceFiles(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of Deno.readDirSync(join(ROOT, dir))) {
      const rel = join(dir, e.name);
      if (e.isDirectory) walk(rel);
      else if (e.isFile && e.name.endsWith(".ts")) out.push(rel);
    }
  };
  for (const room of Object.keys(MAY_IMPORT)) walk(room);
  return out.sort();
}

/** Source text without comments (JSDoc examples hold import lines that are not imports). */
function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
}

/** Relative module specifiers a file loads: static and type imports, re-exports, `import()`, `new URL()`. */
export function relativeImports(src: string): string[] {
  const code = stripComments(src);
  const specs: string[] = [];
  const patterns = [
    /\b(?:import|export)\s+(?:type\s+)?(?:[\w*${}\s,]+?\s+from\s+)?["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\bnew\s+URL\(\s*["']([^"']+)["']\s*,\s*import\.meta\.url/g,
  ];
  for (const re of patterns) {
    for (const m of code.matchAll(re)) if (m[1].startsWith(".") && m[1].endsWith(".ts")) specs.push(m[1]);
  }
  return specs;
}

const roomOf = (file: string) => file.split("/")[0];

Deno.test("the import parser sees static, type, re-export, dynamic and worker imports, not comments", () => {
  const src = `/** @example\n * import { x } from "../reports/a.ts";\n */
import * as tf from "@tensorflow/tfjs-core";
import type { A } from "../core/a.ts";
import {
  b,
  type C,
} from "./b.ts";
export { d } from "../models/d.ts";
export * from "./e.ts";
// import "../reports/f.ts";
const g = await import("../eval/g.ts");
new Worker(new URL("./h.ts", import.meta.url).href, { type: "module" });`;
  assert.deepEqual(relativeImports(src).sort(), [
    "../core/a.ts",
    "../eval/g.ts",
    "../models/d.ts",
    "./b.ts",
    "./e.ts",
    "./h.ts",
  ]);
});

Deno.test("every import points down the floors (named exceptions aside)", async () => {
  const upward: string[] = [];
  const used = new Set<string>();
  const files = sourceFiles();
  assert.ok(files.length > 200, `expected the whole tree, found ${files.length} files`);
  for (const file of files) {
    const src = await Deno.readTextFile(join(ROOT, file));
    const from = roomOf(file);
    for (const spec of relativeImports(src)) {
      const target = relative(ROOT, normalize(join(ROOT, dirname(file), spec)));
      const to = roomOf(target);
      if (to === from || !(to in MAY_IMPORT) || MAY_IMPORT[from].includes(to)) continue;
      const key = `${file} → ${target}`;
      if (key in EXCEPTIONS) used.add(key);
      else upward.push(key);
    }
  }
  assert.deepEqual(upward, [], `imports against the flow:\n${upward.join("\n")}`);
  const stale = Object.keys(EXCEPTIONS).filter((k) => !used.has(k));
  assert.deepEqual(stale, [], `exceptions that no longer occur (remove them):\n${stale.join("\n")}`);
});

/** Every module `deno info` finds in an entry file's import closure (type imports included). */
async function importClosure(entry: string): Promise<string[]> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["info", "--json", entry],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
  const info = JSON.parse(new TextDecoder().decode(out.stdout)) as { modules: { specifier: string }[] };
  return info.modules.map((m) => m.specifier);
}

for (const entry of ["reports/report_main.ts", "reports/compare_main.ts"]) {
  Deno.test(`${entry} loads no training code and no tfjs`, async () => {
    const modules = await importClosure(entry);
    assert.ok(modules.some((m) => m.endsWith(entry)), `deno info did not list ${entry} itself`);
    const tfjs = modules.filter((m) => m.includes("@tensorflow/"));
    assert.deepEqual(tfjs, [], `tfjs in ${entry}'s closure`);
    const training = modules.filter((m) => /\/(models|methods\/(registry|train)\.ts)/.test(m));
    assert.deepEqual(training, [], `training code in ${entry}'s closure`);
  });
}
