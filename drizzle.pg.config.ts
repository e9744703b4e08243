import { defineConfig } from "drizzle-kit";

// PostgreSQL (ROLLGUARD_DATABASE_URL): the twin of schema.ts, checked column by column by
// test/store/schema-twins.test.ts.
export default defineConfig({
  dialect: "postgresql",
  schema: "./server/kernel/db/schema-pg.ts",
  out: "./migrations/pg",
});
