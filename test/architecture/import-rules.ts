import { dirname, join, normalize } from "node:path";

/**
 * The import rules of the codebase, checked from the source text alone (which file imports
 * which). docs/architecture.md states them for people; this file is what holds them.
 */

/** The server's features: each a folder that others may use only through its `index.ts`. */
export const FEATURES = [
  "health",
  "flags",
  "evaluation",
  "streaming",
  "metrics",
  "guard",
  "plans",
  "webhooks",
  "imports",
  "observability",
  "dashboard",
] as const;

/** Which feature's commands and queries own each table; the kernel may read and write any. */
export const TABLE_OWNERS: Record<string, string> = {
  flags: "flags",
  flagStates: "flags",
  flagUsage: "flags",
  segments: "flags",
  environments: "flags",
  metricBuckets: "metrics",
  guards: "guard",
  guardRuns: "guard",
  rolloutPlans: "plans",
  planEvents: "plans",
  scheduledChanges: "plans",
  webhooks: "webhooks",
};

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

type Zone =
  | { kind: "sdk"; name: "core" | "node" | "browser" }
  | { kind: "kernel" }
  | { kind: "feature"; name: string }
  | { kind: "server-root" }
  | { kind: "other" };

export function zoneOf(path: string): Zone {
  const parts = path.split("/");
  if (parts[0] === "sdk" && (parts[1] === "core" || parts[1] === "node" || parts[1] === "browser"))
    return { kind: "sdk", name: parts[1] };
  if (parts[0] !== "server") return { kind: "other" };
  if (parts.length === 2) return { kind: "server-root" };
  if (parts[1] === "kernel") return { kind: "kernel" };
  if ((FEATURES as readonly string[]).includes(parts[1]!)) return { kind: "feature", name: parts[1]! };
  return { kind: "other" };
}

/** Every module specifier a file imports or re-exports, static or dynamic, with the names it takes. */
export function importsOf(text: string): Array<{ spec: string; names: string[] }> {
  const out: Array<{ spec: string; names: string[] }> = [];
  const statement = /(?:^|\n)\s*(?:import|export)\s+(?:type\s+)?([\s\S]*?)\s+from\s+["']([^"']+)["']/g;
  for (const m of text.matchAll(statement)) {
    const names = [...(m[1] ?? "").matchAll(/(?:type\s+)?([A-Za-z_$][\w$]*)(?:\s+as\s+[\w$]+)?/g)].map(
      (n) => n[1]!,
    );
    out.push({ spec: m[2]!, names });
  }
  for (const m of text.matchAll(/(?:^|\n)\s*import\s+["']([^"']+)["']/g))
    out.push({ spec: m[1]!, names: [] });
  for (const m of text.matchAll(/import\(\s*["']([^"']+)["']\s*\)/g)) out.push({ spec: m[1]!, names: [] });
  return out;
}

/** The repository path a relative specifier names, with `.js` read as the `.ts` it is built from. */
function resolve(from: string, spec: string): string {
  return normalize(join(dirname(from), spec)).replace(/\.js$/, ".ts");
}

/** Checks every file (repository path → source text) against the rules; [] when all hold. */
export function checkImports(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  const featureEdges = new Map<string, Set<string>>();
  for (const [file, text] of files) {
    const zone = zoneOf(file);
    if (zone.kind === "other") continue;
    for (const { spec, names } of importsOf(text)) {
      const add = (rule: string) => violations.push({ file, imports: spec, rule });
      const relative = spec.startsWith(".");
      if (zone.kind === "sdk" && zone.name === "core" && !relative) {
        add("sdk/core imports nothing outside itself (no packages, no node:*)");
        continue;
      }
      if (!relative) continue;
      const target = resolve(file, spec);
      const to = zoneOf(target);
      if (zone.kind === "sdk") {
        const ok = to.kind === "sdk" && (to.name === zone.name || to.name === "core");
        if (!ok) add(`sdk/${zone.name} imports only itself and sdk/core`);
        continue;
      }
      if (to.kind === "sdk" && to.name !== "core")
        add("the server imports sdk/core only, never an SDK shell");
      if (to.kind === "server-root" && zone.kind !== "server-root")
        add("only the composition root (server/*.ts) imports the composition root");
      if (zone.kind === "kernel" && to.kind === "feature") add("kernel code never imports a feature");
      if (zone.kind === "feature" && to.kind === "feature" && to.name !== zone.name) {
        if (target !== `server/${to.name}/index.ts`)
          add(`a feature uses another only through its module (server/${to.name}/index.ts)`);
        const edges = featureEdges.get(zone.name) ?? new Set<string>();
        edges.add(to.name);
        featureEdges.set(zone.name, edges);
      }
      if (target === "server/kernel/db/schema.ts" && zone.kind === "feature") {
        for (const name of names) {
          const owner = TABLE_OWNERS[name];
          if (owner !== undefined && owner !== zone.name)
            add(`table \`${name}\` belongs to ${owner}: ask that feature's module instead`);
        }
      }
    }
  }
  for (const cycle of featureCycles(featureEdges))
    violations.push({
      file: `server/${cycle[0]}`,
      imports: cycle.join(" → "),
      rule: "features import no circle",
    });
  return violations;
}

/** Each circle in the feature graph once, as the path that closes it. */
function featureCycles(edges: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const walk = (node: string, path: string[]) => {
    const at = path.indexOf(node);
    if (at >= 0) {
      cycles.push([...path.slice(at), node]);
      return;
    }
    if (done.has(node)) return;
    for (const next of edges.get(node) ?? []) walk(next, [...path, node]);
    done.add(node);
  };
  for (const node of edges.keys()) walk(node, []);
  return cycles;
}
