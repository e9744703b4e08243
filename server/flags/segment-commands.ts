import { eq } from "drizzle-orm";
import { type ChangeDeps, commitChange } from "../kernel/change/change-path.js";
import { type Db, single } from "../kernel/db/database.js";
import { environments, segments } from "../kernel/db/schema.js";
import { definedOnly } from "../kernel/defined-only.js";
import * as errors from "../kernel/errors.js";
import type { Actor } from "./flag-commands.js";
import { findSegment, segmentUses, toSegmentOut } from "./segment-rows.js";
import type { CreateSegmentInput, UpdateSegmentInput } from "./segment-schemas.js";

/**
 * Segments are shared by every environment, so each change touches the segment in every one:
 * one revision and one stream event per environment, carrying the segment. The flags that use
 * it are not re-sent; every SDK re-evaluates them against the new segment.
 */
async function everyEnvironment(tx: Db, segmentKey: string) {
  return (await tx.select({ key: environments.key }).from(environments)).map((e) => ({
    environment: e.key,
    segmentKey,
  }));
}

export async function createSegment(deps: ChangeDeps, input: CreateSegmentInput, { actor }: Actor) {
  return await commitChange(deps, async (tx, now) => {
    if (await findSegment(tx, input.key))
      throw errors.conflict(`a segment with key \`${input.key}\` already exists`);
    const row = await tx
      .insert(segments)
      .values({
        key: input.key,
        description: input.description ?? "",
        idAttribute: input.idAttribute ?? "userId",
        ids: [...new Set(input.ids ?? [])],
        conditions: input.conditions ?? [],
        version: 1,
        createdAt: now,
        updatedAt: now,
      })
      .returning()
      .then(single);
    const out = toSegmentOut(row, []);
    return {
      result: out,
      audit: [{ actor, action: "segment.created", after: out, detail: { segment: row.key } }],
      touched: await everyEnvironment(tx, row.key),
    };
  });
}

export interface SegmentPatchOptions extends Actor {
  /** The version the caller last saw (If-Match); another current version fails with 412. */
  expectedVersion?: number | undefined;
}

export async function updateSegment(
  deps: ChangeDeps,
  key: string,
  input: UpdateSegmentInput,
  { actor, expectedVersion }: SegmentPatchOptions,
) {
  return await commitChange(deps, async (tx, now) => {
    const before = await findSegment(tx, key);
    if (!before) throw errors.notFound(`segment \`${key}\` does not exist`);
    if (expectedVersion !== undefined && expectedVersion !== before.version)
      throw errors.stale(
        `segment \`${key}\` is at version ${before.version}, not ${expectedVersion}: read it again and retry`,
        { currentVersion: before.version },
      );
    const { ids, ...rest } = input;
    const after = await tx
      .update(segments)
      .set({
        ...definedOnly(rest),
        ...(ids !== undefined ? { ids: [...new Set(ids)] } : {}),
        version: before.version + 1,
        updatedAt: now,
      })
      .where(eq(segments.key, key))
      .returning()
      .then(single);
    const uses = await segmentUses(tx, key);
    const out = toSegmentOut(after, uses);
    return {
      result: out,
      audit: [
        {
          actor,
          action: "segment.updated",
          before: toSegmentOut(before, uses),
          after: out,
          detail: { segment: key },
        },
      ],
      touched: await everyEnvironment(tx, key),
    };
  });
}

/** Refused while any rule references the segment: those flags would fail closed for everyone. */
export async function deleteSegment(deps: ChangeDeps, key: string, { actor }: Actor) {
  return await commitChange(deps, async (tx) => {
    const before = await findSegment(tx, key);
    if (!before) throw errors.notFound(`segment \`${key}\` does not exist`);
    const uses = await segmentUses(tx, key);
    if (uses.length > 0) {
      const flags = [...new Set(uses.map((u) => u.flag))];
      throw errors.conflict(
        `segment \`${key}\` is used by ${flags.map((f) => `\`${f}\``).join(", ")} (${uses
          .map((u) => `${u.flag} in ${u.environment}`)
          .join(", ")}): remove it from those rules first (PATCH /api/flags/{key}/environments/{env})`,
        "segment-in-use",
        { flags, usedBy: uses },
      );
    }
    await tx.delete(segments).where(eq(segments.key, key));
    return {
      result: undefined,
      audit: [
        { actor, action: "segment.deleted", before: toSegmentOut(before, []), detail: { segment: key } },
      ],
      touched: await everyEnvironment(tx, key),
    };
  });
}
