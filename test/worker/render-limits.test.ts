// Limits at the door: a render's output width, height, pixels, duration and frame count have
// configured maximums, checked when it is created (a 400 naming the limit and the value) in
// both dialects, and again at planning for what only the page can tell (src/render/plan.ts).
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { app } from "../../src/app.ts";
import { configFrom } from "../../src/config.ts";
import { db } from "../../src/db/client.ts";
import { assets, renders } from "../../src/db/schema.ts";
import { limitProblem } from "../../src/renders/render-limits.ts";
import { toBase64 } from "../../src/lib/base64.ts";
import { createAccount, r2Keys, uploadProject, zipOf } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string; param?: string } };
type VargError = { error: string; message: string; field?: string };

async function storedState() {
  return {
    objects: await r2Keys(),
    assets: await db(env.DB).select().from(assets).all(),
    renders: await db(env.DB).select().from(renders).all(),
  };
}

const composition = (attrs: string) =>
  `<!doctype html><html><body><div data-composition-id="c" ${attrs}></div></body></html>`;

/** POST /v3/hyperframes/renders with the deployment's vars, some overridden. */
function hyperframes(key: string, body: unknown, vars: Record<string, string> = {}) {
  return app.request(
    "/v3/hyperframes/renders",
    { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify(body) },
    { ...env, ...vars },
  );
}

async function renderOf(attrs: string, request: Record<string, unknown> = {}, vars: Record<string, string> = {}) {
  const { key } = await createAccount();
  const assetId = await uploadProject(key, { "index.html": composition(attrs) });
  return hyperframes(key, { project: { type: "asset_id", asset_id: assetId }, ...request }, vars);
}

async function expectRefused(res: Response, message: string) {
  expect(res.status).toBe(400);
  expect(((await res.json()) as ErrorBody).error).toEqual({ code: "hyperframes_project_invalid", param: "composition", message });
}

describe("HyperFrames: the composition's declared size and length are checked at creation", () => {
  it("refuses a 100000×100000 composition, naming MAX_WIDTH and the width", async () => {
    await expectRefused(
      await renderOf('data-width="100000" data-height="100000" data-duration="1"'),
      "composition: width 100000 px is over the limit of 7680 px (MAX_WIDTH)",
    );
  });

  it("refuses a height over MAX_HEIGHT", async () => {
    await expectRefused(
      await renderOf('data-width="1080" data-height="9000" data-duration="1"'),
      "composition: height 9000 px is over the limit of 7680 px (MAX_HEIGHT)",
    );
  });

  it("refuses a frame of more than MAX_PIXELS, each side within its limit", async () => {
    await expectRefused(
      await renderOf('data-width="7680" data-height="7680" data-duration="1"'),
      "composition: a 7680×7680 frame (58982400 pixels) is over the limit of 33177600 pixels (MAX_PIXELS)",
    );
  });

  it("counts the 4k scale: 3840×2160 is 8K UHD at 4k (accepted), 4000×2250 is not", async () => {
    expect((await renderOf('data-width="3840" data-height="2160" data-duration="1"', { resolution: "4k" })).status).toBe(200);
    expect((await renderOf('data-width="4000" data-height="2250" data-duration="1"')).status).toBe(200);
    await expectRefused(
      await renderOf('data-width="4000" data-height="2250" data-duration="1"', { resolution: "4k" }),
      "composition: output width 8000 px (4000 px at scale 2) is over the limit of 7680 px (MAX_WIDTH)",
    );
  });

  it("refuses a day-long composition, naming MAX_DURATION_SECONDS", async () => {
    await expectRefused(
      await renderOf('data-width="320" data-height="240" data-duration="86400"'),
      "composition: a duration of 86400 s is over the limit of 1800 s (MAX_DURATION_SECONDS)",
    );
  });

  it("refuses more frames than MAX_FRAMES: 1000 s is fine at 30 fps, not at 240", async () => {
    expect((await renderOf('data-width="320" data-height="240" data-duration="1000"', { fps: 30 })).status).toBe(200);
    await expectRefused(
      await renderOf('data-width="320" data-height="240" data-duration="1000"', { fps: 240 }),
      "composition: 1000 s at 240 fps (240000 frames) is over the limit of 108000 frames (MAX_FRAMES)",
    );
  });

  it("follows the configured limits", async () => {
    const vars = { MAX_WIDTH: "400", MAX_DURATION_SECONDS: "10" };
    expect((await renderOf('data-width="400" data-height="240" data-duration="10"', {}, vars)).status).toBe(200);
    await expectRefused(
      await renderOf('data-width="401" data-height="240" data-duration="1"', {}, vars),
      "composition: width 401 px is over the limit of 400 px (MAX_WIDTH)",
    );
    await expectRefused(
      await renderOf('data-width="320" data-height="240" data-duration="10.5"', {}, vars),
      "composition: a duration of 10.5 s is over the limit of 10 s (MAX_DURATION_SECONDS)",
    );
  });

  it("lets a composition without a declared duration through: its timelines are measured at planning", async () => {
    expect((await renderOf('data-width="320" data-height="240"')).status).toBe(200);
  });

  it("a refused render leaves nothing: no render, no slot taken, and an inline project is removed", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const data = toBase64(zipOf({ "index.html": composition('data-width="100000" data-height="100" data-duration="1"') }));
    const res = await hyperframes(key, { project: { type: "base64", media_type: "application/zip", data } }, { MAX_CONCURRENT_RENDERS: "1" });
    expect(res.status).toBe(400);
    expect(await storedState()).toEqual(before);
    // The one concurrency slot is still free.
    const ok = zipOf({ "index.html": composition('data-width="320" data-height="240" data-duration="1"') });
    const accepted = await hyperframes(key, { project: { type: "base64", media_type: "application/zip", data: toBase64(ok) } }, { MAX_CONCURRENT_RENDERS: "1" });
    expect(accepted.status).toBe(200);
  });
});

function submitScene(key: string, body: Record<string, unknown>) {
  return app.request(
    "/api/render",
    { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) },
    env,
  );
}

const scene = (render: string, clips: string) => `import { Render, Clip, Video, Image } from "vargai/react";
export default (<Render ${render}>${clips}</Render>);`;
const videoClip = (seconds: number) => `<Clip duration={${seconds}}><Video src="https://media.example/a.mp4" /></Clip>`;

async function expectInvalidCode(res: Response, message: string) {
  expect(res.status).toBe(400);
  expect((await res.json()) as VargError).toEqual({ error: "Invalid render code", message, field: "code" });
}

describe("varg: the scene's <Render> size and clip lengths are checked at submit", () => {
  it("refuses <Render width={100000}> (the props' own range), and a width the props allow but MAX_WIDTH does not", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    const huge = await submitScene(key, { code: scene("width={100000} height={1080}", videoClip(1)) });
    expect(huge.status).toBe(400);
    expect((await huge.json()) as VargError).toMatchObject({ error: "Invalid render code", message: expect.stringMatching(/"width".*100000/) });
    await expectInvalidCode(
      await submitScene(key, { code: scene("width={8000} height={1080}", videoClip(1)) }),
      "scene: width 8000 px is over the limit of 7680 px (MAX_WIDTH)",
    );
    expect(await storedState()).toEqual(before);
  });

  it("refuses a frame over MAX_PIXELS", async () => {
    const { key } = await createAccount();
    await expectInvalidCode(
      await submitScene(key, { code: scene("width={7000} height={7000}", videoClip(1)) }),
      "scene: a 7000×7000 frame (49000000 pixels) is over the limit of 33177600 pixels (MAX_PIXELS)",
    );
  });

  it("refuses a scene of 2 hours of clips (120 one-minute clips)", async () => {
    const { key } = await createAccount();
    const before = await storedState();
    await expectInvalidCode(
      await submitScene(key, { code: scene("width={320} height={180}", Array.from({ length: 120 }, () => videoClip(60)).join("")) }),
      "scene: a duration of 7200 s is over the limit of 1800 s (MAX_DURATION_SECONDS)",
    );
    expect(await storedState()).toEqual(before);
  });

  it("counts known clips even when others take their length from media", async () => {
    const { key } = await createAccount();
    const unknown = `<Clip><Video src="https://media.example/a.mp4" /></Clip>`;
    await expectInvalidCode(
      await submitScene(key, { code: scene("width={320} height={180}", `${videoClip(3600)}${unknown}`) }),
      "scene: a duration of at least 3600 s is over the limit of 1800 s (MAX_DURATION_SECONDS)",
    );
  });

  it("refuses more frames than MAX_FRAMES (20 min at 120 fps)", async () => {
    const { key } = await createAccount();
    await expectInvalidCode(
      await submitScene(key, { code: scene("width={320} height={180} fps={120}", videoClip(1200)) }),
      "scene: 1200 s at 120 fps (144000 frames) is over the limit of 108000 frames (MAX_FRAMES)",
    );
  });

  it("does not count the length of a frames render (one still per clip)", async () => {
    const { key } = await createAccount();
    const stills = Array.from({ length: 120 }, () => `<Clip duration={60}><Image src="https://media.example/a.png" /></Clip>`).join("");
    expect((await submitScene(key, { code: scene("width={320} height={180}", stills), output: "frames" })).status).toBe(202);
  });
});

describe("planning: what only the page tells is checked against the same limits", () => {
  const limits = configFrom(env);

  it("a measured timeline of a day fails; the same at a sane length passes", () => {
    const facts = { width: 1920, height: 1080, scale: 1, fps: 30 };
    expect(limitProblem(limits, { ...facts, durationSeconds: 86_400 })).toMatchObject({
      limit: "MAX_DURATION_SECONDS",
      value: 86_400,
      max: 1800,
      message: "a duration of 86400 s is over the limit of 1800 s (MAX_DURATION_SECONDS)",
    });
    expect(limitProblem(limits, { ...facts, durationSeconds: 60 })).toBeNull();
  });

  it("a size set by script is checked at the output scale; an unknown size or length is not guessed", () => {
    expect(limitProblem(limits, { width: 5000, height: 100, scale: 2, durationSeconds: 1, fps: 30 })?.limit).toBe("MAX_WIDTH");
    expect(limitProblem(limits, { width: null, height: null, scale: 2, durationSeconds: null, fps: 30 })).toBeNull();
  });
});
