import { defineConfig } from "drizzle-kit";

// Migrations are generated SQL files that wrangler applies (`wrangler d1 migrations apply`).
export default defineConfig({
  dialect: "sqlite",
  schema: "./worker/db/schema.ts",
  out: "./migrations",
});
