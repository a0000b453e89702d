import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { app } from "../../src/app.ts";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { createAccount, uploadProject } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string } };

function withEnv(vars: Record<string, string>) {
  const custom = { ...env, ...vars };
  return (key: string, path: string, init: RequestInit = {}) =>
    app.request(path, { ...init, headers: { "x-api-key": key, "content-type": "application/json", ...init.headers } }, custom);
}

describe("rate limits", () => {
  it("limits requests per minute per account, with X-RateLimit headers and Retry-After", async () => {
    const call = withEnv({ RATE_LIMIT_PER_MINUTE: "3" });
    const alice = await createAccount();
    const bob = await createAccount();
    for (let i = 0; i < 3; i++) {
      const res = await call(alice.key, "/v3/users/me");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-ratelimit-limit")).toBe("3");
      expect(res.headers.get("x-ratelimit-remaining")).toBe(String(2 - i));
    }
    const limited = await call(alice.key, "/v3/users/me");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await limited.json()) as ErrorBody).error.code).toBe("rate_limit_exceeded");
    // Another account has its own window.
    expect((await call(bob.key, "/v3/users/me")).status).toBe(200);
  });

  it("limits concurrent renders and releases the slot at every end", async () => {
    const call = withEnv({ MAX_CONCURRENT_RENDERS: "1" });
    const { key } = await createAccount();
    const assetId = await uploadProject(key);
    const submit = () =>
      call(key, "/v3/hyperframes/renders", { method: "POST", body: JSON.stringify({ project: { type: "asset_id", asset_id: assetId } }) });
    const idOf = async (res: Response) => ((await res.json()) as { data: { render_id: string } }).data.render_id;

    const first = await idOf(await submit());
    const blocked = await submit();
    expect(blocked.status).toBe(429);
    expect(((await blocked.json()) as ErrorBody).error.message).toMatch(/1 renders are already running/);

    await renderJob(env, first).fail("broken composition"); // failed
    const second = await idOf(await submit());
    await renderJob(env, second).complete({ key: "k", bytes: 1, frameCount: 1, duration: 1 }); // completed
    const third = await idOf(await submit());
    expect((await call(key, `/v3/hyperframes/renders/${third}`, { method: "DELETE" })).status).toBe(200); // deleted
    expect((await renderJob(env, third).snapshot()).status).toBe("failed");
    const fourth = await submit();
    expect(fourth.status).toBe(200);
  });
});
