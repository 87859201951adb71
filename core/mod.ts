/**
 * The core room's public API: errors, the seeded random source, backends (and the wasm
 * gradient kernels they install), environment capture and the doctor.
 *
 * @module
 */
export { check, explainPermission, runCli, UserError } from "./errors.ts";
export { hash32, Rng } from "./random.ts";
export {
  activeBackend,
  type BackendInfo,
  type BackendName,
  type BackendProbe,
  BACKENDS,
  type ConcreteBackend,
  cpuModel,
  initBackend,
  microBenchmark,
  parseBackendName,
  probeBackend,
} from "./backend.ts";
export { registerWasmGradients, WASM_GRADIENT_KERNELS } from "./wasm_grads.ts";
export { hasGradient } from "./gradients.ts";
export { captureEnv, type EnvInfo, gitCommit } from "./env.ts";
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
