import { type Column, type SQL, sql } from "drizzle-orm";

/**
 * `column` contains `text`, ignoring case, the same on both dialects. A bare LIKE does not: SQLite
 * has no escape character unless one is named (so `\_` matches a backslash and any character)
 * and ignores ASCII case, while PostgreSQL escapes with a backslash by default (so a `\` or `"`
 * in JSON text no longer matches itself) and minds case. Here `%`, `_` and `\` in `text` are
 * escaped under an explicit `ESCAPE '\'`, and both sides are lowered by the database's own
 * lower(), so a substring matches whatever the dialect.
 */
export function containsText(column: Column, text: string): SQL {
  const pattern = `%${text.replace(/[%_\\]/g, (ch) => `\\${ch}`)}%`;
  return sql`lower(${column}) like lower(${pattern}) escape '\\'`;
}
