/**
 * `deno task perf [--json] [--backend auto|wasm|cpu|…[,…]] [--steps N] [--heavy-steps N] [--rows ID,…]
 * [--threads N] [--no-peer] [--leak-steps N] [--kernels N] [--tiny] [--out FILE]`:
 * times training steps beside the PyTorch peer (see `perf.ts`). `--list` prints the rows.
 *
 * @module
 */
import { check, runCli } from "../core/errors.ts";
import { intOption, parseCli } from "../core/cli.ts";
import { parseBackendName } from "../core/backend.ts";
import { writeUserFile } from "../core/user_file.ts";
import { runPerf } from "./perf.ts";
import { perfRows, selectRows } from "./perf_rows.ts";
import { formatPerf } from "./perf_table.ts";
import { formatVsTorch, runVsTorch } from "./perf_native.ts";

const USAGE = `usage: deno task perf [--json] [--backend auto|wasm|cpu|webgpu|tensorflow[,…]] [--steps N]
  [--heavy-steps N] [--rows ID,…] [--threads N] [--no-peer] [--leak-steps N] [--kernels N] [--tiny]
  [--memory auto|heap|host] [--out FILE] [--list]
Times one training step per row and backend beside the PyTorch peer (same shapes and threads).
  --backend    comma-separated backends to time (default auto)
  --steps      timed steps per row, median taken (default 5; heavy rows run at most --heavy-steps)
  --heavy-steps the most timed steps of a heavy row (ResNet-18 ×1, ViT; default 2); AMCL rows, which
               alternate steps with their baseline, always run --steps pairs
  --rows       only rows whose id contains one of these (default: every row)
  --threads    threads of the PyTorch peer (default 1)
  --no-peer    skip the PyTorch peer
  --leak-steps steps of the tensor-leak row (default 100)
  --kernels    slowest kernels kept per row in the breakdown (default 0: none)
  --tiny       shrink every shape (smoke test)
  --memory     where the native backend keeps tensors: auto (default: host for a step whose estimate
               exceeds 3 GiB, e.g. ResNet-18 ×1 b128; else the wasm heap), heap (≤ 4 GiB) or host
  --out FILE   also write the JSON report there, after every row
  --json       print the JSON report instead of the table
  --list       print the row ids and exit
deno task perf --vs-torch [--widths 1/8,1/4,1] [--batch 128] [--threads 1,all] [--rounds 3] [--steps 3]
  [--sweeps quick,ref-cifar-subset] [--memory auto|heap|host] [--no-peer] [--json] [--out FILE]
  the native backend's SimCLR step beside PyTorch at each width ("none": no step rows) and thread count ("all" = every
  core), suite and peer alternated per round (median and min–max over rounds, load before/after);
  --sweeps also times whole sweeps of those presets on native and on wasm (cells per hour; long)`;

await runCli(async () => {
  const parsed = parseCli(
    Deno.args,
    {
      json: { type: "boolean", default: false },
      list: { type: "boolean", default: false },
      backend: { type: "string", default: "auto" },
      steps: { type: "string", default: "5" },
      "heavy-steps": { type: "string", default: "2" },
      rows: { type: "string", default: "" },
      threads: { type: "string", default: "1" },
      "no-peer": { type: "boolean", default: false },
      "leak-steps": { type: "string", default: "100" },
      kernels: { type: "string", default: "0" },
      tiny: { type: "boolean", default: false },
      out: { type: "string" },
      "vs-torch": { type: "boolean", default: false },
      widths: { type: "string", default: "1/8,1/4,1" },
      batch: { type: "string", default: "128" },
      rounds: { type: "string", default: "3" },
      sweeps: { type: "string", default: "" },
      memory: { type: "string", default: "auto" },
    },
    USAGE,
  );
  if (!parsed) return;
  const { values } = parsed;
  check(
    ["auto", "heap", "host"].includes(values.memory),
    `--memory ${values.memory}: use auto, heap (wasm heap, ≤ 4 GiB) or host (process memory)`,
  );
  const memory = values.memory as "auto" | "heap" | "host";
  if (values["vs-torch"]) {
    const cores = navigator.hardwareConcurrency || 1;
    // Flags whose defaults differ in this mode (every core too; fewer steps per round).
    const given = (flag: string) => Deno.args.some((a) => a === `--${flag}` || a.startsWith(`--${flag}=`));
    const threads = given("threads") ? values.threads : "1,all";
    const report = await runVsTorch({
      widths: values.widths.split(",").filter((w) => w.trim() && w.trim() !== "none").map((w) => {
        const m = /^\s*1\/(\d+)\s*$/.exec(w);
        const v = m ? 1 / Number(m[1]) : Number(w);
        check(Number.isFinite(v) && v > 0 && v <= 4, `--widths ${w}: use 1/8, 1/4, 1, 2 …`);
        return v;
      }),
      batch: intOption("batch", values.batch),
      threads: threads.split(",").map((t) => t.trim() === "all" ? cores : intOption("threads", t.trim())),
      rounds: intOption("rounds", values.rounds),
      steps: given("steps") ? intOption("steps", values.steps) : 3,
      peer: !values["no-peer"],
      sweeps: values.sweeps.split(",").map((x) => x.trim()).filter(Boolean),
      memory,
      progress: Deno.stdout.isTerminal() ? (line: string) => console.error(line) : undefined,
    });
    const json = JSON.stringify(report, null, 2);
    if (values.out) await writeUserFile("--out", values.out, json + "\n");
    console.log(values.json ? json : formatVsTorch(report));
    return;
  }
  const filters = values.rows.split(",").map((s) => s.trim()).filter(Boolean);
  const all = perfRows(intOption("leak-steps", values["leak-steps"]));
  if (values.list) {
    for (const r of all) console.log(`${r.id.padEnd(28)} ${r.title}`);
    return;
  }
  const selected = selectRows(all, filters);
  check(
    selected.length > 0,
    `--rows ${values.rows}: no row matches; rows are ${all.map((r) => r.id).join(", ")}`,
  );
  const backends = values.backend.split(",").map((s) => parseBackendName(s.trim()));
  const progress = Deno.stdout.isTerminal() ? (line: string) => console.error(line) : undefined;
  const report = await runPerf({
    backends,
    steps: intOption("steps", values.steps),
    heavySteps: intOption("heavy-steps", values["heavy-steps"]),
    rows: filters,
    threads: intOption("threads", values.threads),
    peer: !values["no-peer"],
    leakSteps: intOption("leak-steps", values["leak-steps"]),
    topKernels: intOption("kernels", values.kernels, 0),
    tiny: values.tiny,
    memory,
    progress,
    onRow: values.out
      ? (partial) => writeUserFile("--out", values.out!, JSON.stringify(partial, null, 2) + "\n")
      : undefined,
  });
  const json = JSON.stringify(report, null, 2);
  if (values.out) await writeUserFile("--out", values.out, json + "\n");
  console.log(values.json ? json : formatPerf(report));
});
