// Limits the door cannot see: a composition whose length only its timeline knows, or whose size
// its script sets, is measured at planning and failed there, quickly, naming the limit — not
// captured for hours (src/render/plan.ts, src/renders/render-limits.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipSync, strToU8 } from "fflate";
import { bootStack, type E2EStack } from "./local-stack.ts";

// No data-duration: the timeline says it lasts a day.
const DAY_LONG_TIMELINE = `<!doctype html><html><body>
<div id="root" data-composition-id="day" data-width="320" data-height="180"></div>
<script>window.__timelines = { day: { duration: () => 86400, pause() {}, seek() {} } };</script>
</body></html>`;

// No size in the markup: the script makes the root 100000 px wide before the page is measured.
const SCRIPT_SIZED = `<!doctype html><html><body>
<div id="root" data-composition-id="wide" data-duration="1" data-no-timeline></div>
<script>const root = document.getElementById("root"); root.dataset.width = "100000"; root.dataset.height = "100";</script>
</body></html>`;

const zip = (html: string) => zipSync({ "index.html": strToU8(html) });

let stack: E2EStack;

beforeAll(async () => {
  stack = await bootStack();
});

afterAll(async () => {
  await stack?.dispose();
});

describe("limits measured at planning", () => {
  it("fails a composition whose timeline lasts a day, naming MAX_DURATION_SECONDS", async () => {
    const started = Date.now();
    const render = await stack.client.renderZip(zip(DAY_LONG_TIMELINE));
    expect(render.status, stack.logs.slice(-20).join("\n")).toBe("failed");
    expect(render.failure_message).toMatch(/a duration of 86400 s is over the limit of 1800 s \(MAX_DURATION_SECONDS\)/);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("fails a composition its script sizes to 100000 px, naming MAX_WIDTH", async () => {
    const render = await stack.client.renderZip(zip(SCRIPT_SIZED));
    expect(render.status, stack.logs.slice(-20).join("\n")).toBe("failed");
    expect(render.failure_message).toMatch(/width 100000 px is over the limit of 7680 px \(MAX_WIDTH\)/);
  });
});
