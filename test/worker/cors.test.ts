// CORS on both APIs: only the configured origins, preflights answered before any key is asked
// for, and errors readable by the allowed page (a browser hides a response without the header).
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { app } from "../../src/app.ts";
import { createAccount } from "./helpers.ts";

const ALLOWED = "https://studio.example";

function call(corsOrigins: string) {
  const custom = { ...env, CORS_ALLOWED_ORIGINS: corsOrigins };
  return (path: string, init: RequestInit = {}) => app.request(path, init, custom);
}

function preflight(path: string, origin: string, method = "POST", headers = "x-api-key, content-type, idempotency-key") {
  return { method: "OPTIONS", headers: { origin, "access-control-request-method": method, "access-control-request-headers": headers } };
}

describe("CORS", () => {
  it.each([
    ["/v3/hyperframes/renders", "POST", "x-api-key, content-type, idempotency-key"],
    ["/api/render", "POST", "authorization, content-type"],
    ["/v3/hyperframes/renders/hfr_x", "DELETE", "x-api-key"],
  ])("answers the preflight of %s (%s) for an allowed origin, without a key", async (path, method, headers) => {
    const res = await call(`${ALLOWED}, https://other.example`)(path, preflight(path, ALLOWED, method, headers));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(res.headers.get("access-control-allow-methods")).toContain(method);
    const allowed = res.headers.get("access-control-allow-headers")!.split(",");
    for (const h of headers.split(", ")) expect(allowed).toContain(h);
    expect(res.headers.get("vary")).toContain("Origin");
  });

  it("gives an origin that is not allowed no CORS headers (the browser then blocks the call)", async () => {
    const res = await call(ALLOWED)("/v3/users/me", preflight("/v3/users/me", "https://evil.example", "GET", "x-api-key"));
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    const noConfig = await call("")("/v3/users/me", preflight("/v3/users/me", ALLOWED, "GET", "x-api-key"));
    expect(noConfig.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("lets an allowed page read answers and errors in the API's words, and the rate-limit headers", async () => {
    const { key } = await createAccount();
    const ok = await call(ALLOWED)("/v3/users/me", { headers: { origin: ALLOWED, "x-api-key": key } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(ok.headers.get("access-control-expose-headers")).toContain("x-ratelimit-remaining");

    const denied = await call(ALLOWED)("/api/jobs", { headers: { origin: ALLOWED } });
    expect(denied.status).toBe(401);
    expect(denied.headers.get("access-control-allow-origin")).toBe(ALLOWED);
    expect(await denied.json()).toMatchObject({ error: "Unauthorized" });
  });

  it('"*" allows any origin', async () => {
    const res = await call("*")("/api/render", preflight("/api/render", "https://anywhere.example"));
    expect(res.headers.get("access-control-allow-origin")).toBe("https://anywhere.example");
  });

  it("serves the OpenAPI document to any origin", async () => {
    const res = await call("")("/openapi.json", { headers: { origin: "https://editor.example" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
  });
});
