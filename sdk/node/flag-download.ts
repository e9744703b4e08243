import type { FlagSet } from "../core/index.js";
import { asFlagSet } from "./flag-set-shape.js";
import { RollguardError } from "./rollguard-error.js";

export type DownloadResult = { kind: "set"; set: FlagSet; etag: string | undefined } | { kind: "unchanged" };

export interface DownloadOptions {
  url: string;
  token: string;
  fetch: typeof fetch;
  timeoutMs: number;
  etag: string | undefined;
}

/**
 * One `GET /api/sdk/flags` with `If-None-Match`. Resolves to the new set or "unchanged"; rejects
 * with a RollguardError (fatal for 401/403).
 */
export async function downloadFlags(o: DownloadOptions): Promise<DownloadResult> {
  let res: Response;
  try {
    res = await o.fetch(`${o.url}/api/sdk/flags`, {
      headers: {
        authorization: `Bearer ${o.token}`,
        accept: "application/json",
        ...(o.etag ? { "if-none-match": o.etag } : {}),
      },
      signal: AbortSignal.timeout(o.timeoutMs),
    });
  } catch (error) {
    throw RollguardError.from(error, "NETWORK", "flag download failed");
  }
  if (res.status === 304) return { kind: "unchanged" };
  if (res.status !== 200) {
    await res.body?.cancel().catch(() => {});
    throw RollguardError.fromStatus(res.status, "flag download");
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch (error) {
    throw RollguardError.from(error, "BAD_DATA", "flag download was not JSON");
  }
  const set = asFlagSet(body);
  if (!set) throw new RollguardError("BAD_DATA", "flag download is not a flag set");
  return { kind: "set", set, etag: res.headers.get("etag") ?? undefined };
}
