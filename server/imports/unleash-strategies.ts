/**
 * One Unleash strategy as what Rollguard needs of it: the conjunctions of conditions under which
 * it applies (its constraints and its segments' constraints, multiplied out), the percentage it
 * enables, and the group id and stickiness it buckets by. Or why it cannot be stated.
 */
import type { Condition } from "../../sdk/core/types.js";
import { constraintConditions } from "./unleash-constraints.js";
import type { UnleashConstraint, UnleashStrategy, UnleashVariant } from "./unleash-export.js";

/** Conjunctions one strategy may multiply out to; beyond this the rules would not be readable. */
const MAX_ALTERNATIVES = 16;

export interface StrategyPlan {
  /** The strategy applies when any of these holds (an empty one: always). */
  alternatives: Condition[][];
  percentage: number;
  /** Only for a partial percentage: what users are bucketed by. */
  groupId: string;
  /** Unleash's stickiness name (`default`, `userId`, `sessionId`, a custom field, `random`). */
  stickiness: string;
  variants: UnleashVariant[];
  notes: string[];
}

const list = (raw: unknown) =>
  String(raw ?? "")
    .split(/\s*,\s*/)
    .map((v) => v.trim())
    .filter((v) => v !== "");

/** Every conjunction of one alternative per constraint (constraints are ANDed). */
function multiply(parts: Condition[][][]): Condition[][] | string {
  let out: Condition[][] = [[]];
  for (const alternatives of parts) {
    const next: Condition[][] = [];
    for (const a of out) for (const b of alternatives) next.push([...a, ...b]);
    if (next.length > MAX_ALTERNATIVES)
      return `its constraints multiply out to more than ${MAX_ALTERNATIVES} rules`;
    out = next;
  }
  return out;
}

export function strategyPlan(
  s: UnleashStrategy,
  featureName: string,
  segments: ReadonlyMap<number, { name: string; constraints?: UnleashConstraint[] | undefined }>,
): StrategyPlan | string {
  const p = s.parameters ?? {};
  const notes: string[] = [];
  const constraints: UnleashConstraint[] = [...(s.constraints ?? [])];
  for (const id of s.segments ?? []) {
    const segment = segments.get(id);
    if (!segment) return `segment ${id} is not in the export`;
    if (!segment.constraints)
      return `segment "${segment.name}" (${id}) has no constraints in the export: add them from Unleash's GET /api/admin/segments`;
    constraints.push(...segment.constraints);
  }
  const parts: Condition[][][] = [];
  for (const c of constraints) {
    const r = constraintConditions(c);
    if (typeof r === "string") return r;
    if (r.note && !notes.includes(r.note)) notes.push(r.note);
    parts.push(r.alternatives);
  }
  const multiplied = multiply(parts);
  if (typeof multiplied === "string") return multiplied;
  let alternatives = multiplied;
  let percentage = 100;
  let groupId = featureName;
  let stickiness = "default";
  const by = (attribute: string, values: string[]) => {
    alternatives = alternatives.map((a) => [...a, { attribute, operator: "in" as const, values }]);
  };

  switch (s.name) {
    case "default":
      break;
    case "flexibleRollout":
      percentage = Number(p.rollout ?? 100);
      groupId = String(p.groupId || featureName);
      stickiness = String(p.stickiness || "default");
      break;
    case "gradualRolloutUserId":
    case "gradualRolloutSessionId":
      percentage = Number(p.percentage ?? 0);
      // These two hash with an empty group id when none is set, not the feature's name.
      groupId = String(p.groupId ?? "");
      stickiness = s.name === "gradualRolloutUserId" ? "userId" : "sessionId";
      break;
    case "gradualRolloutRandom":
      percentage = Number(p.percentage ?? 0);
      stickiness = "random";
      break;
    case "userWithId": {
      const ids = list(p.userIds);
      if (ids.length === 0) alternatives = [];
      else by("userId", ids);
      break;
    }
    case "remoteAddress": {
      const ips = list(p.IPs);
      const exact: string[] = [];
      for (const ip of ips) {
        if (/^[0-9.]+$/.test(ip) || /^[0-9a-fA-F:]+$/.test(ip)) exact.push(ip);
        else return `remoteAddress: range ${ip} cannot be stated (no CIDR operator); list single addresses`;
      }
      if (exact.length === 0) alternatives = [];
      else by("remoteAddress", exact);
      break;
    }
    case "applicationHostname": {
      // Unleash compares the SDK process's host name; Rollguard only sees the context.
      const names = list(String(p.hostNames ?? "").toLowerCase());
      if (names.length === 0) alternatives = [];
      else
        alternatives = alternatives.map((a) => [
          ...a,
          { attribute: "hostname", operator: "in", values: names, caseInsensitive: true },
        ]);
      notes.push(
        "applicationHostname: Unleash reads the process's host name; send it as the context's `hostname`",
      );
      break;
    }
    default:
      return `strategy "${s.name}" has no Rollguard equivalent (custom strategies run code in Unleash's SDKs)`;
  }
  if (!(percentage >= 0 && percentage <= 100))
    return `${s.name}: rollout ${JSON.stringify(p.rollout ?? p.percentage)} is not a percentage`;
  return { alternatives, percentage, groupId, stickiness, variants: s.variants ?? [], notes };
}
