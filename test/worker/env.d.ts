// Types `env` from cloudflare:test as the Worker's bindings plus the test-only migrations.
import type { D1Migration } from "cloudflare:test";
import type { Env as WorkerEnv } from "../../src/env.ts";

declare global {
  namespace Cloudflare {
    interface Env extends WorkerEnv {
      TEST_MIGRATIONS?: D1Migration[];
    }
  }
}
export {};
