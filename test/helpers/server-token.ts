import { api } from "./server.js";

/** Creates a token through the REST API (admin) and returns its secret and id. */
export async function createToken(
  url: string,
  scope: "server" | "client" | "admin" = "server",
  environment = "production",
): Promise<{ token: string; id: string }> {
  const res = await api(url)("POST", "/api/tokens", scope === "admin" ? { scope } : { scope, environment });
  if (res.status !== 201) throw new Error(`token creation failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { token: res.body.token, id: res.body.id };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` (sync, or async such as a query) every 10 ms until it holds or `timeoutMs` passes. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  what: string | (() => string) = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === "string" ? what : what()}`);
    await sleep(10);
  }
}
