// The one-time setup (/v1/setup): the deployer's first API key from the deployed service, with
// the SETUP_SECRET chosen at deploy, once. This file's storage starts without any key, as a new
// deployment does.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { app } from "../../src/app.ts";

const SECRET = "correct-horse-battery-staple";

function call(vars: Record<string, string | undefined> = { SETUP_SECRET: SECRET }) {
  const custom = { ...env, ...vars };
  return {
    status: () => app.request("/v1/setup", {}, custom),
    setup: (body: unknown) =>
      app.request("/v1/setup", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, custom),
  };
}

type SetupError = { error: { code: string; message: string; param?: string } };

describe("one-time setup", () => {
  it("is closed on a deployment without SETUP_SECRET (or with a short one)", async () => {
    for (const vars of [{ SETUP_SECRET: undefined }, { SETUP_SECRET: "short" }]) {
      const c = call(vars);
      expect(await (await c.status()).json()).toEqual({ enabled: false, configured: false });
      const res = await c.setup({ setup_secret: "short", account_name: "me" });
      expect(res.status).toBe(404);
      expect(((await res.json()) as SetupError).error).toMatchObject({ code: "setup_closed", message: expect.stringMatching(/SETUP_SECRET/) });
    }
  });

  it("refuses a wrong secret, and an empty one", async () => {
    const c = call();
    expect(await (await c.status()).json()).toEqual({ enabled: true, configured: true });
    const wrong = await c.setup({ setup_secret: `${SECRET}!`, account_name: "me" });
    expect(wrong.status).toBe(401);
    expect(((await wrong.json()) as SetupError).error).toMatchObject({ message: "wrong setup secret", param: "setup_secret" });
    expect((await c.setup({ account_name: "me" })).status).toBe(400);
  });

  it("hands out a working key once, then closes itself", async () => {
    const c = call();
    const res = await c.setup({ setup_secret: SECRET, account_name: "Studio" });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { api_key: string; account_id: string; account_name: string };
    expect(created.api_key).toMatch(/^rf_[0-9a-z]{40}$/);
    expect(created.account_name).toBe("Studio");

    const me = await app.request("/v3/users/me", { headers: { "x-api-key": created.api_key } }, env);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ data: { account_id: created.account_id, name: "Studio" } });

    const again = await c.setup({ setup_secret: SECRET, account_name: "Other" });
    expect(again.status).toBe(410);
    expect(((await again.json()) as SetupError).error.message).toMatch(/already done/);
    expect(await (await c.status()).json()).toEqual({ enabled: false, configured: true });
  });

  it("gives one key to one of two racing requests", async () => {
    const { createFirstKey } = await import("../../src/setup/first-key.ts");
    await env.DB.prepare("DELETE FROM api_keys").run();
    const results = await Promise.all([createFirstKey(env, "a"), createFirstKey(env, "b"), createFirstKey(env, "c")]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const { n } = (await env.DB.prepare("SELECT count(*) AS n FROM api_keys").first<{ n: number }>())!;
    expect(n).toBe(1);
  });
});
