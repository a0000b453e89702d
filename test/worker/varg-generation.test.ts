// AI generation, checked inside the Workers runtime against the fake providers (reached over
// the tests' outbound service at https://providers.test): what submit refuses, where keys go
// (nowhere but the sealed RenderJob), and the Generator's cache, retries and redaction.
import { beforeEach, describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { app } from "../../src/app.ts";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { Generator, GenerationRefused } from "../../src/generation/generator.ts";
import { openKeys, redact, sealKeys } from "../../src/generation/keys.ts";
import { ProviderError, type GenerationRequest } from "../../src/generation/types.ts";
import { createAccount, r2Keys } from "./helpers.ts";

interface FakeCall { provider: string; method: string; path: string; key: string | null; prompt?: string; submit?: boolean }

const fakeCalls = async (): Promise<FakeCall[]> => (await fetch("https://providers.test/__calls")).json();
const submits = async (provider?: string) => (await fakeCalls()).filter((c) => c.submit && (!provider || c.provider === provider));

beforeEach(async () => {
  await fetch("https://providers.test/__reset");
});

function submit(key: string, body: unknown) {
  return app.request(
    "/api/render",
    { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) },
    env,
  );
}

const scene = (inner: string, imports = "Render, Clip, Image, Video, Speech, Music, Captions") => `import { ${imports} } from "vargai/react";
import { fal, elevenlabs, openai, replicate } from "vargai/ai";
export default (
  <Render width={320} height={180} fps={10}>
    ${inner}
  </Render>
);`;

const SECRET = "fal-secret-KEY-0123456789abcdef";

describe("submit: generation that can never run is a 400 naming it", () => {
  it("an unknown model of a known provider", async () => {
    const { key } = await createAccount();
    const res = await submit(key, {
      code: scene(`<Clip duration={1}><Image prompt="a cat" model={fal.imageModel("no-such-model-9")} /></Clip>`),
      providerKeys: { fal: SECRET },
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; message: string };
    expect(body.error).toBe("Invalid render code");
    expect(body.message).toContain("<Image> in clip 1");
    expect(body.message).toContain("no-such-model-9");
  });

  it("a provider the service does not call, and a providerKeys name it does not know", async () => {
    const { key } = await createAccount();
    const code = scene(`<Clip duration={1}><Image prompt="a cat" model={fal.imageModel("flux-schnell")} /></Clip>`).replace("fal.imageModel", "acme.imageModel").replace("import { fal,", "import { acme, fal,");
    // An import of an unknown provider is refused by the sandbox already (only known globals exist).
    const refused = await submit(key, { code, providerKeys: { fal: SECRET } });
    expect(refused.status).toBe(400);
    const typo = await submit(key, { code: scene(`<Clip duration={1}><Image prompt="a cat" /></Clip>`), providerKeys: { fall: SECRET } });
    expect(typo.status).toBe(400);
    expect(((await typo.json()) as { message: string }).message).toMatch(/providerKeys\.fall: not a provider.*fal, /);
  });

  it("no key in strict mode names the provider and how to pass one; preview mode accepts it", async () => {
    const { key } = await createAccount();
    const code = scene(`<Clip duration={1}><Image prompt="a cat" /></Clip>`);
    const strict = await submit(key, { code });
    expect(strict.status).toBe(400);
    expect(((await strict.json()) as { message: string }).message).toMatch(/<Image> in clip 1: cannot generate image with fal model "nano-banana-pro": no fal key: pass providerKeys\.fal/);
    const preview = await submit(key, { code, mode: "preview" });
    expect(preview.status).toBe(202);
  });
});

describe("provider keys", () => {
  it("are sealed for one render: nothing in D1 or R2 holds them, the RenderJob's sealed copy opens only with that render's id", async () => {
    const { key } = await createAccount();
    const res = await submit(key, { code: scene(`<Clip duration={1}><Image prompt="a #ff0000 cat" /></Clip>`), providerKeys: { fal: SECRET } });
    expect(res.status).toBe(202);
    const { job_id } = (await res.json()) as { job_id: string };

    const rows = await env.DB.prepare("SELECT * FROM renders WHERE id = ?").bind(job_id).all();
    expect(JSON.stringify(rows.results)).not.toContain(SECRET);
    for (const k of await r2Keys()) {
      const text = await (await env.BUCKET.get(k))!.text();
      expect(text, k).not.toContain(SECRET);
    }
    const snapshot = await renderJob(env, job_id).snapshot();
    expect(JSON.stringify(snapshot)).not.toContain(SECRET);
    const sealed = await renderJob(env, job_id).secrets();
    expect(sealed).not.toBeNull();
    expect(sealed).not.toContain(SECRET);
    expect(await openKeys(env.SIGNING_SECRET, job_id, sealed!)).toEqual({ fal: SECRET });
    await expect(openKeys(env.SIGNING_SECRET, crypto.randomUUID(), sealed!)).rejects.toThrow();
  });

  it("redaction hides a key and its tail wherever a provider quotes it", () => {
    expect(redact(`bad key ${SECRET} (…${SECRET.slice(-8)})`, [SECRET])).toBe("bad key [redacted] (…[redacted])");
    expect(sealKeys).toBeTypeOf("function");
  });
});

const imageRequest = (prompt: string): GenerationRequest => ({ provider: "fal", kind: "image", model: "flux-schnell", prompt, images: [], aspectRatio: "16:9" });

describe("Generator", () => {
  it("caches by request per account: the same request again makes no provider call; another account pays its own", async () => {
    const keys = { fal: SECRET };
    const first = new Generator(env, "acct-cache-a", keys);
    const made = await first.generate(imageRequest("a #00ff00 field"));
    expect(made.cached).toBe(false);
    expect([...made.bytes.slice(1, 4)].map((c) => String.fromCharCode(c)).join("")).toBe("PNG");
    expect(await submits("fal")).toHaveLength(1);
    expect((await submits("fal"))[0]!.key).toBe(`Key ${SECRET}`);

    const again = await new Generator(env, "acct-cache-a", keys).generate(imageRequest("a #00ff00 field"));
    expect(again.cached).toBe(true);
    expect(again.hash).toBe(made.hash);
    expect(again.bytes).toEqual(made.bytes);
    expect(await submits("fal")).toHaveLength(1);

    await new Generator(env, "acct-cache-b", keys).generate(imageRequest("a #00ff00 field"));
    expect(await submits("fal")).toHaveLength(2);
    // A different prompt is a different request.
    await new Generator(env, "acct-cache-a", keys).generate(imageRequest("a #0000ff field"));
    expect(await submits("fal")).toHaveLength(3);
  });

  it("a request's own key wins over the deployment's secret", async () => {
    const withSecret = { ...env, FAL_KEY: "deployment-fal-key-000000" };
    await new Generator(withSecret, "acct-keys", {}).generate(imageRequest("deployment key #101010"));
    await new Generator(withSecret, "acct-keys", { fal: SECRET }).generate(imageRequest("own key #202020"));
    const keysSent = (await submits("fal")).map((c) => c.key);
    expect(keysSent).toEqual(["Key deployment-fal-key-000000", `Key ${SECRET}`]);
  });

  it("retries a 5xx and succeeds; a rate limit that persists ends as rate_limited; errors never carry the key", async () => {
    const g = new Generator(env, "acct-retry", { fal: SECRET });
    const ok = await g.generate(imageRequest("flaky [fake:500-once] #303030"));
    expect(ok.cached).toBe(false);
    expect(await submits("fal")).toHaveLength(2);

    const err = await g.generate(imageRequest("busy [fake:429]")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as ProviderError).category).toBe("rate_limited");
    expect((err as ProviderError).message).toMatch(/fal/);
    expect((err as ProviderError).message).not.toContain(SECRET);

    const quota = await g.generate(imageRequest("poor [fake:402]")).catch((e: unknown) => e);
    expect((quota as ProviderError).category).toBe("quota_exceeded");
    const slow = await g.generate(imageRequest("slow [fake:slow]")).catch((e: unknown) => e);
    expect((slow as ProviderError).category).toBe("timeout");
  }, 30_000);

  it("refuses an unknown model or a missing key before calling anyone", async () => {
    const g = new Generator(env, "acct-refuse", {});
    await expect(g.generate(imageRequest("no key"))).rejects.toBeInstanceOf(GenerationRefused);
    await expect(new Generator(env, "acct-refuse", { fal: SECRET }).generate({ ...imageRequest("x"), model: "no-such-model-9" })).rejects.toThrow(/no-such-model-9/);
    expect(await submits()).toHaveLength(0);
  });
});
