/**
 * The losses room: every baseline and AMCL loss as a pure function of tensors, their
 * formula metadata, and the registry the test-vector runner and the tables use.
 *
 * @module
 */
export type { LossInfo } from "./info.ts";
export {
  disposeTemperatures,
  type HeadTemperatures,
  type LossOutput,
  type TemperatureRequest,
} from "./output.ts";
export { stopGradient, withoutGradient } from "./stop_gradient.ts";
export { l2Normalize } from "../../core/l2_normalize.ts";
export {
  boundTemperature,
  checkPhi,
  pairTemperatures,
  phiForward,
  type PhiParams,
  resolveTemperature,
  rowTemperatures,
  TAU_MAX,
  TAU_MIN,
  type TauSetting,
  temperature,
  type TemperatureOptions,
  type TemperatureSettings,
} from "./temperature.ts";
export { omega, omegaNoScale } from "./omega.ts";
export { type ContrastForm, type NegReg } from "./amcl_contrast.ts";
export type { AmclContrastOptions } from "./amcl_options.ts";
export { ntxent, NTXENT_INFO, type NtxentOptions } from "./ntxent.ts";
export { infonce, INFONCE_INFO, type InfonceOptions } from "./infonce.ts";
export { moco, MOCO_INFO, type MocoOptions } from "./moco.ts";
export { mocov3, MOCOV3_INFO, type Mocov3Options } from "./mocov3.ts";
export { simsiam, SIMSIAM_INFO, type SimsiamOptions } from "./simsiam.ts";
export { barlow, BARLOW_INFO, type BarlowOptions } from "./barlow.ts";
export { crossCorrelation, standardize } from "./cross_correlation.ts";
export {
  AMCL_NTXENT_INFO,
  AMCL_NTXENT_PAPERREG_INFO,
  AMCL_NTXENT_SOFTMAX_INFO,
  amclNtxent,
  type AmclNtxentOptions,
} from "./amcl_ntxent.ts";
export { AMCL_INFONCE_INFO, amclInfonce, type AmclInfonceOptions } from "./amcl_infonce.ts";
export { AMCL_MOCO_INFO, amclMoco, type AmclMocoOptions } from "./amcl_moco.ts";
export { AMCL_MOCOV3_INFO, amclMocov3, type AmclMocov3Options } from "./amcl_mocov3.ts";
export { AMCL_SIMSIAM_INFO, amclSimsiam, type AmclSimsiamOptions } from "./amcl_simsiam.ts";
export { AMCL_BARLOW_INFO, amclBarlow, type AmclBarlowOptions } from "./amcl_barlow.ts";
export { barlowMapFused, type BarlowMapOptions, barlowMapTerm } from "./amcl_barlow_map.ts";
export { type LossEntry, LOSSES, lossInfos, type LossParams } from "./registry.ts";
