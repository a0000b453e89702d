import { defineConfig } from "drizzle-kit";

// `npm run db:generate` writes SQL migrations that wrangler (and the tests) apply to D1.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
});
