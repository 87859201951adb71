/**
 * `deno task eval knn|linear|labels|similarity`: evaluates raw pixels (`--features pixels`,
 * the sanity baseline every SSL result should beat) or a checkpoint on a dataset and prints a
 * summary, or the JSON record with `--json`.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { type BackendName, BACKENDS, initBackend } from "../core/backend.ts";
import { check, runCli, UserError } from "../core/errors.ts";
import { openDataset } from "../datasets/registry.ts";
import { EVAL_PROTOCOLS, type EvalProtocol, type EvalRecord, runEvaluation } from "./run_eval.ts";

const USAGE =
  `usage: deno task eval knn|linear|labels|similarity --dataset NAME (--features pixels | --checkpoint DIR)
  [--json] [--k 200] [--t 0.1] [--epochs 100] [--seed 0] [--backend wasm] [--batch-norm]
  [--per-class 10,20,50,100,200,500] [--pairs 500] [--augs default] [--tau 0.5] [--data-dir DIR]`;

function int(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  check(Number.isInteger(n), `--${name} must be an integer, got "${v}"`);
  return n;
}

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  check(Number.isFinite(n), `--${name} must be a number, got "${v}"`);
  return n;
}

function summary(r: EvalRecord): string {
  const head = `${r.protocol} on ${r.dataset} (${r.features}, ${r.backend}, seed ${r.seed}):`;
  const x = r.result;
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  switch (x.protocol) {
    case "knn":
      return `${head} top-1 ${pct(x.top1)}, top-5 ${
        pct(x.top5)
      } (k ${x.k}, t ${x.t}, ${x.bankSize} × ${x.querySize}` +
        ` × ${x.dim}, ${x.seconds.toFixed(1)} s)`;
    case "linear":
      return `${head} top-1 ${pct(x.top1)}, top-5 ${pct(x.top5)} (${x.epochs} epochs, final loss ` +
        `${x.finalLoss.toFixed(4)}, ${x.seconds.toFixed(1)} s)`;
    case "labels":
      return `${head} ` + x.points.map((p) => `${p.perClass}/class ${pct(p.top1)}`).join(", ");
    case "similarity":
      return `${head} backbone cosine: positives ${x.summary.backbonePosMean.toFixed(3)}, negatives ` +
        `${
          x.summary.backboneNegMean.toFixed(3)
        } (${x.pairs} pairs each); heads: ${x.summary.headPosMean.length}`;
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: {
      dataset: { type: "string", default: "embedded" },
      features: { type: "string" },
      checkpoint: { type: "string" },
      json: { type: "boolean", default: false },
      k: { type: "string" },
      t: { type: "string" },
      epochs: { type: "string" },
      seed: { type: "string", default: "0" },
      backend: { type: "string", default: "wasm" },
      "batch-norm": { type: "boolean" },
      "per-class": { type: "string" },
      pairs: { type: "string" },
      augs: { type: "string" },
      tau: { type: "string" },
      "data-dir": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const protocol = positionals[0];
  check(
    positionals.length === 1 && (EVAL_PROTOCOLS as readonly string[]).includes(protocol),
    `give one protocol: ${EVAL_PROTOCOLS.join(", ")} (got ${
      positionals.length ? positionals.join(" ") : "none"
    })`,
  );
  check(
    (values.features === undefined) !== (values.checkpoint === undefined),
    "give exactly one of --features pixels or --checkpoint DIR",
  );
  if (values.features !== undefined) {
    check(values.features === "pixels", `--features accepts only "pixels", got "${values.features}"`);
  }
  if (values.checkpoint !== undefined) {
    throw new UserError(
      "checkpoint evaluation needs a loader that rebuilds a method's model from a checkpoint folder " +
        "(methods/checkpoint.ts + the registry), which is not wired into eval yet; use --features pixels",
    );
  }
  check(
    (BACKENDS as readonly string[]).includes(values.backend!),
    `--backend must be one of ${BACKENDS.join(", ")}`,
  );
  const seed = int("seed", values.seed)!;
  check(seed >= 0, `--seed must be a non-negative integer, got ${seed}`);
  const perClass = values["per-class"]?.split(",").map((s) => int("per-class", s.trim())!);

  const info = await initBackend(values.backend as BackendName);
  const dataset = await openDataset(values.dataset!, { dataDir: values["data-dir"] });
  const tty = Deno.stdout.isTerminal();
  const enc = new TextEncoder();
  const record = await runEvaluation({
    protocol: protocol as EvalProtocol,
    dataset,
    features: "pixels",
    featuresName: "pixels",
    backend: info.name,
    seed,
    k: int("k", values.k),
    t: num("t", values.t),
    epochs: int("epochs", values.epochs),
    batchNorm: values["batch-norm"],
    perClass,
    pairs: int("pairs", values.pairs),
    augs: values.augs,
    tau: num("tau", values.tau),
    progress: tty ? (line) => Deno.stdout.writeSync(enc.encode(`\r\x1b[K${line}`)) : undefined,
  });
  if (tty) Deno.stdout.writeSync(enc.encode("\r\x1b[K"));
  console.log(values.json ? JSON.stringify(record) : summary(record));
  return 0;
}

if (import.meta.main) runCli(main);
