// Lost and duplicated queue deliveries and a full restart of the service mid-render, on the
// real local stack: each render still completes with every frame, once. The drills use
// FAULT_INJECTION (src/jobs/fault-injection.ts) to lose or double deliveries, a short
// STEP_STALL_MS so the watchdog re-sends within seconds (25 s: long enough that a capture still
// opening its browser on a busy machine is not taken for dead), and 1-second chunks.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { capturesOf, drillStack, type DrillStack } from "../../scripts/lib/drill-stack.ts";
import type { RenderDetail } from "../../scripts/lib/api-client.ts";
import { expectColour, pixelAt, probeVideo } from "../support/media.ts";
import { colourAt, secondsZip } from "../fixtures/seconds.ts";

const FAST_RECOVERY = { STEP_STALL_MS: "25000", CHUNK_FRAMES: "10", MAX_CHUNKS: "16" };

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

async function drill(vars: Record<string, string>): Promise<DrillStack> {
  const d = await drillStack(vars);
  cleanups.push(() => d.dispose());
  return d;
}

async function expectEverySecond(render: RenderDetail, seconds: number): Promise<void> {
  expect(render.status, render.failure_message ?? "").toBe("completed");
  const file = path.join(os.tmpdir(), `recovery-${render.render_id}.mp4`);
  await fs.writeFile(file, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
  const info = await probeVideo(file);
  expect(info.frameCount).toBe(seconds * 10);
  for (let s = 0; s < seconds; s++) {
    // The authored colour of second s, within 2 levels (issue 12).
    expectColour(await pixelAt(file, s + 0.5, 160, 90), colourAt(s), `second ${s}`);
  }
  await fs.rm(file, { force: true });
}

describe("recovery", () => {
  it("lost capture deliveries are sent again by the watchdog and the render completes", async () => {
    const d = await drill({ ...FAST_RECOVERY, FAULT_INJECTION: "drop-capture-once" });
    const started = Date.now();
    const render = await d.client.renderZip(secondsZip(3), { fps: 10 });
    await expectEverySecond(render, 3);
    expect(d.logs.filter((l) => l.includes("[fault] dropped capture")).length).toBe(3);
    expect(capturesOf(d.logs, render.render_id)).toBe(3);
    console.log(`[recovery] lost deliveries: completed in ${Date.now() - started} ms`);
  });

  it("duplicated deliveries do no work twice", async () => {
    const d = await drill({ ...FAST_RECOVERY, FAULT_INJECTION: "duplicate" });
    const render = await d.client.renderZip(secondsZip(3), { fps: 10 });
    await expectEverySecond(render, 3);
    expect(d.logs.some((l) => l.includes("[fault] duplicated capture"))).toBe(true);
    // Every chunk captured exactly once although each capture was delivered twice.
    expect(capturesOf(d.logs, render.render_id)).toBe(3);
  });

  it("a restart of the whole service mid-render: the render resumes from its ledger and completes", async () => {
    const d = await drill(FAST_RECOVERY);
    const { asset_id } = await d.client.uploadZip(secondsZip(6));
    const { render_id } = await d.client.createRender({ project: { type: "asset_id", asset_id }, fps: 10 });
    // Wait until some chunks are done and others are not.
    for (;;) {
      const r = await d.client.getRender(render_id);
      if (r.progress >= 0.3 || r.status !== "queued" && r.status !== "rendering") break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const stoppedAt = Date.now();
    await d.restart();
    const render = await d.client.waitForRender(render_id, () => {}, 180_000);
    await expectEverySecond(render, 6);
    console.log(`[recovery] restart: completed ${Date.now() - stoppedAt} ms after the service was stopped`);
  });
});
