// The streaming feature's module: what other features and the server may use of it.
export type { AdminChange } from "./admin-stream-hub.js";
export {
  adminStreamHubOf,
  clientStreamHubOf,
  STREAM_KINDS,
  type StreamKind,
  streamHubOf,
  streamingFeature,
  streamStats,
} from "./feature.js";
export type { StreamOptions } from "./sdk-stream-hub.js";
export type { StreamStats } from "./stream-registry.js";
