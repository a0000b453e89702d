// Lost and duplicated queue deliveries and a full restart of the service mid-render, on the
// real local stack: each render still completes with every frame, once. The drills use
// FAULT_INJECTION (src/jobs/fault-injection.ts) to lose or double deliveries, a short
// STEP_STALL_MS so the watchdog re-sends within seconds, and 1-second chunks.
import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { startLocalStack, type LocalStack } from "../../scripts/lib/local-stack.ts";
import { ApiClient, type RenderDetail } from "../../scripts/lib/api-client.ts";
import { pixelAt, probeVideo } from "../support/media.ts";
import { colourAt, secondsZip } from "../fixtures/seconds.ts";

const FAST_RECOVERY = { STEP_STALL_MS: "10000", CHUNK_FRAMES: "10", MAX_CHUNKS: "16" };

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

interface Drill {
  stack: LocalStack;
  client: ApiClient;
  logs: string[];
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
});

/** A stack that can be stopped and started again on the same state and ports. */
async function drillStack(vars: Record<string, string>): Promise<Drill> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-recovery-"));
  const logs: string[] = [];
  const options = { port: await freePort(), encoderPort: await freePort(), persistTo: path.join(dir, "state"), vars, log: (l: string) => logs.push(l) };
  const drill: Drill = {
    stack: await startLocalStack(options),
    client: undefined as unknown as ApiClient,
    logs,
    async restart() {
      await drill.stack.stop();
      drill.stack = await startLocalStack(options);
      drill.client = new ApiClient(drill.stack);
    },
    async dispose() {
      await drill.stack.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  drill.client = new ApiClient(drill.stack);
  cleanups.push(() => drill.dispose());
  return drill;
}

async function expectEverySecond(drill: Drill, render: RenderDetail, seconds: number): Promise<void> {
  expect(render.status, render.failure_message ?? "").toBe("completed");
  const file = path.join(os.tmpdir(), `recovery-${render.render_id}.mp4`);
  await fs.writeFile(file, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
  const info = await probeVideo(file);
  expect(info.frameCount).toBe(seconds * 10);
  for (let s = 0; s < seconds; s++) {
    const px = await pixelAt(file, s + 0.5, 160, 90);
    for (let c = 0; c < 3; c++) expect(Math.abs(px[c]! - colourAt(s)[c]!), `second ${s}: ${px}`).toBeLessThanOrEqual(6);
  }
  await fs.rm(file, { force: true });
}

/** Chunks captured per render, from the capture's own timing lines. */
const capturesOf = (logs: string[], renderId: string) => logs.filter((l) => l.includes("[chunk-timing]") && l.includes(renderId)).length;

describe("recovery", () => {
  it("lost capture deliveries are sent again by the watchdog and the render completes", async () => {
    const drill = await drillStack({ ...FAST_RECOVERY, FAULT_INJECTION: "drop-capture-once" });
    const started = Date.now();
    const render = await drill.client.renderZip(secondsZip(3), { fps: 10 });
    await expectEverySecond(drill, render, 3);
    expect(drill.logs.filter((l) => l.includes("[fault] dropped capture")).length).toBe(3);
    expect(capturesOf(drill.logs, render.render_id)).toBe(3);
    console.log(`[recovery] lost deliveries: completed in ${Date.now() - started} ms`);
  });

  it("duplicated deliveries do no work twice", async () => {
    const drill = await drillStack({ ...FAST_RECOVERY, FAULT_INJECTION: "duplicate" });
    const render = await drill.client.renderZip(secondsZip(3), { fps: 10 });
    await expectEverySecond(drill, render, 3);
    expect(drill.logs.some((l) => l.includes("[fault] duplicated capture"))).toBe(true);
    // Every chunk captured exactly once although each capture was delivered twice.
    expect(capturesOf(drill.logs, render.render_id)).toBe(3);
  });

  it("a restart of the whole service mid-render: the render resumes from its ledger and completes", async () => {
    const drill = await drillStack(FAST_RECOVERY);
    const { asset_id } = await drill.client.uploadZip(secondsZip(6));
    const { render_id } = await drill.client.createRender({ project: { type: "asset_id", asset_id }, fps: 10 });
    // Wait until some chunks are done and others are not.
    for (;;) {
      const r = await drill.client.getRender(render_id);
      if (r.progress >= 0.3 || r.status !== "queued" && r.status !== "rendering") break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const stoppedAt = Date.now();
    await drill.restart();
    const render = await drill.client.waitForRender(render_id, () => {}, 180_000);
    await expectEverySecond(drill, render, 6);
    console.log(`[recovery] restart: completed ${Date.now() - stoppedAt} ms after the service was stopped`);
  });
});
