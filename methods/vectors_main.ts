/**
 * `deno task vectors DIR [--backend cpu|wasm|…] [--tol 1e-4]`: checks every loss test
 * vector in DIR; one PASS/FAIL line per file, then `N passed, N failed`. Exit code 1 on any
 * failure (including an unknown loss name).
 *
 * @module
 */
import { runCli, UserError } from "../core/errors.ts";
import { numberOption, parseCli } from "../core/cli.ts";
import { type BackendName, initBackend } from "../core/backend.ts";
import { DEFAULT_TOLERANCE, formatResult, runVectors } from "./vectors.ts";

const USAGE = "usage: deno task vectors DIR [--backend cpu|wasm|native] [--tol 1e-4]";

runCli(async () => {
  const parsed = parseCli(
    Deno.args,
    {
      backend: { type: "string", default: "cpu" },
      tol: { type: "string", default: String(DEFAULT_TOLERANCE) },
    },
    USAGE,
    { positionals: true },
  );
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UserError(`expected one folder of *.json vectors; ${USAGE}`);
  const tol = numberOption("tol", values.tol, { min: 0, minOpen: true });
  await initBackend(values.backend as BackendName);
  const summary = await runVectors(positionals[0], tol);
  for (const r of summary.results) console.log(formatResult(r));
  console.log(`${summary.passed} passed, ${summary.failed} failed`);
  return summary.failed > 0 ? 1 : 0;
});
