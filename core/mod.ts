/**
 * The core room's public API: errors, CLI argument parsing, the seeded random source,
 * backends (and the wasm gradient kernels they install), environment capture and the doctor.
 *
 * @module
 */
export { check, explainParseArgs, explainPermission, runCli, UserError } from "./errors.ts";
export { type CliArgs, type CliValues, HELP_OPTION, parseCli, type ParseCliOptions } from "./cli.ts";
export { hash32, Rng } from "./random.ts";
export {
  activeBackend,
  type BackendInfo,
  type BackendName,
  type BackendOptions,
  type BackendProbe,
  BACKENDS,
  type ConcreteBackend,
  cpuModel,
  initBackend,
  microBenchmark,
  parseBackendName,
  probeBackend,
} from "./backend.ts";
export { type Dnnl, DNNL_INSTALL_HINT, type DnnlAbsent, type DnnlVersion, loadDnnl } from "./native/dnnl.ts";
export { type NativeKernelCount, nativeKernelCounts, resetNativeKernelCounts } from "./native/kernels.ts";
export { type NativeMemory } from "./native/backend.ts";
export { registerWasmGradients, WASM_GRADIENT_KERNELS } from "./wasm_grads.ts";
export { hasGradient, untaped } from "./gradients.ts";
export { captureEnv, type EnvInfo } from "./env.ts";
export { gitCommit } from "./git_commit.ts";
export type { CellConfig, TauMode } from "./cell_config.ts";
export type { Histogram, TauStats, TemperatureHistogram } from "./temperature_stats.ts";
export {
  checkGradients,
  type DoctorBackend,
  type DoctorReport,
  formatDoctor,
  GRAD_TOLERANCE,
  type GradCheck,
  maxRelError,
  runDoctor,
} from "./doctor.ts";
