/**
 * Input and option checks shared by the losses. Every failure is a `UserError` naming the
 * loss, the expected and the actual value.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs-core";
import { check } from "../../core/errors.ts";

/** Formats a shape for messages: `[5,2,6]`. */
export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/**
 * Checks that every named tensor has shape [B, C, D] with C = `heads`, all alike, and
 * B ≥ `minBatch`. Returns the dimensions.
 */
export function checkViews(
  loss: string,
  tensors: Record<string, tf.Tensor>,
  heads: number,
  minBatch = 1,
): { batch: number; heads: number; dim: number } {
  checkHeads(loss, heads);
  const names = Object.keys(tensors);
  const first = tensors[names[0]];
  for (const name of names) {
    const t = tensors[name];
    check(
      t.rank === 3,
      `${loss}: ${name} has shape ${fmtShape(t.shape)}; expected [batch, heads, dim] (rank 3)`,
    );
    check(
      t.shape[1] === heads,
      `${loss}: ${name} has ${t.shape[1]} heads (shape ${fmtShape(t.shape)}) but heads = ${heads}; ` +
        `pass tensors of shape [B, ${heads}, D] or set heads to ${t.shape[1]}`,
    );
    check(
      t.shape[0] === first.shape[0] && t.shape[2] === first.shape[2],
      `${loss}: ${name} has shape ${fmtShape(t.shape)} but ${names[0]} has ${fmtShape(first.shape)}; ` +
        `all inputs must share [batch, heads, dim]`,
    );
    check(t.dtype === "float32", `${loss}: ${name} has dtype ${t.dtype}; expected float32`);
  }
  check(
    first.shape[0] >= minBatch,
    `${loss}: batch size ${first.shape[0]} is too small; expected at least ${minBatch}`,
  );
  check((first.shape[2] ?? 0) >= 1, `${loss}: dimension ${first.shape[2]} is empty; expected D ≥ 1`);
  return { batch: first.shape[0], heads, dim: first.shape[2]! };
}

/** Checks that `heads` is a positive integer. */
export function checkHeads(loss: string, heads: number): void {
  check(
    Number.isInteger(heads) && heads >= 1,
    `${loss}: heads = ${heads}; expected a positive integer (the C of the [B, C, D] inputs)`,
  );
}

/** Checks a finite number against a lower bound (`strict`: `>`, else `≥`). */
export function checkNumber(loss: string, name: string, value: number, min: number, strict: boolean): void {
  check(
    typeof value === "number" && Number.isFinite(value) && (strict ? value > min : value >= min),
    `${loss}: ${name} = ${value}; expected a finite number ${strict ? ">" : "≥"} ${min}`,
  );
}

/** Checks the top-κ setting: an integer ≥ 1. */
export function checkTopk(loss: string, topk: number | undefined): number {
  check(
    typeof topk === "number" && Number.isInteger(topk) && topk >= 1,
    `${loss}: topk (κ) = ${topk}; expected an integer ≥ 1 (κ = 1 is the max form)`,
  );
  return topk;
}
