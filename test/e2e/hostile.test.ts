// Hostile and broken compositions on the real local stack (test/fixtures/hostile.ts): what
// cannot succeed fails within a bound, once, naming the step, the frame and the cause; dialogs
// and navigations are dismissed or refused, listed in the warnings, and the render completes
// with the right frames.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { expectColour, pixelAt } from "../support/media.ts";
import { HOSTILE, hostileZip } from "../fixtures/hostile.ts";
import { colourAt, secondsZip } from "../fixtures/seconds.ts";

let stack: E2EStack;
let tmp: string;

beforeAll(async () => {
  stack = await bootStack();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-hostile-"));
});

afterAll(async () => {
  await stack?.dispose();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

/** Chromium renderers of this file's own stack: processes descending from this one. */
async function ourRenderers(): Promise<number[]> {
  const table = new Map<number, { ppid: number; args: string }>();
  for (const entry of await fs.readdir("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await fs.readFile(`/proc/${entry}/stat`, "utf8");
      const args = (await fs.readFile(`/proc/${entry}/cmdline`, "utf8")).split("\0").join(" ");
      table.set(Number(entry), { ppid: Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]), args });
    } catch {
      // gone meanwhile
    }
  }
  const ours = (pid: number): boolean => pid === process.pid || (pid > 1 && ours(table.get(pid)?.ppid ?? 0));
  return [...table]
    .filter(([pid, p]) => p.args.includes("--type=renderer") && !p.args.includes("--top-chrome-webui") && ours(pid))
    .map(([pid]) => pid);
}

describe("hostile compositions", () => {
  for (const [name, fixture] of Object.entries(HOSTILE)) {
    const { expected } = fixture;
    it(`${name} (${fixture.does}): ${expected.status} within ${expected.withinSeconds} s`, async () => {
      const { asset_id } = await stack.client.uploadZip(hostileZip(name));
      const started = Date.now();
      const { render_id } = await stack.client.createRender({ project: { type: "asset_id", asset_id }, ...fixture.render });
      const render = await stack.client.waitForRender(render_id);
      const seconds = (Date.now() - started) / 1000;
      const warnings = (render.warnings ?? []) as string[];
      console.log(`[hostile] ${name}: ${render.status} after ${seconds.toFixed(1)} s: ${render.failure_message ?? JSON.stringify(warnings)}`);

      const context = `${render.failure_message}\n${stack.logs.slice(-15).join("\n")}`;
      expect(render.status, context).toBe(expected.status);
      if (expected.failure) expect(render.failure_message).toMatch(expected.failure);
      else expect(render.failure_message).toBeNull();
      expect(seconds).toBeLessThan(expected.withinSeconds);
      // Nothing was retried: the consumer logs every attempt it will retry.
      expect(stack.logs.filter((l) => l.includes(`render ${render_id}:`) && l.includes("failed (attempt"))).toEqual([]);
      for (const warning of expected.warnings ?? []) {
        expect(warnings.filter((w) => warning.test(w)), `${warning} once in ${JSON.stringify(warnings)}`).toHaveLength(1);
      }
      if (expected.pixel) {
        const file = path.join(tmp, `${name}.mp4`);
        await fs.writeFile(file, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
        const { t, x, y, rgb } = expected.pixel;
        // The page's authored colour, within 2 levels (issue 12).
        expectColour(await pixelAt(file, t, x, y), rgb, `${name} at ${t} s`);
      }
    });
  }

  it("a renderer killed mid-capture (not the page's doing) is retried, and the render completes", async () => {
    const { asset_id } = await stack.client.uploadZip(secondsZip(6));
    const started = Date.now();
    // 180 frames: a capture of several seconds, long enough to be interrupted.
    const { render_id } = await stack.client.createRender({ project: { type: "asset_id", asset_id }, fps: 30 });
    let killing: Promise<number[]> | null = null;
    const render = await stack.client.waitForRender(render_id, (r) => {
      if (killing || r.status !== "rendering" || r.progress <= 0) return;
      killing = ourRenderers().then((pids) => {
        for (const pid of pids) process.kill(pid, "SIGKILL");
        return pids;
      });
    });
    expect(await killing, "renderers killed").not.toHaveLength(0);
    expect(render.status, render.failure_message ?? "").toBe("completed");
    // Retried as the browser's fault: the consumer logged the failed attempt.
    const attempt = stack.logs.find((l) => l.includes(`render ${render_id}: capturing chunk 0 failed (attempt 1)`));
    expect(attempt).toMatch(/the page's renderer process crashed/);
    console.log(`[hostile] killed renderer: completed after ${((Date.now() - started) / 1000).toFixed(1)} s, retried once`);
    const file = path.join(tmp, "killed.mp4");
    await fs.writeFile(file, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
    for (let second = 0; second < 6; second++) {
      expectColour(await pixelAt(file, second + 0.5, 160, 90), colourAt(second), `second ${second}`);
    }
  });
});
