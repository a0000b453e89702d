// The dashboard in a real browser (the project's Chromium, driven over CDP as a person would
// use it): the page is served by the local stack's Worker (Workers Static Assets), signs in with
// a key, uploads examples/hello, shows progress advancing over SSE, and plays the finished video
// at the render's size; at desktop and phone width; then a pasted varg scene renders too.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { zipDirectory } from "../../scripts/lib/zip-dir.ts";
import { DashboardDriver, VIEWPORTS } from "../../scripts/lib/dashboard-driver.ts";
import { dashboardTour } from "../../scripts/lib/dashboard-tour.ts";

const VARG_SCENE = `import { Render, Clip, Title } from "vargai/react";
export default (
  <Render width={320} height={180} fps={10}>
    <Clip duration={1}><Title>From the dashboard</Title></Clip>
  </Render>
);`;

let stack: E2EStack;
let zipFile: string;

beforeAll(async () => {
  stack = await bootStack();
  zipFile = path.join(await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-dash-")), "hello.zip");
  await fs.writeFile(zipFile, await zipDirectory(path.resolve("examples/hello")));
});

afterAll(async () => {
  await stack?.dispose();
  if (zipFile) await fs.rm(path.dirname(zipFile), { recursive: true, force: true });
});

describe("dashboard", () => {
  it("serves its pages and assets from the Worker, and API paths still reach the API", async () => {
    for (const [page, marker] of [["/", "New render"], ["/reference", "API reference"], ["/setup", "First API key"]]) {
      const res = await fetch(`${stack.apiUrl}${page}`);
      expect(res.status, page).toBe(200);
      expect(await res.text()).toContain(marker);
    }
    const api = await fetch(`${stack.apiUrl}/v3/users/me`, { headers: { accept: "text/html" } });
    expect(api.status).toBe(401);
    expect(api.headers.get("content-type")).toMatch(/json/);
    expect((await fetch(`${stack.apiUrl}/tsconfig.json`)).status).toBe(404);
  });

  it.each([
    ["desktop", VIEWPORTS.desktop, true],
    ["phone", VIEWPORTS.phone, false],
  ] as const)("at %s width: key, upload, live progress, the video plays", async (_name, viewport, withVarg) => {
    const driver = await DashboardDriver.open(stack.apiUrl, viewport);
    try {
      const seen = await dashboardTour(driver, { apiKey: stack.apiKey, projectZip: zipFile, vargCode: withVarg ? VARG_SCENE : undefined });
      expect(seen.wrongKeyError).toBe("authentication_failed: Malformed API key: reelflare keys look like rf_followed by 40 characters".replace("rf_followed", "rf_ followed"));
      expect(seen.accountName).toBe("development");

      // Progress advanced through values strictly between the start and the end, in order.
      const between = seen.progress.filter((p) => p > 0 && p < 1);
      expect(between.length, `progress seen: ${seen.progress.join(", ")}`).toBeGreaterThanOrEqual(2);
      expect(between).toEqual([...between].sort((a, b) => a - b));
      expect(seen.progress.at(-1)).toBe(1);
      expect(seen.etas.some((e) => /left$/.test(e)), `ETAs seen: ${seen.etas.join(" | ")}`).toBe(true);

      const render = await stack.client.getRender(seen.renderId);
      expect(render).toMatchObject({ status: "completed", title: "Hello from the dashboard", quality: "draft" });
      expect(seen.video.error).toBeNull();
      expect({ width: seen.video.width, height: seen.video.height }).toEqual({ width: render.width, height: render.height });
      expect(seen.video.played[1]).toBeGreaterThan(seen.video.played[0]);
      expect(seen.listed).toBe(true);

      if (withVarg) {
        expect(seen.varg).toMatchObject({ status: "completed", videoWidth: 320 });
        expect(seen.varg!.stages.some((s) => s.startsWith("rendering"))).toBe(true);
      }
    } finally {
      await driver.close();
    }
  });

  it("a signed events URL opens with EventSource from a page on another origin", async () => {
    const { data } = (await (await stack.client.request("GET", "/v3/hyperframes/renders?limit=1")).json()) as { data: Array<{ render_id: string }> };
    const id = data[0]!.render_id;
    const { data: signed } = (await (await stack.client.request("GET", `/v3/hyperframes/renders/${id}/events-url`)).json()) as { data: { url: string } };
    // Another origin: a blank page served from another port.
    const other = http.createServer((_req, res) => res.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>elsewhere</title>"));
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
    const driver = await DashboardDriver.open(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`, VIEWPORTS.desktop);
    try {
      const first = await driver.evaluate<{ origin: string; event: string; data: { render_id: string; status: string } }>(`new Promise((resolve, reject) => {
        const events = new EventSource(${JSON.stringify(signed.url)});
        events.addEventListener("status", (e) => { events.close(); resolve({ origin: location.origin, event: e.type, data: JSON.parse(e.data) }); });
        events.onerror = () => { events.close(); reject(new Error("EventSource failed")); };
      })`);
      expect(first.origin).not.toBe(stack.apiUrl);
      expect(first).toMatchObject({ event: "status", data: { render_id: id } });
    } finally {
      await driver.close();
      other.close();
    }
  });

  it("deletes a render from the list after asking", async () => {
    const driver = await DashboardDriver.open(stack.apiUrl, VIEWPORTS.desktop);
    try {
      await driver.type("#api-key", stack.apiKey);
      await driver.press("Enter");
      const id = await driver.waitFor<string>("document.querySelector('#renders-table tr[data-render-id]')?.dataset.renderId", "a listed render");
      const row = `#renders-table tr[data-render-id="${id}"]`;
      await driver.activate(`${row} button:nth-of-type(2)`);
      expect(await driver.text(`${row} span`)).toBe("Delete?");
      expect((await stack.client.request("GET", `/v3/hyperframes/renders/${id}`)).status).toBe(200);
      await driver.activate(`${row} button`);
      await driver.waitFor(`!document.querySelector('${row}')`, "the row to go");
      expect((await stack.client.request("GET", `/v3/hyperframes/renders/${id}`)).status).toBe(404);
    } finally {
      await driver.close();
    }
  });
});
