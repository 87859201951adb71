/**
 * `deno task eval knn|linear|labels|similarity`: evaluates raw pixels (`--features pixels`,
 * the sanity baseline every SSL result should beat) or a cell's checkpoint folder
 * (`--checkpoint OUT/cells/ID`, kept by `deno task bench --keep-checkpoints`) on a dataset and
 * prints a summary, or the JSON record with `--json`.
 *
 * With `--checkpoint`, the model is rebuilt from the folder (benchmarks/checkpoint_model.ts:
 * this CLI is the one eval file that reaches into benchmarks/methods; the protocols get an
 * `EvalModel`). Unless given on the command line, the dataset (with the cell's train/test
 * cut), seed, kNN k and t, probe epochs, labelled images per class, similarity pairs and
 * augmentations are the cell's.
 *
 * @module
 */
import { type BackendName, BACKENDS, initBackend } from "../core/backend.ts";
import { check, runCli } from "../core/errors.ts";
import { intOption, numberOption, parseCli } from "../core/cli.ts";
import { openDataset } from "../datasets/registry.ts";
import type { Dataset } from "../datasets/dataset.ts";
import {
  EVAL_PROTOCOLS,
  type EvalModel,
  type EvalProtocol,
  type EvalRecord,
  runEvaluation,
} from "./run_eval.ts";
import {
  checkpointEvalModel,
  loadCheckpointModel,
  type LoadedCheckpoint,
} from "../benchmarks/checkpoint_model.ts";
import { openCellData } from "../benchmarks/cell_data.ts";

const USAGE =
  `usage: deno task eval knn|linear|labels|similarity (--features pixels | --checkpoint OUT/cells/ID)
  [--dataset NAME] [--json] [--k 200] [--t 0.1] [--epochs 100] [--seed 0] [--backend wasm] [--batch-norm]
  [--per-class 10,20,50,100,200,500] [--pairs 500] [--augs default] [--tau 0.5] [--backbone NAME]
  [--data-dir DIR] [--workers N] [--threads N]
--threads N: threads of the native backend (default: every core; other backends run one).
--workers N splits the kNN queries over N Web Workers (same result); the default is one per CPU
when the product bank × queries × dims is above 2e10 multiply-adds (about a second), else 1.
A checkpoint folder is a cell's OUT/cells/ID; the sweep keeps it after the cell finishes only with
deno task bench --keep-checkpoints. With --checkpoint the defaults are the cell's (dataset and its
train/test cut, seed, k, t, probe epochs, labels per class, pairs, augmentations).`;

function summary(r: EvalRecord): string {
  const head = `${r.protocol} on ${r.dataset} (${r.features}, ${r.backend}, seed ${r.seed}):`;
  const x = r.result;
  const pct = (v: number) => `${(100 * v).toFixed(2)}%`;
  switch (x.protocol) {
    case "knn":
      return `${head} top-1 ${pct(x.top1)}, top-5 ${
        pct(x.top5)
      } (k ${x.k}, t ${x.t}, ${x.bankSize} × ${x.querySize}` +
        ` × ${x.dim}, ${x.seconds.toFixed(1)} s, ${x.workers} thread${x.workers > 1 ? "s" : ""})`;
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

function extraNumber(loaded: LoadedCheckpoint | null, key: string): number | undefined {
  const v = loaded?.config.extra[key];
  return typeof v === "number" ? v : undefined;
}

async function main(): Promise<number> {
  const parsed = parseCli(
    Deno.args,
    {
      dataset: { type: "string" },
      features: { type: "string" },
      checkpoint: { type: "string" },
      json: { type: "boolean", default: false },
      k: { type: "string" },
      t: { type: "string" },
      epochs: { type: "string" },
      seed: { type: "string" },
      backend: { type: "string", default: "wasm" },
      "batch-norm": { type: "boolean" },
      "per-class": { type: "string" },
      pairs: { type: "string" },
      augs: { type: "string" },
      tau: { type: "string" },
      backbone: { type: "string" },
      "data-dir": { type: "string" },
      workers: { type: "string" },
      threads: { type: "string" },
    },
    USAGE,
    { positionals: true },
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
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
  check(
    values.backbone === undefined || values.checkpoint !== undefined,
    "--backbone checks a checkpoint's backbone; use it with --checkpoint",
  );
  check(
    (BACKENDS as readonly string[]).includes(values.backend!),
    `--backend must be one of ${BACKENDS.join(", ")}`,
  );
  // Every number is checked here, before the backend starts or a dataset is read.
  const seedArg = intOption("seed", values.seed, 0);
  const workersArg = intOption("workers", values.workers, 1);
  const threadsArg = intOption("threads", values.threads, 1);
  check(workersArg === undefined || protocol === "knn", "--workers applies to the knn protocol only");
  const perClassArg = values["per-class"]?.split(",").map((s) => intOption("per-class", s.trim(), 1));
  const kArg = intOption("k", values.k, 1);
  const tArg = numberOption("t", values.t, { min: 0, minOpen: true });
  const epochsArg = intOption("epochs", values.epochs, 1);
  const pairsArg = intOption("pairs", values.pairs, 1);
  const tauArg = numberOption("tau", values.tau, { min: 0, minOpen: true });

  const info = await initBackend(values.backend as BackendName, threadsArg ? { threads: threadsArg } : {});
  let loaded: LoadedCheckpoint | null = null;
  try {
    let dataset: Dataset;
    let features: "pixels" | EvalModel = "pixels";
    if (values.checkpoint !== undefined) {
      loaded = await loadCheckpointModel(values.checkpoint, { backbone: values.backbone });
      const own = values.dataset === undefined || values.dataset === loaded.config.dataset;
      dataset = own
        ? (await openCellData(loaded.config, values["data-dir"])).view
        : await openDataset(values.dataset!, { dataDir: values["data-dir"] });
      features = checkpointEvalModel(loaded, dataset);
    } else {
      dataset = await openDataset(values.dataset ?? "embedded", { dataDir: values["data-dir"] });
    }
    const cell = loaded?.config;
    const knnK = extraNumber(loaded, "knnK");
    const tty = Deno.stdout.isTerminal();
    const enc = new TextEncoder();
    const record = await runEvaluation({
      protocol: protocol as EvalProtocol,
      dataset,
      features,
      featuresName: values.checkpoint ?? "pixels",
      backend: info.name,
      seed: seedArg ?? cell?.seed ?? 0,
      // The cell's k (200 unless set), capped at the bank as the cell's monitor does.
      k: kArg ?? (cell ? Math.min(knnK ?? 200, dataset.splits.train) : undefined),
      t: tArg ?? extraNumber(loaded, "knnT"),
      epochs: epochsArg ?? (cell && cell.probeEpochs > 0 ? cell.probeEpochs : undefined),
      batchNorm: values["batch-norm"],
      perClass: perClassArg ?? (cell?.labelsPerClass.length ? cell.labelsPerClass : undefined),
      pairs: pairsArg ?? extraNumber(loaded, "simPairs"),
      augs: values.augs ?? cell?.augs,
      tau: tauArg,
      knnWorkers: workersArg ?? "auto",
      progress: tty ? (line) => Deno.stdout.writeSync(enc.encode(`\r\x1b[K${line}`)) : undefined,
    });
    if (tty) Deno.stdout.writeSync(enc.encode("\r\x1b[K"));
    console.log(values.json ? JSON.stringify(record) : summary(record));
  } finally {
    loaded?.model.dispose();
  }
  return 0;
}

if (import.meta.main) runCli(main);
