import { getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as sqliteSchema from "../../server/kernel/db/schema.js";
import * as pgSchema from "../../server/kernel/db/schema-pg.js";

// Which PostgreSQL column types carry each SQLite column as its codec writes it (see schema-pg.ts).
const CARRIES: Record<string, string[]> = {
  SQLiteText: ["PgText"],
  SQLiteTextJson: ["PgText"],
  SQLiteBoolean: ["PgBoolean"],
  SQLiteInteger: ["PgInteger", "PgBigInt53", "PgBigSerial53"],
};

function describeSqlite(table: Parameters<typeof sqliteConfig>[0]) {
  const c = sqliteConfig(table);
  return {
    name: c.name,
    columns: c.columns.map((col) => ({ name: col.name, notNull: col.notNull, primary: col.primary })),
    primaryKeys: c.primaryKeys.map((pk) => pk.columns.map((col) => col.name)),
    indexes: c.indexes.map((i) => i.config.name).sort(),
    types: Object.fromEntries(c.columns.map((col) => [col.name, col.columnType])),
  };
}

function describePg(table: Parameters<typeof pgConfig>[0]) {
  const c = pgConfig(table);
  return {
    name: c.name,
    columns: c.columns.map((col) => ({ name: col.name, notNull: col.notNull, primary: col.primary })),
    primaryKeys: c.primaryKeys.map((pk) => pk.columns.map((col) => col.name)),
    indexes: c.indexes.map((i) => i.config.name ?? "").sort(),
    types: Object.fromEntries(c.columns.map((col) => [col.name, col.columnType])),
  };
}

describe("the two schemas", () => {
  it("declare the same tables under the same names", () => {
    expect(Object.keys(pgSchema).sort()).toEqual(Object.keys(sqliteSchema).sort());
  });

  for (const name of Object.keys(sqliteSchema)) {
    it(`${name}: the same columns, nullability, keys and indexes, in types that carry SQLite's codecs`, () => {
      const lite = describeSqlite(sqliteSchema[name as keyof typeof sqliteSchema]);
      const pg = describePg(pgSchema[name as keyof typeof pgSchema]);
      expect(pg.name).toBe(lite.name);
      expect(pg.columns).toEqual(lite.columns);
      expect(pg.primaryKeys).toEqual(lite.primaryKeys);
      expect(pg.indexes).toEqual(lite.indexes);
      for (const [column, type] of Object.entries(lite.types))
        expect(CARRIES[type], `${lite.name}.${column} (${type})`).toContain(pg.types[column]);
    });
  }
});
