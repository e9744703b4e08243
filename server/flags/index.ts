// The flags feature's module: what other features and the server may use of it.
export { seedEnvironments } from "./environment-commands.js";
export { type AuditRetentionOptions, flagsFeature } from "./feature.js";
export {
  applyStatePatch,
  createFlag,
  createFlagWork,
  type PatchOptions,
  patchFlagState,
} from "./flag-commands.js";
export type { LifecycleOptions } from "./flag-lifecycle.js";
export { type FlagRow, type FlagStateRow, findFlag, findState } from "./flag-rows.js";
export {
  CreateFlagBody,
  type CreateFlagInput,
  type FlagStateOut,
  FlagStatePatch,
  type FlagStatePatchInput,
} from "./flag-schemas.js";
export { requireLiveState } from "./live-state.js";
export { createSegment, deleteSegment, updateSegment } from "./segment-commands.js";
export { findSegment, listSegments, segmentUses } from "./segment-rows.js";
export type { CreateSegmentInput, SegmentOut, UpdateSegmentInput } from "./segment-schemas.js";
export { prerequisiteUses } from "./targeting-checks.js";
