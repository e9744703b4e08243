import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { EnvironmentKey, errorResponses } from "../kernel/http/common-schemas.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { router } from "../kernel/http/router.js";
import { importUnleash } from "./import-commands.js";
import { UnleashExport } from "./unleash-export.js";

const ImportBody = z
  .object({
    export: UnleashExport,
    dryRun: z
      .boolean()
      .optional()
      .openapi({ description: "true: show what would be created, create nothing" }),
    environments: z
      .record(z.string(), EnvironmentKey)
      .optional()
      .openapi({ description: "Unleash environment → Rollguard environment (default: the same name)" }),
  })
  .strict()
  .openapi("UnleashImport");

const PlannedFlag = z
  .object({
    key: z.string(),
    type: z.string(),
    kind: z.string(),
    description: z.string(),
    tags: z.array(z.string()),
    variants: z.array(z.object({ key: z.string(), value: z.any() })).optional(),
    offVariant: z.string().optional(),
    environments: z.record(z.string(), z.any()).openapi({ description: "Each state as a PATCH body" }),
    cannot: z.array(z.string()).openapi({ description: "What is left out or not exact" }),
    notes: z.array(z.string()).openapi({ description: "Where answers can differ for some contexts" }),
  })
  .openapi("ImportedFlag");

const ImportResult = z
  .object({
    dryRun: z.boolean(),
    created: z.array(z.string()),
    flags: z.array(PlannedFlag),
    skipped: z.array(z.object({ key: z.string(), reason: z.string() })),
  })
  .openapi("UnleashImportResult");

export function importRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/import/*", requireToken(deps, ["admin"]));
  app.openapi(
    createRoute({
      method: "post",
      path: "/api/import/unleash",
      summary: "Import flags from an Unleash feature export (dryRun: only show the plan)",
      description:
        "Creates each feature as a flag with its state per environment, in one change (all or nothing); existing keys are skipped, never overwritten. docs/import-unleash.md states what maps exactly.",
      request: body(ImportBody),
      responses: {
        200: json(ImportResult, "The plan, and what was created"),
        ...errorResponses(400, 401, 403),
      },
    }),
    async (c) => {
      const input = c.req.valid("json");
      return c.json(
        await importUnleash(
          deps,
          { data: input.export, dryRun: input.dryRun === true, environmentMap: input.environments },
          actorOf(c.var.principal),
        ),
        200,
      );
    },
  );
  return app;
}
