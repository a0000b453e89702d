// The BrowserPool Durable Object's bookkeeping: which idle browser is handed out, which are
// counted as available, and that the alarm forgets (and closes) the ones nobody took in time.
// Keeping real browsers warm and reusing them: test/e2e/browser-pool.test.ts.
import { env, runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { BrowserPool } from "../../src/jobs/browser-pool.ts";

const pool = (name: string) => env.BROWSER_POOL.get(env.BROWSER_POOL.idFromName(name));

describe("BrowserPool", () => {
  it("hands out the browser given back last, each once, and none about to close", async () => {
    const stub = pool("hand-out");
    await stub.give("older", 60_000);
    await new Promise((r) => setTimeout(r, 5));
    await stub.give("newer", 60_000);
    await stub.give("closing", 1_000); // closes before a taker could use it
    expect(await stub.available()).toBe(2);
    expect(await stub.take()).toBe("newer");
    expect(await stub.take()).toBe("older");
    expect(await stub.take()).toBeNull();
    expect(await stub.available()).toBe(0);
  });

  it("the alarm forgets browsers whose time is up and keeps the rest", async () => {
    const stub = pool("expiry");
    await stub.give("expired", 60_000);
    await stub.give("kept", 60_000);
    await runInDurableObject(stub, async (_instance: BrowserPool, state) => {
      const idle = (await state.storage.get<Record<string, number>>("idle"))!;
      idle.expired = Date.now() - 1;
      await state.storage.put("idle", idle);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.available()).toBe(1);
    expect(await stub.take()).toBe("kept");
    // Nothing left to wait for: no alarm set.
    expect(await runDurableObjectAlarm(stub)).toBe(false);
  });
});
