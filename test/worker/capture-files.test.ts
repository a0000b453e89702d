// The capture browser's view of a project: its own files only, under a signed per-render
// prefix, with byte ranges for media; and how page URLs map back to project files.
import { describe, expect, it } from "vitest";
import { env, SELF } from "cloudflare:test";
import { compositionPageUrl } from "../../src/render/capture-url.ts";
import { planAudio, projectPathOf } from "../../src/render/audio-plan.ts";

const SECRET = "test-signing-secret-0123456789abcdef";
const ORIGIN = "https://reelflare.test";
const MEDIA = Uint8Array.from({ length: 2000 }, (_, i) => i % 253);

async function pageUrl(assetId: string) {
  await env.BUCKET.put(`assets/${assetId}/files/index.html`, "<!doctype html>");
  await env.BUCKET.put(`assets/${assetId}/files/media/clip one.mp4`, MEDIA, { httpMetadata: { contentType: "video/mp4" } });
  return compositionPageUrl(SECRET, ORIGIN, { assetId, renderId: "hfr_capture", entry: "index.html" });
}

describe("capture files", () => {
  it("serves the project's files, in byte ranges for media", async () => {
    const page = await pageUrl("asset_cap1");
    expect((await SELF.fetch(page)).status).toBe(200);
    const media = new URL("media/clip%20one.mp4", page).href;
    const whole = await SELF.fetch(media);
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(MEDIA);
    const part = await SELF.fetch(media, { headers: { range: "bytes=1000-" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 1000-1999/2000");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(MEDIA.slice(1000));
    const beyond = await SELF.fetch(media, { headers: { range: "bytes=5000-6000" } });
    expect(beyond.status, beyond.headers.get("content-range") ?? "").toBe(416);
    expect(beyond.headers.get("content-range")).toBe("bytes */2000");
  });

  it("opens nothing else: another asset, a path out of the project, a forged token", async () => {
    const page = await pageUrl("asset_cap2");
    await env.BUCKET.put("assets/asset_other/files/secret.txt", "not yours");
    expect((await SELF.fetch(new URL("secret.txt", page))).status).toBe(404);
    const escape = await SELF.fetch(page.replace("/index.html", "/..%2F..%2Fasset_other%2Ffiles%2Fsecret.txt"));
    expect(escape.status).toBe(400);
    const forged = page.replace("asset_cap2", "asset_other").replace("index.html", "secret.txt");
    expect((await SELF.fetch(forged)).status).toBe(403);
  });

  it("maps the page's media URLs back to project files, and warns about the rest", async () => {
    const page = await pageUrl("asset_cap3");
    const base = page.slice(0, page.lastIndexOf("/") + 1);
    expect(projectPathOf(page, `${base}media/clip%20one.mp4?v=2`)).toBe("media/clip one.mp4");
    expect(projectPathOf(page, "https://cdn.example.com/a.mp3")).toBeNull();
    expect(projectPathOf(page, `${base}%2e%2e/x.mp3`)).toBeNull();
    const track = { start: 0, end: 1, mediaStart: 0, rate: 1, volume: 1, loop: false, fadeIn: 0, fadeOut: 0 };
    const { audio, warnings } = planAudio(page, [
      { ...track, src: `${base}music.mp3` },
      { ...track, src: "data:audio/wav;base64,AAAA" },
      { ...track, src: `${base}late.mp3`, start: 2, end: 2 }, // starts at the very end: nothing to mix
    ]);
    expect(audio).toEqual([{ ...track, path: "music.mp3" }]);
    expect(warnings).toEqual(["audio not mixed: data:audio/wav;base64,AAAA is not a file of the project"]);
  });
});
