import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./server/kernel/db/schema.ts",
  out: "./migrations",
});
