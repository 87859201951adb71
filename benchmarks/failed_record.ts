/**
 * The record of a cell that failed before its executor could describe it (a crash, a
 * worker that died): the configuration, the reason, and what the runner knows of the
 * environment.
 *
 * @module
 */
import type { CellConfig } from "../core/cell_config.ts";
import { type CellRecord, RECORD_SCHEMA } from "./record.ts";

function osName(): string {
  try {
    return `${Deno.build.os} ${Deno.osRelease()}`;
  } catch {
    return Deno.build.os;
  }
}

function host(): string {
  try {
    return Deno.hostname();
  } catch {
    return "unknown";
  }
}

/** A "failed" record for `config` with `error` as the reason. */
export function failedRecord(
  id: string,
  preset: string,
  config: CellConfig,
  error: string,
  backend: string,
  commit: string,
  startedAt: Date,
): CellRecord {
  return {
    schema: RECORD_SCHEMA,
    id,
    preset,
    config,
    status: "failed",
    error,
    metrics: {},
    curves: [],
    cost: {
      secondsPerEpoch: 0,
      peakMemoryBytes: 0,
      params: { backbone: 0, heads: 0, phi: 0, total: 0 },
      headReduction: "sum",
    },
    env: {
      backend,
      device: "unknown",
      deno: Deno.version.deno,
      tfjs: "unknown",
      os: osName(),
      cpu: Deno.build.arch,
      commit,
      hostname: host(),
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
    },
  };
}
