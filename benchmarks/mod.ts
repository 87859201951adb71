/**
 * The benchmarks room: presets (data), grid expansion into cells with stable ids, the
 * runner (workers, shards, resume), the results store, merge, cluster emitters, and the
 * cell record type that reports read.
 *
 * @module
 */
export * from "./record.ts";
export { type BenchOptions, defaultOut, runBench } from "./bench.ts";
export {
  loadPreset,
  type Member,
  type MemberInput,
  type Overrides,
  parseOverrides,
  parseSeeds,
  type Preset,
  type PresetInput,
  type PresetLayer,
  readPresetFile,
  type Sourced,
  validatePreset,
  type ValidLayer,
} from "./preset.ts";
export type { Catalog, MethodSettings } from "./grid_catalog.ts";
export type { ProgressSink } from "./progress.ts";
export { BUILTIN_PRESETS, builtinPreset } from "./presets/mod.ts";
export { type Cell, expandGrid } from "./grid.ts";
export { planSweep, type Sweep, sweepManifest, type SweepRequest } from "./sweep.ts";
export { canonicalJson, cellId } from "./cell_id.ts";
export {
  type Manifest,
  openStore,
  readManifest,
  readRecord,
  readRecords,
  resultsCsv,
  writeRecord,
  writeResults,
} from "./store.ts";
export { type MergeSummary, mergeSweeps } from "./merge.ts";
export { emit, EMIT_TARGETS, type EmitRequest, type EmitTarget } from "./emit.ts";
export { runCells, type RunOptions, type RunSummary } from "./runner.ts";
export { parseShard, type Shard, shardCells } from "./shard.ts";
export { type CellContext, type CellExecutor, type CellProgress, REAL_EXECUTOR } from "./executor.ts";
export { SCALES, SETTING_KEYS, type SettingKey, type Settings, type SettingValue } from "./settings.ts";
export { type CellData, openCellData } from "./cell_data.ts";
export { checkCellDatasets } from "./check_data.ts";
export {
  checkDatasetFits,
  checkpointEvalModel,
  type CheckpointExpectation,
  loadCheckpointModel,
  type LoadedCheckpoint,
} from "./checkpoint_model.ts";
export { temperatureEpochs, TemperatureHistograms } from "./tau_histograms.ts";
