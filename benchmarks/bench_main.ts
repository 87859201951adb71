/**
 * `deno task bench`: runs a preset's sweep (default `quick` at `cpu` scale on the embedded
 * dataset with the best backend), resumable, in parallel workers, optionally one shard, or
 * emits cluster files (`--emit slurm|k8s`); then renders the report. `--list` prints the
 * method registry; `--dry-run` prints a sweep's size and runs nothing; `--verify OUT` says
 * whether OUT's records were made by the configuration this code plans.
 *
 * @module
 */
import { explainPermission, runCli, UserError } from "../core/errors.ts";
import { intOption, parseCli } from "../core/cli.ts";
import { initBackend, parseBackendName } from "../core/backend.ts";
import { listMethods } from "../methods/registry.ts";
import { runBench } from "./bench.ts";
import { registryCatalog } from "./registry_catalog.ts";
import { REAL_EXECUTOR } from "./executor.ts";
import { checkCellDatasets } from "./check_data.ts";
import { type Scale, SCALES } from "./settings.ts";
import { BUILTIN_PRESETS } from "./presets/mod.ts";
import { verifyResults } from "./verify_results.ts";

const USAGE = `usage: deno task bench [--preset NAME|FILE.json] [--scale cpu|paper] [--dataset NAME]
  [--backend auto|native|wasm|cpu|webgpu|tensorflow] [--out DIR] [--workers N] [--threads N] [--seeds 3|0,1,2|0-4]
  [--shard i/n] [--set key=value]... [--force] [--quiet] [--keep-checkpoints] [--no-report] [--dry-run]
  [--emit slurm|k8s [--shards N] [--emit-opt key=value]...] [--list [--json]] [--verify OUT]
presets: ${BUILTIN_PRESETS.map((p) => p.name).join(", ")}`;

if (import.meta.main) {
  await runCli(async () => {
    const parsed = parseCli(
      Deno.args,
      {
        preset: { type: "string", default: "quick" },
        scale: { type: "string", default: "cpu" },
        dataset: { type: "string" },
        backend: { type: "string", default: "auto" },
        out: { type: "string" },
        workers: { type: "string" },
        threads: { type: "string" },
        seeds: { type: "string" },
        shard: { type: "string" },
        set: { type: "string", multiple: true, default: [] },
        force: { type: "boolean", default: false },
        quiet: { type: "boolean", default: false },
        "keep-checkpoints": { type: "boolean", default: false },
        "no-report": { type: "boolean", default: false },
        "dry-run": { type: "boolean", default: false },
        emit: { type: "string" },
        shards: { type: "string" },
        "emit-opt": { type: "string", multiple: true, default: [] },
        list: { type: "boolean", default: false },
        verify: { type: "string" },
        json: { type: "boolean", default: false },
      },
      USAGE,
    );
    if (!parsed) return 0;
    const { values } = parsed;
    if (values.list) {
      const rows = listMethods();
      if (values.json) console.log(JSON.stringify(rows, null, 2));
      else {
        for (const r of rows) {
          const d = r.defaults.cpu;
          console.log(
            `${r.method.padEnd(8)} ${r.variant.padEnd(8)} ${r.title.padEnd(14)} ` +
              `backbones ${
                r.backbones.join("/")
              }; cpu: ${d.backbone}×${d.width}, ${d.heads} head(s), τ ${d.tau}, lr ${d.lr}`,
          );
        }
      }
      return 0;
    }
    if (values.verify !== undefined) {
      // Exit 0: the stored records are what this code plans; 1: they are not (the line says who made them).
      const v = await verifyResults(values.verify, registryCatalog());
      console.log(v.line);
      return v.current ? 0 : 1;
    }
    if (!(SCALES as readonly string[]).includes(values.scale)) {
      throw new UserError(`--scale ${values.scale}: use one of ${SCALES.join(", ")}`);
    }
    const workers = intOption("workers", values.workers, 1);
    const threads = intOption("threads", values.threads, 1);
    const shards = intOption("shards", values.shards, 1);
    // Unknown names fail here, before any folder is made.
    const backend = parseBackendName(values.backend);
    return await runBench({
      preset: values.preset,
      scale: values.scale as Scale,
      dataset: values.dataset,
      backend,
      // `auto` is measured once, after the preset is validated and before the workers start:
      // each worker then starts the concrete backend, and the default worker count follows it.
      // A named backend is started here too, so one that cannot start is one line, not a
      // failed record per cell.
      resolveBackend: async (name) => {
        const info = await initBackend(name, threads ? { threads } : {});
        if (name !== "auto") return info.name;
        if (!values.quiet) {
          const ms = Object.entries(info.measured ?? {}).map(([k, v]) => `${k} ${v} ms`).join(", ");
          console.log(`backend: auto → ${info.name} (${info.device})${ms ? `; measured ${ms}` : ""}`);
        }
        return info.name;
      },
      out: values.out,
      workers,
      threads,
      seeds: values.seeds,
      shard: values.shard,
      sets: values.set,
      force: values.force,
      quiet: values.quiet,
      keepCheckpoints: values["keep-checkpoints"],
      emit: values.emit,
      shards,
      emitOpts: values["emit-opt"],
      report: !values["no-report"],
      dryRun: values["dry-run"],
      executor: REAL_EXECUTOR,
      catalog: registryCatalog(),
      checkData: (configs) => checkCellDatasets(configs),
      defaultWorkers: (backend) =>
        backend === "webgpu" || backend === "tensorflow"
          ? 1
          : Math.max(1, navigator.hardwareConcurrency || 1),
      // Loaded lazily: the report (vega, resvg's WebAssembly) is only needed at the end.
      renderReport: async (out) => {
        try {
          const { renderReport } = await import("../reports/report.ts");
          const { methodMetaFromRegistry } = await import("../reports/method_meta.ts");
          return (await renderReport(out, { methods: methodMetaFromRegistry(listMethods()) })).index;
        } catch (e) {
          const err = explainPermission(e);
          if (err instanceof UserError) {
            throw new UserError(`${err.message}; or render later with: deno task report --in ${out}`);
          }
          throw err;
        }
      },
    });
  });
}
