import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testApp } from "../helpers/app.js";
import { dialects } from "../helpers/postgres.js";

describe.each(await dialects())("archive and prerequisites on $dialect", ({ dialect }) => {
  let t: Awaited<ReturnType<typeof testApp>>;
  beforeEach(async () => {
    t = await testApp({ dialect });
  });
  afterEach(() => t.close());

  it("refuses to archive a flag another flag needs, naming it and where; archives once it is free", async () => {
    for (const key of ["parent", "child"]) await t.call("POST", "/api/flags", { key, type: "boolean" });
    const patched = await t.call("PATCH", "/api/flags/child/environments/staging", {
      prerequisites: [{ flag: "parent", variants: ["true"] }],
    });
    expect(patched.status).toBe(200);
    const refused = await t.call("POST", "/api/flags/parent/archive");
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toContain("`child` (staging)");
    expect(refused.body.dependents).toEqual([{ flag: "child", environments: ["staging"] }]);
    expect((await t.call("GET", "/api/flags/parent")).body.archived).toBe(false);

    await t.call("PATCH", "/api/flags/child/environments/staging", { prerequisites: [] });
    const archived = await t.call("POST", "/api/flags/parent/archive");
    expect(archived.status).toBe(200);
    expect(archived.body.archived).toBe(true);
  });
});
