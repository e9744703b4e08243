import type { RollguardError } from "./rollguard-error.js";

/**
 * - `initializing`: no answer from the server yet; flags come from the backup file or bootstrap
 *   set if one was given, else evaluations return defaults (`PROVIDER_NOT_READY`).
 * - `ready`: the server's flag set is in hand and the client is connected (stream or polling).
 * - `stale`: the server cannot be reached; the last good flags are served (or defaults if none).
 * - `failed`: the server refused the token (401/403); the client stopped contacting it and keeps
 *   serving what it had.
 * - `closed`: `close()` was called.
 */
export type ClientStatus = "initializing" | "ready" | "stale" | "failed" | "closed";

/** Where the flags being served came from. */
export type FlagSource = "none" | "bootstrap" | "backup" | "server";

/** The events of a client and their payloads. */
export interface ClientEvents {
  /** The first flag set from the server arrived (once per client). */
  ready: { revision: number };
  /** Flags changed: the keys added, removed or modified, and the revision now served. */
  change: { keys: string[]; revision: number; source: FlagSource };
  /** Something failed; the client keeps serving its last good flags. Never thrown. */
  error: { error: RollguardError };
  /** The client lost the server (or started without it) and serves older flags. */
  stale: { error: RollguardError };
  /** The client is connected again after being stale. */
  recovered: { revision: number; staleForMs: number };
}
