import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { app } from "../../src/app.ts";
import { checkOutboundUrl } from "../../src/lib/url-safety.ts";
import { MINIMAL_COMPOSITION, createAccount, createRender, zipOf } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string; param?: string } };

describe("outbound URL safety", () => {
  it.each([
    ["http://example.com/x", /https/],
    ["https://127.0.0.1/x", /private/],
    ["https://localhost:8080/x", /private/],
    ["https://10.1.2.3/x", /private/],
    ["https://192.168.0.10/x", /private/],
    ["https://172.20.0.1/x", /private/],
    ["https://169.254.169.254/latest/meta-data", /private/],
    ["https://[::1]/x", /private/],
    ["https://[fd00::1]/x", /private/],
    ["https://metadata.internal/x", /private/],
    ["https://user:pw@example.com/x", /credentials/],
  ])("refuses %s", (url, why) => {
    const check = checkOutboundUrl(url, false);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(why);
  });

  it("accepts public https, and loopback only when local URLs are allowed", () => {
    expect(checkOutboundUrl("https://cdn.reelflare.test/p.zip", false).ok).toBe(true);
    expect(checkOutboundUrl("http://127.0.0.1:9999/hook", false).ok).toBe(false);
    expect(checkOutboundUrl("http://127.0.0.1:9999/hook", true).ok).toBe(true);
    expect(checkOutboundUrl("http://10.0.0.1/hook", true).ok).toBe(false);
  });
});

describe("render projects given inline or by URL", () => {
  it("renders a base64 project, and refuses bad base64", async () => {
    const { key } = await createAccount();
    const zip = zipOf({ "index.html": MINIMAL_COMPOSITION });
    const data = btoa(String.fromCharCode(...zip));
    const ok = await createRender(key, { project: { type: "base64", media_type: "application/zip", data } });
    expect(ok.status).toBe(200);
    const bad = await createRender(key, { project: { type: "base64", media_type: "application/zip", data: "!!!not base64!!!" } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.param).toBe("project.data");
    const notZip = await createRender(key, { project: { type: "base64", media_type: "application/zip", data: btoa("hello") } });
    expect(((await notZip.json()) as ErrorBody).error).toMatchObject({ code: "hyperframes_project_invalid" });
  });

  it("fetches a url project, refusing private hosts, oversize bodies and error statuses", async () => {
    const { key } = await createAccount();
    // https://cdn.reelflare.test is served by test/fixtures/fake-cdn.ts.

    const ok = await createRender(key, { project: { type: "url", url: "https://cdn.reelflare.test/p.zip" } });
    expect(ok.status).toBe(200);
    const missing = await createRender(key, { project: { type: "url", url: "https://cdn.reelflare.test/missing.zip" } });
    expect(((await missing.json()) as ErrorBody).error).toMatchObject({ code: "hyperframes_project_invalid", param: "project.url" });
    const hop = await createRender(key, { project: { type: "url", url: "https://cdn.reelflare.test/hop.zip" } });
    expect(((await hop.json()) as ErrorBody).error.message).toMatch(/private/);
    const local = await createRender(key, { project: { type: "url", url: "https://127.0.0.1/p.zip" } });
    expect(((await local.json()) as ErrorBody).error).toMatchObject({ code: "invalid_parameter", param: "project.url" });

    const small = { ...env, MAX_PROJECT_BYTES: "1000" };
    const big = await app.request(
      "/v3/hyperframes/renders",
      {
        method: "POST",
        headers: { "x-api-key": key, "content-type": "application/json" },
        body: JSON.stringify({ project: { type: "url", url: "https://cdn.reelflare.test/big.zip" } }),
      },
      small,
    );
    expect(big.status).toBe(413);
  });

  it("refuses a callback_url over http or to a private address", async () => {
    const { key } = await createAccount();
    const zip = zipOf({ "index.html": MINIMAL_COMPOSITION });
    const data = btoa(String.fromCharCode(...zip));
    for (const callback_url of ["http://example.com/hook", "https://192.168.1.1/hook", "https://localhost/hook"]) {
      const res = await createRender(key, { project: { type: "base64", media_type: "application/zip", data }, callback_url });
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorBody).error).toMatchObject({ code: "invalid_parameter", param: "callback_url" });
    }
  });
});
