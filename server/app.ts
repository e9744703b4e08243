import { OpenAPIHono } from "@hono/zod-openapi";
import { features as allFeatures, type FeatureOptions } from "./features.js";
import type { AuthEnv } from "./kernel/auth/require-token.js";
import type { AppDeps } from "./kernel/deps.js";
import type { Feature } from "./kernel/feature.js";
import { limitBody, MAX_BODY_BYTES } from "./kernel/http/body-limit.js";
import { errorHandler, notFoundHandler } from "./kernel/http/error-handler.js";
import { openApiDocument } from "./kernel/http/openapi-document.js";

export { MAX_BODY_BYTES };

/**
 * Builds the HTTP app from its dependencies and the features' routes; it reads no environment
 * and starts no timers (that is `createServer`'s), so tests drive it through `app.request`.
 */
export function createApp(
  deps: AppDeps,
  features: readonly Feature<FeatureOptions>[] = allFeatures,
  options: FeatureOptions = {},
) {
  const app = new OpenAPIHono<AuthEnv>();

  app.use("/api/*", limitBody(MAX_BODY_BYTES));
  for (const feature of features) if (feature.routes) app.route("/", feature.routes(deps, options));

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer" });
  app.get("/openapi.json", (c) => c.json(openApiDocument(app)));

  app.notFound(notFoundHandler);
  app.onError(errorHandler(deps.log));
  return app;
}
