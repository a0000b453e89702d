// Signed events URLs: what a browser's `new EventSource(url)` opens. No key in the URL or the
// request, one render only, any origin, short-lived; each dialect's URL speaks that dialect.
import { describe, expect, it } from "vitest";
import { env, SELF } from "cloudflare:test";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { api, createAccount, createRender, uploadProject } from "./helpers.ts";
import { sseReader } from "../../scripts/lib/sse-reader.ts";

const SCENE = `import { Render, Clip, Title } from "vargai/react";
export default (<Render width={320} height={180} fps={10}><Clip duration={1}><Title>Hi</Title></Clip></Render>);`;

async function newRender(key: string) {
  const assetId = await uploadProject(key);
  const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, fps: 10 });
  return ((await res.json()) as { data: { render_id: string } }).data.render_id;
}

async function hyperframesEventsUrl(key: string, id: string) {
  const res = await api(key, `/v3/hyperframes/renders/${id}/events-url`);
  expect(res.status).toBe(200);
  expect(res.headers.get("cache-control")).toBe("no-store");
  return ((await res.json()) as { data: { url: string; expires_at: number } }).data;
}

/** Opens a URL as EventSource does: GET, `Accept: text/event-stream`, an Origin, no credentials. */
const openAsEventSource = (url: string, headers: Record<string, string> = {}) =>
  SELF.fetch(url, { headers: { accept: "text/event-stream", origin: "https://elsewhere.example", ...headers } });

describe("signed events URLs", () => {
  it("HyperFrames: a URL without the key streams that render's events to any origin", async () => {
    const { key } = await createAccount();
    const id = await newRender(key);
    const { url, expires_at } = await hyperframesEventsUrl(key, id);
    expect(url).not.toContain(key);
    expect(url).toMatch(new RegExp(`^https://reelflare\\.test/v1/events/hyperframes/${id}\\?exp=\\d+&sig=`));
    const ttl = expires_at - Date.now() / 1000;
    expect(ttl).toBeGreaterThan(240);
    expect(ttl).toBeLessThanOrEqual(300);

    const res = await openAsEventSource(url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const sse = sseReader(res);
    expect(await sse.next()).toMatchObject({ event: "status", data: { render_id: id, status: "queued", progress: 0 } });
    await renderJob(env, id).beginPlanning();
    expect(await sse.next()).toMatchObject({ event: "status", data: { status: "rendering" } });
    await renderJob(env, id).fail("stopped by the test");
    expect(await sse.next()).toMatchObject({ event: "status", data: { status: "failed", failure_message: "stopped by the test" } });
    expect(await sse.next()).toBeNull();
  });

  it("resumes after Last-Event-ID, as EventSource does when it reconnects", async () => {
    const { key } = await createAccount();
    const id = await newRender(key);
    const { url } = await hyperframesEventsUrl(key, id);
    const first = await sseReader(await openAsEventSource(url)).next();
    await renderJob(env, id).beginPlanning();
    const resumed = sseReader(await openAsEventSource(url, { "last-event-id": first!.id }));
    const next = await resumed.next();
    expect(Number(next!.id)).toBeGreaterThan(Number(first!.id));
    expect(next).toMatchObject({ data: { status: "rendering" } });
  });

  it("varg: the job's URL speaks varg (the poll JSON in `status` events)", async () => {
    const { key } = await createAccount();
    const submitted = await SELF.fetch("https://reelflare.test/api/render", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ code: SCENE }),
    });
    const { job_id } = (await submitted.json()) as { job_id: string };
    const res = await SELF.fetch(`https://reelflare.test/api/render/jobs/${job_id}/events-url`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    const { url, expires_at } = (await res.json()) as { url: string; expires_at: string };
    expect(url).toContain(`/v1/events/varg/${job_id}?`);
    expect(new Date(expires_at).getTime()).toBeGreaterThan(Date.now());
    const sse = sseReader(await openAsEventSource(url));
    expect(await sse.next()).toMatchObject({ event: "status", data: { job_id, status: "rendering", files: [] } });
  });

  it("reaches its own render only: another id, another dialect or a changed signature is refused", async () => {
    const { key } = await createAccount();
    const id = await newRender(key);
    const other = await newRender(key);
    const { url } = await hyperframesEventsUrl(key, id);
    for (const forged of [
      url.replace(id, other),
      url.replace("/hyperframes/", "/varg/"),
      url.replace(/sig=[^&]+/, "sig=AAAA"),
      url.replace(/exp=\d+/, (m) => `exp=${Number(m.slice(4)) + 3600}`),
      url.split("?")[0]!,
    ]) {
      const res = await openAsEventSource(forged);
      expect(res.status, forged).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("signature_invalid");
    }
  });

  it("expires: a URL issued longer ago than EVENTS_URL_TTL_SECONDS cannot be opened", async () => {
    const { signedEventsUrl } = await import("../../src/api/event-urls.ts");
    const { key } = await createAccount();
    const id = await newRender(key);
    const old = await signedEventsUrl(env, "https://reelflare.test", "hyperframes", id, Date.now() - 301_000);
    const res = await openAsEventSource(old.url);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });

  it("a deleted render's URL no longer streams, and only the owner can get a URL", async () => {
    const owner = await createAccount();
    const stranger = await createAccount("stranger");
    const id = await newRender(owner.key);
    expect((await api(stranger.key, `/v3/hyperframes/renders/${id}/events-url`)).status).toBe(404);
    expect((await api(null, `/v3/hyperframes/renders/${id}/events-url`)).status).toBe(401);
    const { url } = await hyperframesEventsUrl(owner.key, id);
    await api(owner.key, `/v3/hyperframes/renders/${id}`, { method: "DELETE" });
    expect((await openAsEventSource(url)).status).toBe(404);
  });
});
