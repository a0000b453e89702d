// Two projects: `worker` runs inside workerd with real local bindings (routes, DOs, queues,
// D1, R2); `node` runs the encoder server and the end-to-end renders on the local stack.
import path from "node:path";
import { defineConfig } from "vitest/config";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { FAKE_PROVIDER_BINDINGS, fakeCdn } from "./test/fixtures/fake-cdn.ts";

process.env.XDG_CACHE_HOME ??= path.resolve(".cache");
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= "false";
process.env.WRANGLER_SEND_METRICS ??= "false";

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            main: "./test/worker/test-entry.ts",
            miniflare: {
              bindings: {
                SIGNING_SECRET: "test-signing-secret-0123456789abcdef",
                TEST_MIGRATIONS: await readD1Migrations(path.resolve("migrations")),
                ...FAKE_PROVIDER_BINDINGS,
              },
              outboundService: fakeCdn,
            },
          })),
        ],
        test: {
          name: "worker",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["test/worker/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "node",
          environment: "node",
          include: ["test/encoder/**/*.test.ts", "test/providers/**/*.test.ts", "test/scripts/**/*.test.ts", "test/e2e/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // The e2e suites each boot a local stack; run files one at a time on 2 cores.
          fileParallelism: false,
        },
      },
    ],
  },
});
