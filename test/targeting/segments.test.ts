import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { FlagStore } from "../../sdk/core/index.js";
import { createClient, type RollguardClient } from "../../sdk/node/index.js";
import { dialects } from "../helpers/postgres.js";
import { api, startServer } from "../helpers/server.js";
import { createToken } from "../helpers/server-token.js";
import { openSse } from "../helpers/sse-reader.js";

const eu = { attribute: "country", operator: "in", values: ["DE", "FR"] };

describe.each(await dialects())(
  "segments through the admin API, the stream and a streaming Node SDK on $dialect",
  ({ dialect }) => {
    let server: Awaited<ReturnType<typeof startServer>>;
    let admin: ReturnType<typeof api>;
    let token: string;
    const clients: RollguardClient[] = [];

    beforeAll(async () => {
      server = await startServer({ dialect });
      admin = api(server.url);
      token = (await createToken(server.url)).token;
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((c) => c.close()));
    });
    afterAll(async () => {
      await server?.close();
    });

    it("creates, reads, changes (If-Match) and lists a segment", async () => {
      const created = await admin("POST", "/api/segments", {
        key: "crud",
        ids: ["a", "b", "a"],
        conditions: [eu],
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        key: "crud",
        idAttribute: "userId",
        ids: ["a", "b"],
        version: 1,
        usedBy: [],
      });
      expect((await admin("POST", "/api/segments", { key: "crud" })).status).toBe(409);
      const stale = await admin("PATCH", "/api/segments/crud", { ids: ["c"] }, { "if-match": '"7"' });
      expect(stale.status).toBe(412);
      const changed = await admin("PATCH", "/api/segments/crud", { ids: ["c"] }, { "if-match": '"1"' });
      expect(changed.body).toMatchObject({ ids: ["c"], version: 2 });
      const list = await admin("GET", "/api/segments");
      expect(list.body.segments.map((s: { key: string }) => s.key)).toContain("crud");
      expect((await admin("GET", "/api/segments/nope")).status).toBe(404);
    });

    it("refuses patterns that are not safe or not supported, and ids beyond the limit, saying why", async () => {
      const backref = await admin("POST", "/api/segments", {
        key: "bad-re",
        conditions: [{ attribute: "email", operator: "matches", values: ["(a)\\1"] }],
      });
      expect(backref.status).toBe(400);
      expect(backref.body.detail).toContain("backreferences");
      const long = await admin("POST", "/api/segments", {
        key: "bad-re",
        conditions: [{ attribute: "email", operator: "matches", values: ["a".repeat(300)] }],
      });
      expect(long.status).toBe(400);
      expect(long.body.detail).toContain("at most 256 characters");
      const ci = await admin("POST", "/api/segments", {
        key: "bad-ci",
        conditions: [{ attribute: "age", operator: "gt", values: [3], caseInsensitive: true }],
      });
      expect(ci.status).toBe(400);
      const many = await admin("POST", "/api/segments", {
        key: "too-many",
        ids: Array.from({ length: 10_001 }, (_, i) => `u${i}`),
      });
      expect(many.status).toBe(400);
      expect(many.body.detail).toContain("at most 10000 ids");
      expect((await admin("GET", "/api/segments/bad-re")).status).toBe(404);
    });

    it("refuses to delete a segment in use, naming the flags; deletes it once unused", async () => {
      expect((await admin("POST", "/api/segments", { key: "in-use", ids: ["x"] })).status).toBe(201);
      for (const key of ["uses-a", "uses-b"]) {
        await admin("POST", "/api/flags", { key, type: "boolean" });
        const patched = await admin("PATCH", `/api/flags/${key}/environments/staging`, {
          rules: [{ id: "seg", segments: ["in-use"], variant: "true" }],
        });
        expect(patched.status).toBe(200);
      }
      const seg = await admin("GET", "/api/segments/in-use");
      expect(seg.body.usedBy).toEqual([
        { flag: "uses-a", environment: "staging", rules: ["seg"] },
        { flag: "uses-b", environment: "staging", rules: ["seg"] },
      ]);
      const refused = await admin("DELETE", "/api/segments/in-use");
      expect(refused.status).toBe(409);
      expect(refused.body.detail).toContain("`uses-a`, `uses-b`");
      expect(refused.body.flags).toEqual(["uses-a", "uses-b"]);
      for (const key of ["uses-a", "uses-b"])
        await admin("PATCH", `/api/flags/${key}/environments/staging`, { rules: [] });
      expect((await admin("DELETE", "/api/segments/in-use")).status).toBe(204);
      expect((await admin("GET", "/api/segments/in-use")).status).toBe(404);
    });

    it("a segment key with `_` is found in the rules that use it (no LIKE wildcard), so it is not deleted", async () => {
      expect((await admin("POST", "/api/segments", { key: "in_use_too", ids: ["x"] })).status).toBe(201);
      // `in-use-too` would match `in_use_too` if `_` were a wildcard: it must not count as a use.
      expect((await admin("POST", "/api/segments", { key: "in-use-too", ids: ["y"] })).status).toBe(201);
      await admin("POST", "/api/flags", { key: "uses-underscore", type: "boolean" });
      const patched = await admin("PATCH", "/api/flags/uses-underscore/environments/production", {
        rules: [{ id: "u", segments: ["in_use_too"], variant: "true" }],
      });
      expect(patched.status).toBe(200);
      expect((await admin("GET", "/api/segments/in_use_too")).body.usedBy).toEqual([
        { flag: "uses-underscore", environment: "production", rules: ["u"] },
      ]);
      expect((await admin("DELETE", "/api/segments/in_use_too")).status).toBe(409);
      expect((await admin("GET", "/api/segments/in-use-too")).body.usedBy).toEqual([]);
      expect((await admin("DELETE", "/api/segments/in-use-too")).status).toBe(204);
    });

    it("a segment change is ONE stream event per environment, and the flag set download carries segments", async () => {
      await admin("POST", "/api/segments", { key: "one-change", ids: ["u1"] });
      await admin("POST", "/api/flags", { key: "uses-one", type: "boolean" });
      await admin("PATCH", "/api/flags/uses-one/environments/production", {
        rules: [{ segments: ["one-change"], variant: "true" }],
      });
      const sse = await openSse(`${server.url}/api/sdk/stream`, { authorization: `Bearer ${token}` });
      const put = await sse.next();
      expect(put?.event).toBe("put");
      const set = JSON.parse(put!.data);
      expect(set.segments.map((s: { key: string }) => s.key)).toContain("one-change");
      await admin("PATCH", "/api/segments/one-change", { ids: ["u1", "u2"] });
      const patch = await sse.next();
      expect(patch?.event).toBe("patch");
      expect(Number(patch!.id)).toBe(set.revision + 1);
      expect(JSON.parse(patch!.data)).toEqual({
        segment: { key: "one-change", idAttribute: "userId", ids: ["u1", "u2"], conditions: [], version: 2 },
      });
      expect(await sse.next(300)).toBeUndefined(); // the flag that uses it is not re-sent
      sse.close();

      // A client that missed it gets the same event replayed from the change log.
      const resumed = await openSse(`${server.url}/api/sdk/stream`, {
        authorization: `Bearer ${token}`,
        "last-event-id": String(set.revision),
      });
      const replayed = await resumed.next();
      expect({ event: replayed?.event, id: replayed?.id, data: replayed?.data }).toEqual({
        event: "patch",
        id: patch!.id,
        data: patch!.data,
      });
      resumed.close();

      const download = await fetch(`${server.url}/api/sdk/flags`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const store = new FlagStore(await download.json());
      expect(store.evaluate("uses-one", { userId: "u2" }, false).value).toBe(true);
    });

    it("a segment change reaches a streaming Node SDK, which re-evaluates the flags that use it", async () => {
      await admin("POST", "/api/segments", { key: "live", conditions: [eu] });
      await admin("POST", "/api/flags", { key: "live-parent", type: "boolean" });
      await admin("PATCH", "/api/flags/live-parent/environments/production", {
        rules: [{ segments: ["live"], variant: "true" }],
      });
      await admin("POST", "/api/flags", { key: "live-child", type: "boolean" });
      await admin("PATCH", "/api/flags/live-child/environments/production", {
        percentage: 100,
        prerequisites: [{ flag: "live-parent", variants: ["true"] }],
      });
      const sdk = createClient({ url: server.url, token, metrics: false });
      clients.push(sdk);
      expect(await sdk.ready()).toBe("ready");
      const us = { userId: "u7", country: "US" };
      expect(sdk.isEnabled("live-parent", us)).toBe(false);
      expect(sdk.evaluate("live-child", us, false)).toMatchObject({ value: false, reason: "DISABLED" });
      const revision = sdk.revision;
      const changed = new Promise<string[]>((resolve) => sdk.on("change", ({ keys }) => resolve(keys)));
      await admin("PATCH", "/api/segments/live", {
        conditions: [{ attribute: "country", operator: "in", values: ["DE", "FR", "US"] }],
      });
      expect((await changed).sort()).toEqual(["live-child", "live-parent"]);
      expect(sdk.revision).toBe(revision + 1);
      expect(sdk.isEnabled("live-parent", us)).toBe(true);
      expect(sdk.evaluate("live-child", us, false)).toMatchObject({ value: true, reason: "DEFAULT" });
    });
  },
);
