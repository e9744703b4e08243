import { asc, eq } from "drizzle-orm";
import { containsText, type Db } from "../kernel/db/database.js";
import { flagStates, segments } from "../kernel/db/schema.js";
import type { SegmentOut, SegmentUseOut } from "./segment-schemas.js";

export type SegmentRow = typeof segments.$inferSelect;

export async function findSegment(db: Db, key: string): Promise<SegmentRow | undefined> {
  const [row] = await db.select().from(segments).where(eq(segments.key, key));
  return row;
}

export async function listSegments(db: Db): Promise<SegmentRow[]> {
  return await db.select().from(segments).orderBy(asc(segments.key));
}

/**
 * The rules that reference a segment, per flag and environment (archived flags included: they
 * could be restored). The JSON text narrows the rows; each candidate's rules are then read.
 */
export async function segmentUses(db: Db, key: string): Promise<SegmentUseOut[]> {
  const rows = await db
    .select({ flag: flagStates.flagKey, environment: flagStates.environment, rules: flagStates.rules })
    .from(flagStates)
    .where(containsText(flagStates.rules, JSON.stringify(key)))
    .orderBy(asc(flagStates.flagKey), asc(flagStates.environment));
  const uses: SegmentUseOut[] = [];
  for (const row of rows) {
    const rules = (row.rules as Array<{ id?: string; segments?: string[] }>).filter((r) =>
      r.segments?.includes(key),
    );
    if (rules.length > 0)
      uses.push({ flag: row.flag, environment: row.environment, rules: rules.map((r) => r.id ?? "") });
  }
  return uses;
}

export function toSegmentOut(row: SegmentRow, usedBy: SegmentUseOut[]): SegmentOut {
  return {
    key: row.key,
    description: row.description,
    idAttribute: row.idAttribute,
    ids: row.ids,
    conditions: row.conditions,
    version: row.version,
    createdAt: new Date(row.createdAt).toISOString(),
    updatedAt: new Date(row.updatedAt).toISOString(),
    usedBy,
  };
}
