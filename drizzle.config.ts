import { defineConfig } from "drizzle-kit";

// SQLite, the default store: `npm run db:generate` makes both dialects' migrations.
export default defineConfig({
  dialect: "sqlite",
  schema: "./server/kernel/db/schema.ts",
  out: "./migrations/sqlite",
});
