import { createRoute, z } from "@hono/zod-openapi";
import { requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { environmentOf } from "../kernel/http/environment-of.js";
import { matchesIfNoneMatch } from "../kernel/http/etag.js";
import { json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import type { StreamHub } from "./sdk-stream-hub.js";

const FlagSetOut = z
  .object({
    environment: z.string(),
    revision: z
      .number()
      .int()
      .openapi({ description: "Grows by one on every change; the stream's event id" }),
    flags: z
      .array(z.object({ key: z.string() }).passthrough())
      .openapi({ description: "FlagConfig of sdk/core" }),
  })
  .openapi("FlagSet");

export function sdkFlagsRoutes(deps: AppDeps, hub: StreamHub) {
  const app = router();
  app.use("/api/sdk/flags", requireToken(deps, ["server"]));
  app.openapi(
    createRoute({
      method: "get",
      path: "/api/sdk/flags",
      summary: "The token's environment's whole flag set, for server SDKs; 304 with If-None-Match",
      responses: {
        200: json(FlagSetOut, "The flag set, with an ETag"),
        304: { description: "Unchanged since the ETag in If-None-Match" },
        ...errorResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const env = environmentOf(c);
      const snapshot = hub.snapshots.get(env);
      if (!snapshot) throw problems.notFound(`environment \`${env}\` does not exist`);
      const headers = { etag: snapshot.etag, "cache-control": "no-cache" };
      if (matchesIfNoneMatch(c.req.header("if-none-match"), snapshot.etag)) return c.body(null, 304, headers);
      return c.body(snapshot.json, 200, { ...headers, "content-type": "application/json" });
    },
  );
  return app;
}
