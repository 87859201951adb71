/**
 * The loss test-vector runner: loads every `*.json` case of a folder (format in
 * `../shared/vectors/README.md`), evaluates the loss and its gradient with respect to every
 * input and φ parameter, and compares them with the expected values:
 *
 * - loss:      |got − expected| ≤ tol · max(1, |expected|)
 * - gradients: max|got − expected| ≤ tol · max(max|expected|, 1e-8), per tensor
 *
 * (tol = 1e-4, the README's suggestion). The "worst error" of a case is the largest of
 * these ratios `|got − expected| / scale`; a case passes when it is ≤ tol everywhere.
 * MoCo's `k` and `queue` gradients are compared too (nothing is detached inside the loss).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs-core";
import { UserError } from "../core/errors.ts";
import { LOSSES } from "./losses/registry.ts";
import type { PhiParams } from "./losses/temperature.ts";

/** The README's suggested relative tolerance. */
export const DEFAULT_TOLERANCE = 1e-4;

/** The φ parameter names in a vector. */
const PHI_KEYS = ["w1", "b1", "w2", "b2"] as const;

/** The outcome of one case. */
export interface VectorResult {
  /** File name (without folder). */
  file: string;
  /** The loss name of the case (may be unknown). */
  loss: string;
  pass: boolean;
  /** Largest relative error found (NaN when the case could not be evaluated). */
  worst: number;
  /** Where the largest error is: "loss" or a gradient key such as "phi.w1". */
  worstAt: string;
  /** Why it failed, when not a tolerance failure. */
  message?: string;
}

/** All cases of a folder. */
export interface VectorSummary {
  results: VectorResult[];
  passed: number;
  failed: number;
}

interface VectorFile {
  name?: string;
  loss: string;
  params: Record<string, unknown>;
  inputs: Record<string, unknown>;
  phi?: Record<string, unknown>;
  expected: { loss: number; grads: Record<string, unknown> };
}

function asVector(raw: unknown): VectorFile {
  const v = raw as VectorFile;
  if (!v || typeof v !== "object") throw new UserError("not a JSON object");
  if (typeof v.loss !== "string") throw new UserError('missing "loss" (the loss name)');
  if (!v.inputs || typeof v.inputs !== "object") throw new UserError('missing "inputs"');
  if (!v.expected || typeof v.expected.loss !== "number") throw new UserError('missing "expected.loss"');
  if (!v.expected.grads || typeof v.expected.grads !== "object") {
    throw new UserError('missing "expected.grads"');
  }
  return { ...v, params: v.params ?? {} };
}

/** A float32 tensor from a nested JSON array (values rounded to float32). */
function toTensor(key: string, value: unknown): tf.Tensor {
  if (!Array.isArray(value) && typeof value !== "number") {
    throw new UserError(`${key} is not a number or nested array`);
  }
  return tf.tensor(value as number[], undefined, "float32");
}

function flatten(value: unknown): { data: Float32Array; shape: number[] } {
  const t = toTensor("expected", value);
  const out = { data: t.dataSync() as Float32Array, shape: t.shape.slice() };
  t.dispose();
  return out;
}

/** Evaluates one parsed case. `file` names it in the result. */
export function checkVector(file: string, raw: unknown, tol = DEFAULT_TOLERANCE): VectorResult {
  let loss = "?";
  try {
    const v = asVector(raw);
    loss = v.loss;
    const entry = LOSSES[v.loss];
    if (!entry) {
      return {
        file,
        loss,
        pass: false,
        worst: NaN,
        worstAt: "",
        message: `unknown loss "${v.loss}" (known: ${Object.keys(LOSSES).join(", ")})`,
      };
    }
    for (const name of entry.inputs) {
      if (!(name in v.inputs)) {
        throw new UserError(`inputs.${name} missing (${v.loss} needs ${entry.inputs.join(", ")})`);
      }
    }
    if (entry.usesPhi) {
      for (const k of PHI_KEYS) if (!v.phi || !(k in v.phi)) throw new UserError(`phi.${k} missing`);
    }
    const keys = [...entry.inputs, ...(entry.usesPhi ? PHI_KEYS.map((k) => `phi.${k}`) : [])];
    const { value, grads } = tf.tidy(() => {
      const xs = keys.map((k) =>
        k.startsWith("phi.") ? toTensor(k, v.phi![k.slice(4)]) : toTensor(`inputs.${k}`, v.inputs[k])
      );
      const f = (...ts: tf.Tensor[]) => {
        const named: Record<string, tf.Tensor> = {};
        entry.inputs.forEach((k, i) => named[k] = ts[i]);
        const phi = entry.usesPhi
          ? {
            w1: ts[entry.inputs.length],
            b1: ts[entry.inputs.length + 1],
            w2: ts[entry.inputs.length + 2],
            b2: ts[entry.inputs.length + 3],
          } as PhiParams
          : null;
        return entry.evaluate(named, phi, v.params);
      };
      const r = tf.valueAndGrads(f)(xs);
      return { value: r.value, grads: r.grads };
    });
    const got = value.dataSync()[0];
    const gotGrads = grads.map((g) => ({ data: g.dataSync() as Float32Array, shape: g.shape }));
    value.dispose();
    grads.forEach((g) => g.dispose());

    let worst = Math.abs(got - v.expected.loss) / Math.max(1, Math.abs(v.expected.loss));
    let worstAt = "loss";
    if (!Number.isFinite(got)) worst = Infinity;
    for (const [key, exp] of Object.entries(v.expected.grads)) {
      const i = keys.indexOf(key);
      if (i < 0) throw new UserError(`expected.grads has "${key}", which ${v.loss} has no input for`);
      const e = flatten(exp);
      const g = gotGrads[i];
      if (e.shape.join(",") !== g.shape.join(",")) {
        throw new UserError(`gradient ${key} has shape [${g.shape}] but expected [${e.shape}]`);
      }
      let maxExp = 0;
      let maxErr = 0;
      for (let j = 0; j < e.data.length; j++) {
        maxExp = Math.max(maxExp, Math.abs(e.data[j]));
        const d = Math.abs(g.data[j] - e.data[j]);
        maxErr = Number.isNaN(d) ? Infinity : Math.max(maxErr, d);
      }
      const rel = maxErr / Math.max(maxExp, 1e-8);
      if (rel > worst) {
        worst = rel;
        worstAt = key;
      }
    }
    return { file, loss, pass: worst <= tol, worst, worstAt };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { file, loss, pass: false, worst: NaN, worstAt: "", message: err.message };
  }
}

/** Runs every `*.json` file of `dir` (sorted by name). */
export async function runVectors(dir: string, tol = DEFAULT_TOLERANCE): Promise<VectorSummary> {
  let names: string[];
  try {
    names = [];
    for await (const e of Deno.readDir(dir)) if (e.isFile && e.name.endsWith(".json")) names.push(e.name);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) throw new UserError(`vector folder ${dir} not found`);
    throw err;
  }
  if (names.length === 0) throw new UserError(`no *.json test vectors in ${dir}`);
  names.sort();
  const results: VectorResult[] = [];
  for (const name of names) {
    const text = await Deno.readTextFile(`${dir}/${name}`);
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      results.push({
        file: name,
        loss: "?",
        pass: false,
        worst: NaN,
        worstAt: "",
        message: `invalid JSON: ${(err as Error).message}`,
      });
      continue;
    }
    results.push(checkVector(name, raw, tol));
  }
  const passed = results.filter((r) => r.pass).length;
  return { results, passed, failed: results.length - passed };
}

/** One line per case: `PASS amcl_ntxent__0.json  worst 3.1e-7 (phi.w1)`. */
export function formatResult(r: VectorResult): string {
  const tag = r.pass ? "PASS" : "FAIL";
  const detail = r.message ?? `worst ${r.worst.toExponential(2)} (${r.worstAt})`;
  return `${tag} ${r.file.padEnd(32)} ${r.loss.padEnd(22)} ${detail}`;
}
