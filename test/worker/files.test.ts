import { describe, expect, it } from "vitest";
import { env, SELF } from "cloudflare:test";
import { signedFileUrl } from "../../src/api/files.ts";

const KEY = "renders/hfr_test/output.mp4";
const BYTES = Uint8Array.from({ length: 1000 }, (_, i) => i % 251);

async function signed(now = Date.now()) {
  await env.BUCKET.put(KEY, BYTES, { httpMetadata: { contentType: "video/mp4" } });
  return signedFileUrl(env, "https://reelflare.test", KEY, now);
}

describe("signed download URLs", () => {
  it("download the whole file without an API key", async () => {
    const res = await SELF.fetch(await signed());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("video/mp4");
    expect(res.headers.get("accept-ranges")).toBe("bytes");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(BYTES);
  });

  it("serve byte ranges, suffix ranges and revalidate by ETag", async () => {
    const url = await signed();
    const part = await SELF.fetch(url, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe("bytes 100-199/1000");
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(BYTES.slice(100, 200));

    const tail = await SELF.fetch(url, { headers: { range: "bytes=-10" } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("content-range")).toBe("bytes 990-999/1000");
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(BYTES.slice(990));

    const etag = (await SELF.fetch(url, { method: "HEAD" })).headers.get("etag");
    expect(etag).toBeTruthy();
    const cached = await SELF.fetch(url, { headers: { "if-none-match": etag! } });
    expect(cached.status).toBe(304);
  });

  it("refuse a tampered, unsigned or expired URL", async () => {
    const url = new URL(await signed());
    const tampered = new URL(url);
    tampered.pathname = tampered.pathname.replace("hfr_test", "hfr_other");
    for (const bad of [tampered.toString(), `${url.origin}${url.pathname}`]) {
      const res = await SELF.fetch(bad);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("signature_invalid");
    }
    const sig = url.searchParams.get("sig")!;
    const flipped = new URL(url);
    flipped.searchParams.set("sig", (sig[0] === "A" ? "B" : "A") + sig.slice(1));
    expect((await SELF.fetch(flipped)).status).toBe(403);

    const expired = await signed(Date.now() - 2 * 3600 * 1000);
    const res = await SELF.fetch(expired);
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/expired/);
  });
});
