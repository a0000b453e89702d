// Warm browsers (src/jobs/browser-pool.ts): a step that ended well leaves its browser open for
// BROWSER_WARM_S, the next step takes it instead of launching one, and what one render's page
// stored is not there for the next (each page has a browser context of its own). Unclaimed
// browsers are closed when their time is up. On the real local stack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { zipSync, strToU8 } from "fflate";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { expectColour, pixelAt } from "../support/media.ts";
import { isChromium } from "../../scripts/lib/stack-processes.ts";
import { chunkTimings } from "../../scripts/lib/chunk-timing.ts";

const WARM_S = 6;
const FRESH = [20, 160, 60];
const SEEN_BEFORE = [200, 30, 30];

/** 320×180, 1 s: green on a page that finds nothing in its storage, red on one that finds what
 *  an earlier page stored (localStorage, a cookie, IndexedDB). Then it stores its own. */
const composition = zipSync({
  "index.html": strToU8(`<!doctype html><html><head><style>html, body { margin: 0; }</style></head><body>
  <div id="root" data-composition-id="c" data-width="320" data-height="180" data-duration="1"
       style="width: 320px; height: 180px"></div>
  <script>
    const seen = localStorage.getItem("seen") !== null || document.cookie.includes("seen=");
    document.getElementById("root").style.background = seen ? "rgb(${SEEN_BEFORE})" : "rgb(${FRESH})";
    localStorage.setItem("seen", "1");
    document.cookie = "seen=1; max-age=3600; path=/";
  </script>
</body></html>`),
});


describe("warm browsers", () => {
  let stack: E2EStack;
  const timings = (renderId: string) => chunkTimings(stack.logs, renderId);

  async function renderOnce(): Promise<{ id: string; video: string }> {
    const render = await stack.client.renderZip(composition, { fps: 10, quality: "standard" });
    expect(render.status, render.failure_message ?? "").toBe("completed");
    const video = path.join(os.tmpdir(), `reelflare-pool-${render.render_id}.mp4`);
    await fs.writeFile(video, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
    return { id: render.render_id, video };
  }

  beforeAll(async () => {
    stack = await bootStack({ BROWSER_WARM_S: String(WARM_S), CHUNK_FRAMES: "100000" });
  });

  afterAll(async () => {
    await stack?.dispose();
  });

  it("the next render takes the browser the last one left, sees none of its storage, and the browser closes when unclaimed", async () => {
    const first = await renderOnce();
    // The plan step's browser (320×180 is not its size) went back to the pool, and the chunk took it.
    expect(timings(first.id).map((t) => t.pooled)).toEqual([true]);
    expectColour(await pixelAt(first.video, 0.5, 160, 90), FRESH, "first render");
    expect((await stack.processes()).some(isChromium), "a browser is kept warm").toBe(true);

    const second = await renderOnce();
    expect(timings(second.id).map((t) => t.pooled)).toEqual([true]);
    // Same browser, same origin: without a context of its own the page would find "seen".
    expectColour(await pixelAt(second.video, 0.5, 160, 90), FRESH, "second render, in a reused browser");
    const launches = stack.logs.filter((l) => /\[chunk-timing\]/.test(l) && /"pooled":false/.test(l));
    expect(launches).toEqual([]);

    // Nobody takes it: closed WARM_S after the last step, by the pool's alarm.
    const released = Date.now();
    const deadline = released + (WARM_S + 10) * 1000;
    while ((await stack.processes()).some(isChromium) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const closedAfterS = (Date.now() - released) / 1000;
    console.log(`[pool] the idle browser closed ${closedAfterS.toFixed(1)} s after the last render`);
    expect((await stack.processes()).filter(isChromium)).toEqual([]);
  });
});
