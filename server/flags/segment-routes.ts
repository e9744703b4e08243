import { createRoute, z } from "@hono/zod-openapi";
import { actorOf, requireToken } from "../kernel/auth/require-token.js";
import type { AppDeps } from "../kernel/deps.js";
import { errorResponses } from "../kernel/http/common-schemas.js";
import { parseIfMatch, versionEtag } from "../kernel/http/if-match.js";
import { body, json } from "../kernel/http/json-helpers.js";
import { problems } from "../kernel/http/problem.js";
import { router } from "../kernel/http/router.js";
import { createSegment, deleteSegment, updateSegment } from "./segment-commands.js";
import { findSegment, listSegments, segmentUses, toSegmentOut } from "./segment-rows.js";
import { CreateSegmentBody, Segment, UpdateSegmentBody } from "./segment-schemas.js";
import { SegmentKey } from "./targeting-schemas.js";

const KeyParam = z.object({ key: SegmentKey });

/** Segments: named audiences that rules of any flag, in any environment, reference by key. */
export function segmentRoutes(deps: AppDeps) {
  const app = router();
  app.use("/api/segments", requireToken(deps, ["admin"]));
  app.use("/api/segments/*", requireToken(deps, ["admin"]));

  app.openapi(
    createRoute({
      method: "post",
      path: "/api/segments",
      summary: "Create a segment (shared by every environment)",
      request: body(CreateSegmentBody),
      responses: { 201: json(Segment, "The new segment"), ...errorResponses(400, 401, 403, 409) },
    }),
    async (c) => {
      const out = await createSegment(deps, c.req.valid("json"), { actor: actorOf(c.var.principal) });
      c.header("ETag", versionEtag(out.version));
      return c.json(out, 201);
    },
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/segments",
      summary: "Every segment, by key, with the rules that use it",
      responses: {
        200: json(z.object({ segments: z.array(Segment) }), "The segments"),
        ...errorResponses(401, 403),
      },
    }),
    async (c) =>
      c.json(
        {
          segments: await Promise.all(
            (await listSegments(deps.db)).map(async (s) =>
              toSegmentOut(s, await segmentUses(deps.db, s.key)),
            ),
          ),
        },
        200,
      ),
  );

  app.openapi(
    createRoute({
      method: "get",
      path: "/api/segments/{key}",
      summary: "A segment with the rules that use it",
      request: { params: KeyParam },
      responses: { 200: json(Segment, "The segment"), ...errorResponses(400, 401, 403, 404) },
    }),
    async (c) => {
      const { key } = c.req.valid("param");
      const row = await findSegment(deps.db, key);
      if (!row) throw problems.notFound(`segment \`${key}\` does not exist`);
      c.header("ETag", versionEtag(row.version));
      return c.json(toSegmentOut(row, await segmentUses(deps.db, key)), 200);
    },
  );

  app.openapi(
    createRoute({
      method: "patch",
      path: "/api/segments/{key}",
      summary: "Change a segment (If-Match: the version you read); every SDK gets it as one change",
      request: {
        params: KeyParam,
        headers: z.object({ "if-match": z.string().optional() }),
        ...body(UpdateSegmentBody),
      },
      responses: { 200: json(Segment, "The changed segment"), ...errorResponses(400, 401, 403, 404, 412) },
    }),
    async (c) => {
      const out = await updateSegment(deps, c.req.valid("param").key, c.req.valid("json"), {
        actor: actorOf(c.var.principal),
        expectedVersion: parseIfMatch(c.req.header("if-match")),
      });
      c.header("ETag", versionEtag(out.version));
      return c.json(out, 200);
    },
  );

  app.openapi(
    createRoute({
      method: "delete",
      path: "/api/segments/{key}",
      summary: "Delete a segment; refused (409, naming the flags) while a rule uses it",
      request: { params: KeyParam },
      responses: { 204: { description: "Deleted" }, ...errorResponses(400, 401, 403, 404, 409) },
    }),
    async (c) => {
      await deleteSegment(deps, c.req.valid("param").key, { actor: actorOf(c.var.principal) });
      return c.body(null, 204);
    },
  );

  return app;
}
