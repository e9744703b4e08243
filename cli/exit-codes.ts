/**
 * The exit codes scripts can branch on. They are part of the CLI's contract (docs/cli.md and the
 * `--help` footer print this table), so a code never changes meaning once released.
 */
export const EXIT = {
  ok: 0,
  refused: 1,
  usage: 2,
  unreachable: 3,
  notFound: 4,
  conflict: 5,
  auth: 6,
  planFailed: 7,
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export const EXIT_CODE_TABLE: ReadonlyArray<readonly [ExitCode, string]> = [
  [EXIT.ok, "success"],
  [EXIT.refused, "the API refused the request (400, other 4xx not below); `serve` could not start"],
  [EXIT.usage, "usage error: unknown command or option, missing or invalid argument, bad file"],
  [EXIT.unreachable, "cannot reach the server, or it answered 5xx / something that is not the API"],
  [EXIT.notFound, "not found (404): no such flag, segment, environment, plan, guard or token"],
  [EXIT.conflict, "conflict or stale version (409, 412): read again and retry"],
  [EXIT.auth, "authentication or permission (401, 403): missing, unknown or too weak a token"],
  [EXIT.planFailed, "a watched plan ended without completing (rolled back or aborted)"],
  [EXIT.interrupted, "interrupted (Ctrl-C) while watching or following"],
];

/** Which exit code an HTTP status maps to; 2xx never reaches here. */
export function exitCodeForStatus(status: number): ExitCode {
  if (status === 401 || status === 403) return EXIT.auth;
  if (status === 404) return EXIT.notFound;
  if (status === 409 || status === 412 || status === 428) return EXIT.conflict;
  if (status >= 500) return EXIT.unreachable;
  return EXIT.refused;
}
