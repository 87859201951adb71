/**
 * The machine a perf run came from, for its report: core/env.ts's capture in the report's
 * units, with the load average at the start (the caller fills the end).
 *
 * @module
 */
import { captureMachine, loadavg } from "../core/env.ts";
import type { MachineInfo } from "./perf_report.ts";

/** The machine a run came from (load at the start; the caller fills the end). */
export function machineInfo(): MachineInfo {
  const m = captureMachine();
  return {
    cpu: m.cpuModel,
    cores: m.cores,
    memoryGiB: m.memoryBytes > 0 ? Math.round(m.memoryBytes / 1024 ** 3 * 10) / 10 : null,
    os: m.os,
    deno: Deno.version.deno,
    loadStart: loadavg(),
    loadEnd: null,
  };
}
