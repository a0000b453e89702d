// Frames that cannot differ from the previous one are reused, not captured (issue 13): the
// page driver's seek() says a pose is unchanged. Checked in Chromium, pose by pose, for each
// kind of motion a composition has — and, where it says "unchanged", the screenshot really is
// identical to the previous one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { createHash } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { CdpPage } from "../../scripts/lib/cdp-browser.ts";
import { projectRoot } from "../../scripts/lib/paths.ts";
import { pageDriverSource } from "../../src/render/page-driver.ts";

const HEAD = `<meta charset="utf-8"><style>html, body { margin: 0; } #root { position: relative; width: 320px; height: 180px; background: #102040; overflow: hidden; }
  .box { position: absolute; top: 40px; width: 60px; height: 60px; background: #f0c020; }</style><script src="gsap.min.js"></script>`;
const page = (body: string, script = "") =>
  `<!doctype html><html><head>${HEAD}</head><body><div id="root" data-composition-id="c" data-width="320" data-height="180" data-duration="4">${body}</div><script>${script}</script></body></html>`;

const PAGES: Record<string, string> = {
  // A GSAP tween from 1 to 2 s; held before and after.
  "gsap.html": page(`<div class="box" id="b"></div>`, `const tl = gsap.timeline({ paused: true }); tl.to("#b", { x: 200, duration: 1 }, 1); tl.set({}, {}, 4); window.__timelines = { c: tl };`),
  // A CSS animation from 1 to 2 s (delay), both fill modes.
  "css.html": page(`<div class="box" style="animation: m 1s linear 1s both"></div><style>@keyframes m { from { left: 0px; } to { left: 200px; } }</style>`, `window.__timelines = {};`),
  // A clip that enters at 1 s and leaves at 2 s; nothing else moves.
  "clip.html": page(`<div class="box" data-start="1" data-duration="1"></div>`, `window.__timelines = {};`),
  // A canvas drawn from requestAnimationFrame with the frame's time.
  "canvas.html": page(
    `<canvas id="k" width="320" height="180"></canvas>`,
    `const g = document.getElementById("k").getContext("2d");
     (function draw(now) { g.fillStyle = "#000"; g.fillRect(0, 0, 320, 180); g.fillStyle = "#fff"; g.fillRect(now / 20, 40, 40, 40); requestAnimationFrame(draw); })(0);
     window.__timelines = {};`,
  ),
  // GSAP drawing on a canvas through onUpdate (no DOM change at all).
  "gsap-canvas.html": page(
    `<canvas id="k" width="320" height="180"></canvas>`,
    `const g = document.getElementById("k").getContext("2d"); const o = { x: 0 };
     const tl = gsap.timeline({ paused: true }); tl.to(o, { x: 200, duration: 1, onUpdate() { g.clearRect(0, 0, 320, 180); g.fillStyle = "#fff"; g.fillRect(o.x, 40, 40, 40); } }, 1); tl.set({}, {}, 4);
     window.__timelines = { c: tl };`,
  ),
};

let server: http.Server;
let origin = "";
let browser: CdpPage;

beforeAll(async () => {
  const gsap = await fs.readFile(path.join(projectRoot, "node_modules/gsap/dist/gsap.min.js"));
  server = http.createServer((req, res) => {
    const name = path.basename(new URL(req.url ?? "/", "http://x").pathname);
    if (name === "gsap.min.js") return void res.writeHead(200, { "content-type": "text/javascript" }).end(gsap);
    const html = PAGES[name];
    if (!html) return void res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html" }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  browser = await CdpPage.launch();
  await browser.send("Emulation.setDeviceMetricsOverride", { width: 320, height: 180, deviceScaleFactor: 1, mobile: false });
  await browser.send("Page.addScriptToEvaluateOnNewDocument", { source: pageDriverSource(1) });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  server?.close();
});

/** Poses the page at each time; per pose: whether the driver said unchanged, and the picture's hash. */
async function poses(name: string, times: number[]): Promise<{ unchanged: boolean; picture: string }[]> {
  await browser.navigate(`${origin}/${name}`);
  await browser.evaluate("window.__reelflare.probe(1000)");
  const out = [];
  for (const t of times) {
    const unchanged = (await browser.evaluate(`window.__reelflare.seek(${t})`)) === "same";
    const { data } = await browser.send("Page.captureScreenshot", { format: "png" });
    out.push({ unchanged, picture: createHash("md5").update(data).digest("hex") });
  }
  return out;
}

// Before (0.2–0.8 s), during (1.2–1.8 s) and after (2.2–3.8 s) the motion, every 0.2 s.
const TIMES = [0.2, 0.4, 0.6, 0.8, 1.2, 1.4, 1.6, 1.8, 2.2, 2.4, 2.6, 3.8];
const MOVING = [false, false, false, false, true, true, true, true, true, false, false, false];

describe("frame reuse: the driver says when a pose cannot differ", () => {
  for (const name of ["gsap.html", "css.html"]) {
    it(`${name}: unchanged while held, changed while it moves`, async () => {
      const got = await poses(name, TIMES);
      // The first pose has nothing to compare with; the first after the motion ends still moved.
      expect(got.map((p) => !p.unchanged)).toEqual([true, ...MOVING.slice(1)]);
      // Never wrong the dangerous way: "unchanged" only where the picture is the same.
      got.forEach((p, i) => i > 0 && p.unchanged && expect(p.picture, `pose at ${TIMES[i]} s`).toBe(got[i - 1]!.picture));
      // And the motion really shows.
      expect(new Set(got.map((p) => p.picture)).size).toBeGreaterThan(4);
    });
  }

  it("clip.html: a clip entering or leaving is a change, its window otherwise held", async () => {
    const times = [0.2, 0.6, 1.2, 1.6, 2.2, 2.6];
    const got = await poses("clip.html", times);
    expect(got.map((p) => p.unchanged)).toEqual([false, true, false, true, false, true]);
    expect(got[2]!.picture).not.toBe(got[1]!.picture);
  });

  it("gsap-canvas.html: a canvas drawn by a tween's onUpdate is never reused while the tween moves", async () => {
    const got = await poses("gsap-canvas.html", TIMES);
    // GSAP's ticker runs an animation-frame callback every frame, and on a page with a canvas any
    // callback may have drawn: held frames are captured again too (safe, not cheaper).
    got.forEach((p, i) => MOVING[i] && expect(p.unchanged, `pose at ${TIMES[i]} s`).toBe(false));
    got.forEach((p, i) => i > 0 && p.unchanged && expect(p.picture, `pose at ${TIMES[i]} s`).toBe(got[i - 1]!.picture));
    expect(new Set(got.map((p) => p.picture)).size).toBeGreaterThan(4);
  });

  it("canvas.html: a canvas drawn from requestAnimationFrame is never reused", async () => {
    const got = await poses("canvas.html", [0.2, 0.4, 0.6, 0.8]);
    expect(got.every((p) => !p.unchanged)).toBe(true);
    expect(new Set(got.map((p) => p.picture)).size).toBe(4);
  });
});
