/**
 * The models room: backbones (ResNet, ViT), the MAE decoder, projector/predictor MLPs, the
 * multi-head wrapper and the temperature MLP φ, on a small module system (parameters,
 * buffers, train/eval context with deferred BatchNorm updates).
 *
 * @module
 */
export {
  applyUpdates,
  type BufferUpdate,
  copyState,
  type Ctx,
  ctx,
  discardUpdates,
  Module,
  type NamedParam,
  recordUpdate,
} from "./module.ts";
export { BatchNorm, batchNormSideBySide, Conv2d, LayerNorm, Linear } from "./layers.ts";
export { stackable, stackedMlpForward } from "./stacked_mlp.ts";
export { fanInUniform, heNormal, truncNormal, xavierUniform } from "./init.ts";
export { activate, type Activation, gelu } from "./activations.ts";
export {
  ResNet,
  RESNET_DEPTHS,
  type ResNetConfig,
  type ResNetDepth,
  type ResNetStem,
  resolveStem,
  scaledChannels,
} from "./resnet.ts";
export {
  validateVitConfig,
  ViT,
  VIT_SIZES,
  type VitConfig,
  vitConfig,
  type VitForwardOptions,
  type VitPool,
  type VitSize,
} from "./vit.ts";
export { Attention, Block } from "./transformer.ts";
export { MaeDecoder, type MaeDecoderConfig, maeDecoderConfig, ScalarEmbedding } from "./mae_decoder.ts";
export { disposeMask, keptCount, type PatchMask, randomMasks } from "./masking.ts";
export { patchify, unpatchify } from "./patches.ts";
export { sincos1d, sincos1dValues, sincos2d } from "./posembed.ts";
export { gatherTokens, indicator, scatterTokens, selectionMatrix } from "./tokens.ts";
export {
  barlowProjector,
  Mlp,
  type MlpLayer,
  type MlpLayerSpec,
  type MlpSpec,
  mocoV2Projector,
  mocoV3Mlp,
  mocoV3Predictor,
  mocoV3Projector,
  simclrProjector,
  simsiamPredictor,
  simsiamProjector,
  validateMlpSpec,
} from "./mlp.ts";
export { type Head, MultiHead, multiMlp } from "./multihead.ts";
export { applyPhi, type PhiParams, TemperatureMlp } from "./temperature.ts";
export {
  type Backbone,
  BACKBONE_NAMES,
  type BackboneName,
  type BackboneOptions,
  createBackbone,
  isVit,
  parseBackboneName,
} from "./backbone.ts";
