import fc from "fast-check";

// Requests for any operation of /openapi.json, as fast-check arbitraries: bodies built from the
// operation's own JSON schema, then mutated (fields dropped, retyped, added, made huge or deep),
// or replaced by any JSON or any text; path parameters from the ids that exist and from hostile
// strings; headers from every kind of token, content type and precondition.

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  additionalProperties?: boolean | JsonSchema;
}

export interface Operation {
  method: string;
  path: string;
  params: Array<{ in: string; name: string }>;
  body: JsonSchema | undefined;
  stream: boolean;
}

export interface OpenApiDoc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Array<{ in: string; name: string }>;
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        responses: Record<string, { content?: Record<string, unknown> }>;
      }
    >
  >;
  components: { schemas: Record<string, JsonSchema> };
}

export function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(item))
      ops.push({
        method: method.toUpperCase(),
        path,
        params: op.parameters ?? [],
        body: op.requestBody?.content?.["application/json"]?.schema,
        stream: Object.values(op.responses).some((r) => r.content?.["text/event-stream"] !== undefined),
      });
  return ops;
}

/** Strings a hostile or careless client sends. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "..",
    "../../etc/passwd",
    "%00",
    "\u0000",
    "null",
    "undefined",
    "__proto__",
    "constructor",
    "<script>",
    "' OR 1=1 --",
    "🚀",
    "a".repeat(5000),
    "-1",
    "1e400",
    "NaN",
  ),
);

/** A value that fits `schema`, more or less: the generator is the schema's, not a validator's. */
export function fromSchema(
  doc: OpenApiDoc,
  schema: JsonSchema,
  pools: Pools,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop()!;
    return fromSchema(doc, doc.components.schemas[name] ?? {}, pools, depth);
  }
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const alts = schema.anyOf ?? schema.oneOf;
  if (alts && alts.length > 0) return fc.oneof(...alts.map((s) => fromSchema(doc, s, pools, depth)));
  if (schema.allOf && schema.allOf.length > 0) return fromSchema(doc, schema.allOf[0]!, pools, depth);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (depth > 4) return fc.constant(null);
  switch (type) {
    case "boolean":
      return fc.boolean();
    case "integer":
      return fc.integer({ min: schema.minimum ?? -10, max: Math.min(schema.maximum ?? 1000, 1_000_000) });
    case "number":
      return fc.oneof(
        fc.double({ min: schema.minimum ?? -10, max: schema.maximum ?? 1000, noNaN: true }),
        fc.integer({ min: 0, max: 100 }),
      );
    case "string":
      return fc.oneof({ weight: 3, arbitrary: pools.word }, { weight: 1, arbitrary: nastyString });
    case "array":
      return fc.array(schema.items ? fromSchema(doc, schema.items, pools, depth + 1) : fc.jsonValue(), {
        maxLength: 4,
      });
    case "object":
    case undefined: {
      const props = Object.entries(schema.properties ?? {});
      if (props.length === 0) return fc.dictionary(pools.word, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 });
      const required = new Set(schema.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of props) record[k] = fromSchema(doc, s, pools, depth + 1);
      return fc.record(record, {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k) || k.length % 2 === 0),
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A body mutated the ways clients get bodies wrong. */
export function mutated(body: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  const deep = fc.integer({ min: 5, max: 2000 }).map((n) => {
    let v: unknown = 1;
    for (let i = 0; i < n; i++) v = { a: v };
    return v;
  });
  return fc
    .tuple(body, fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 3 }), deep, nastyString), nastyString)
    .map(([b, pick, value, key]) => {
      if (typeof b !== "object" || b === null || Array.isArray(b)) return value;
      const copy: Record<string, unknown> = { ...(b as Record<string, unknown>) };
      const keys = Object.keys(copy);
      const k = keys.length > 0 ? keys[pick % keys.length]! : key;
      switch (pick % 5) {
        case 0:
          delete copy[k];
          break;
        case 1:
          copy[k] = value;
          break;
        case 2:
          copy[key] = value;
          break;
        case 3:
          copy[k] = [copy[k], copy[k]];
          break;
        default:
          return [copy];
      }
      return copy;
    });
}

/** The ids and names the server knows, so a fair share of requests reach real rows. */
export interface Pools {
  word: fc.Arbitrary<string>;
  param: (name: string) => fc.Arbitrary<string>;
}

export function pools(known: Record<string, string[]>): Pools {
  const all = Object.values(known).flat();
  const word = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...all) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  );
  const hostile = nastyString.map((s) => (s.length % 3 === 0 ? s : encodeURIComponent(s)));
  return {
    word,
    param: (name) =>
      fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...(known[name] ?? all)) },
        { weight: 1, arbitrary: hostile },
      ),
  };
}
