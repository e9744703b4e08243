/** Configs and contexts come from outside (network, storage, callers' code): check before reading. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
