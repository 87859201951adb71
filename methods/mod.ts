/**
 * The methods room: the method registry (method × variant → definition), the six method
 * declarations, the shared training loop, optimisers, schedules, checkpoints, temperature
 * statistics, and (re-exported) every loss.
 *
 * @module
 */
export {
  acceptedBackbones,
  buildMethod,
  checkVariant,
  getMethod,
  listMethods,
  methodDefaults,
  type MethodEntry,
  METHODS,
  trainPlanFor,
  validateCell,
} from "./registry.ts";
export {
  type MethodDef,
  type MethodDefaults,
  type Scale,
  type Variant,
  VARIANTS,
} from "./method_definition.ts";
export type {
  MethodModel,
  MethodSimilarity,
  PairTemperatureFn,
  StepInfo,
  StepOutput,
  StepTaus,
} from "./method_model.ts";
export { SIMCLR } from "./simclr.ts";
export { MOCO } from "./moco.ts";
export { SIMSIAM } from "./simsiam.ts";
export { BARLOW } from "./barlow.ts";
export { CAN } from "./can.ts";
export { LGP, LGP_STAGES } from "./lgp.ts";
export {
  type BackboneFamily,
  backboneFamily,
  type BackboneRequest,
  BACKBONES,
  buildBackbone,
  type BuiltBackbone,
  type ImageSpec,
} from "./backbone.ts";
export {
  type StagePlan,
  type StepMetrics,
  train,
  type TrainData,
  type TrainOptions,
  type TrainPlan,
  type TrainResult,
} from "./train.ts";
export type { EpochPoint } from "./epoch_point.ts";
export { METHOD_CARDS, type MethodCard, type MethodCardRow, methodCardRows } from "./method_cards.ts";
export {
  clipGradNorm,
  Optimizer,
  type OptimizerConfig,
  type OptimizerKind,
  OPTIMIZERS,
  type OptimizerState,
  type ParamGroup,
} from "./optim.ts";
export { lrAt, type LrSchedule, momentumAt } from "./schedule.ts";
export {
  type CheckpointMeta,
  configHash,
  loadCheckpoint,
  readCheckpointFile,
  readCheckpointMeta,
  saveCheckpoint,
} from "./checkpoint.ts";
export { contrastOptions, temperatureOptions } from "./amcl_settings.ts";
export { KeyQueue } from "./key_queue.ts";
export { emaUpdate } from "./ema.ts";
export * from "./losses/mod.ts";
