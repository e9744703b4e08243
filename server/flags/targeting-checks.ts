import { eq, inArray } from "drizzle-orm";
import { PREREQUISITE_DEPTH_LIMIT } from "../../sdk/core/targeting-limits.js";
import type { Db } from "../kernel/db/database.js";
import { flagStates, flags, segments } from "../kernel/db/schema.js";
import * as errors from "../kernel/errors.js";
import type { PrerequisiteInput } from "./targeting-schemas.js";

/**
 * Write-time checks of what a flag state references, so a write that SDKs could only fail
 * closed on is refused instead: segments that do not exist, prerequisites on missing or archived
 * flags or variants they do not have, cycles, and chains deeper than the core evaluates.
 */

export async function checkRuleSegments(
  tx: Db,
  rules: ReadonlyArray<{ segments?: string[] | undefined }>,
): Promise<void> {
  const named = [...new Set(rules.flatMap((r) => r.segments ?? []))];
  if (named.length === 0) return;
  const found = new Set(
    (await tx.select({ key: segments.key }).from(segments).where(inArray(segments.key, named))).map(
      (s) => s.key,
    ),
  );
  rules.forEach((r, i) => {
    for (const key of r.segments ?? [])
      if (!found.has(key))
        throw errors.invalid(
          `rules.${i}.segments: segment \`${key}\` does not exist: create it first (POST /api/segments)`,
        );
  });
}

export async function checkPrerequisites(
  tx: Db,
  flagKey: string,
  environment: string,
  prerequisites: readonly PrerequisiteInput[],
): Promise<void> {
  for (const [i, p] of prerequisites.entries()) {
    if (p.flag === flagKey) throw errors.invalid(`prerequisites.${i}: a flag cannot be its own prerequisite`);
    const [flag] = await tx.select().from(flags).where(eq(flags.key, p.flag));
    if (!flag || flag.archivedAt !== null)
      throw errors.invalid(`prerequisites.${i}.flag: flag \`${p.flag}\` does not exist (or is archived)`);
    const keys = new Set((flag.variants as Array<{ key: string }>).map((v) => v.key));
    for (const v of p.variants)
      if (!keys.has(v))
        throw errors.invalid(
          `prerequisites.${i}.variants: \`${v}\` is not a variant of \`${p.flag}\` (it has ${[...keys].map((k) => `\`${k}\``).join(", ")})`,
        );
  }
  await checkPrerequisiteGraph(tx, flagKey, environment, prerequisites);
}

/** The environment's prerequisite edges with this flag's replaced by `next`. */
async function edgesWith(tx: Db, flagKey: string, environment: string, next: readonly PrerequisiteInput[]) {
  const edges = new Map<string, string[]>();
  const rows = await tx
    .select({ flag: flagStates.flagKey, prerequisites: flagStates.prerequisites })
    .from(flagStates)
    .where(eq(flagStates.environment, environment));
  for (const row of rows)
    if (row.prerequisites.length > 0)
      edges.set(
        row.flag,
        row.prerequisites.map((p) => p.flag),
      );
  edges.set(
    flagKey,
    next.map((p) => p.flag),
  );
  return edges;
}

async function checkPrerequisiteGraph(
  tx: Db,
  flagKey: string,
  environment: string,
  next: readonly PrerequisiteInput[],
): Promise<void> {
  const edges = await edgesWith(tx, flagKey, environment, next);
  // The longest chain below each flag, by depth-first search with an explicit path (cycles show
  // up as a flag already on it). Flags are few enough (thousands) for this on every write.
  const below = new Map<string, number>();
  const visit = (start: string): void => {
    const path: string[] = [];
    const onPath = new Set<string>();
    const stack: Array<{ flag: string; next: number }> = [{ flag: start, next: 0 }];
    path.push(start);
    onPath.add(start);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const children = edges.get(top.flag) ?? [];
      if (top.next < children.length) {
        const child = children[top.next++]!;
        if (onPath.has(child)) {
          const cycle = [...path.slice(path.indexOf(child)), child];
          throw errors.conflict(
            `prerequisites would make a cycle in \`${environment}\`: ${cycle.join(" → ")}: remove one of those prerequisites`,
            "prerequisite-cycle",
            { cycle },
          );
        }
        if (below.has(child)) continue;
        stack.push({ flag: child, next: 0 });
        path.push(child);
        onPath.add(child);
        continue;
      }
      let depth = 0;
      for (const child of children) depth = Math.max(depth, (below.get(child) ?? 0) + 1);
      below.set(top.flag, depth);
      stack.pop();
      path.pop();
      onPath.delete(top.flag);
    }
  };
  for (const flag of edges.keys()) if (!below.has(flag)) visit(flag);
  for (const [flag, depth] of below)
    if (depth > PREREQUISITE_DEPTH_LIMIT)
      throw errors.conflict(
        `prerequisites would chain ${depth} flags deep below \`${flag}\` in \`${environment}\`; at most ${PREREQUISITE_DEPTH_LIMIT}`,
        "prerequisite-depth",
        { flag, depth },
      );
}

/** Flags (per environment) whose prerequisites name `flagKey`: for refusing to archive it. */
export async function prerequisiteUses(
  tx: Db,
  flagKey: string,
): Promise<Array<{ flag: string; environment: string }>> {
  return (
    await tx
      .select({
        flag: flagStates.flagKey,
        environment: flagStates.environment,
        prerequisites: flagStates.prerequisites,
      })
      .from(flagStates)
  )
    .filter((r) => r.prerequisites.some((p) => p.flag === flagKey))
    .map((r) => ({ flag: r.flag, environment: r.environment }));
}
