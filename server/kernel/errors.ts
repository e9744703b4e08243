/**
 * The domain's errors: what went wrong in words a caller can act on, with no HTTP in them. The
 * store, the change path and every feature's commands throw these; the app's one error handler
 * (`http/error-handler.ts`) maps each kind to its problem+json status, so the domain never
 * depends on the web layer.
 */
export type DomainErrorKind = "invalid" | "not_found" | "conflict" | "stale";

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    message: string,
    /** A stable word for this case (`plan-exists`, `unknown-flag`); the kind's own when absent. */
    readonly code?: string,
    /** Machine-readable details that travel with the error (`currentVersion`, `unknownFlags`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DomainError";
  }
}

/** The input cannot be applied as given: the message says what to send instead. */
export const invalid = (message: string, details?: Record<string, unknown>) =>
  new DomainError("invalid", message, undefined, details);

/** Something named by the caller does not exist. */
export const notFound = (message: string, code?: string, details?: Record<string, unknown>) =>
  new DomainError("not_found", message, code, details);

/** The request contradicts the current state (a duplicate key, a plan in the wrong state). */
export const conflict = (message: string, code?: string, details?: Record<string, unknown>) =>
  new DomainError("conflict", message, code, details);

/** The caller's version is no longer current (If-Match): read again and retry. */
export const stale = (message: string, details?: Record<string, unknown>) =>
  new DomainError("stale", message, undefined, details);
