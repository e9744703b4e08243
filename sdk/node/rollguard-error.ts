/** What went wrong, as a fixed vocabulary callers can switch on. */
export type RollguardErrorCode =
  /** The server refused the token (401/403); the client stops contacting it. */
  | "UNAUTHORIZED"
  /** The server could not be reached, or the connection broke or went silent. */
  | "NETWORK"
  /** The server answered with an unexpected status. */
  | "HTTP"
  /** The server (or the backup file) sent something that is not a flag set or change. */
  | "BAD_DATA"
  /** The backup file could not be written. */
  | "BACKUP"
  /** A bug or a hostile input caught at the public boundary; the caller got its default. */
  | "INTERNAL";

/** The one error type the SDK reports, through the `error` event; it never throws it at callers. */
export class RollguardError extends Error {
  override readonly name = "RollguardError";

  constructor(
    readonly code: RollguardErrorCode,
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** 401 and 403 mean the token is wrong or revoked: retrying cannot help. */
  get fatal(): boolean {
    return this.code === "UNAUTHORIZED";
  }

  static fromStatus(status: number, what: string): RollguardError {
    if (status === 401 || status === 403)
      return new RollguardError("UNAUTHORIZED", `${what}: the server refused the token (${status})`, status);
    return new RollguardError("HTTP", `${what}: unexpected status ${status}`, status);
  }

  static from(error: unknown, code: RollguardErrorCode, what: string): RollguardError {
    if (error instanceof RollguardError) return error;
    return new RollguardError(code, `${what}: ${describe(error)}`, undefined, { cause: error });
  }
}

function describe(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return "unknown error";
  }
}
