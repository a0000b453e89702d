// `npm run faults`: fault drills on the local stack. Each fault is injected into a running
// render (or is the render: hostile compositions, a burst of 50) and the outcome is measured:
// did the render end as it must, how long from the fault until it moved on again (recovery) and
// until it ended, how many renders were lost (must be 0), and what processes were left behind.
// A measurement script, not a timed test: it prints a table and asserts nothing.
import { drillStack, capturesOf, type DrillStack } from "./lib/drill-stack.ts";
import type { RenderDetail } from "./lib/api-client.ts";
import { HOSTILE, hostileZip } from "../test/fixtures/hostile.ts";
import { secondsZip } from "../test/fixtures/seconds.ts";

// Short stall window and 1-second chunks: recovery shows in seconds, not minutes.
const DRILL_VARS = { STEP_STALL_MS: "25000", CHUNK_FRAMES: "10", MAX_CHUNKS: "16", MAX_CONCURRENT_RENDERS: "4", RATE_LIMIT_PER_MINUTE: "1000" };

interface Row {
  fault: string;
  outcome: string;
  recoverS: number | null;
  endS: number;
  lost: number;
  note: string;
}

const rows: Row[] = [];
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function startRender(d: DrillStack, zip: Uint8Array, fps = 10): Promise<string> {
  const { asset_id } = await d.client.uploadZip(zip);
  return (await d.client.createRender({ project: { type: "asset_id", asset_id }, fps })).render_id;
}

/** Waits until the render's progress reaches `atLeast` (or it ends). */
async function progressed(d: DrillStack, id: string, atLeast: number): Promise<RenderDetail> {
  for (;;) {
    const r = await d.client.getRender(id);
    if (r.progress >= atLeast || r.status === "completed" || r.status === "failed") return r;
    await sleep(150);
  }
}

/** Injects `fault` once the render is under way; measures recovery (progress beyond where it
 *  was) and the end. */
async function drill(d: DrillStack, name: string, fault: () => Promise<unknown>, renderSeconds = 6, note = ""): Promise<void> {
  const id = await startRender(d, secondsZip(renderSeconds));
  const before = await progressed(d, id, 0.25);
  const faultAt = Date.now();
  await fault();
  let recoveredAt: number | null = null;
  let render: RenderDetail;
  for (;;) {
    render = await d.client.getRender(id).catch(() => before);
    if (recoveredAt === null && render.progress > before.progress + 0.01) recoveredAt = Date.now();
    if (render.status === "completed" || render.status === "failed") break;
    await sleep(200);
  }
  const frames = render.status === "completed" ? ` ${render.frame_count} frames` : "";
  rows.push({
    fault: name,
    outcome: `${render.status}${frames}${render.failure_message ? `: ${render.failure_message}` : ""}`,
    recoverS: recoveredAt === null ? null : seconds(recoveredAt - faultAt),
    endS: seconds(Date.now() - faultAt),
    lost: render.status === "completed" && render.frame_count === renderSeconds * 10 ? 0 : 1,
    note,
  });
}

async function main(): Promise<void> {
  const d = await drillStack(DRILL_VARS);
  try {
    await drill(d, "encoder killed mid-render", () => d.stack.killEncoder(), 6);
    rows.at(-1)!.note = `encoder restarted ${d.stack.encoderRestarts()}×`;

    await drill(d, "browser killed mid-render", async () => {
      const browsers = (await d.stack.processes()).filter((p) => p.name.startsWith("chromium") && !p.command.includes("--type="));
      for (const b of browsers) process.kill(b.pid, "SIGKILL");
    });

    await drill(d, "service restarted mid-render", () => d.restart());

    // Cancel: delete a long render mid-capture; measure until its capture processes are gone.
    {
      const id = await startRender(d, secondsZip(60));
      await progressed(d, id, 0.05);
      const busy = (await d.stack.processes()).filter((p) => p.name === "ffmpeg" || p.command.includes("--type=renderer")).length;
      const at = Date.now();
      await d.client.request("DELETE", `/v3/hyperframes/renders/${id}`);
      let goneAt = Date.now();
      for (let i = 0; i < 100; i++) {
        const left = (await d.stack.processes()).filter((p) => p.name === "ffmpeg" || p.command.includes("--type=renderer")).length;
        goneAt = Date.now();
        if (left === 0) break;
        await sleep(200);
      }
      const next = await d.client.renderZip(secondsZip(1), { fps: 10 });
      rows.push({
        fault: "render deleted mid-capture",
        outcome: `capture stopped (${busy} capture processes → 0); next render ${next.status}`,
        recoverS: seconds(goneAt - at),
        endS: seconds(Date.now() - at),
        lost: next.status === "completed" ? 0 : 1,
        note: "recovery = until no renderer/FFmpeg of it runs",
      });
    }

    // Hostile compositions on a stack with the default chunking (the fixtures' expectations,
    // e.g. memory that grows over a whole chunk, assume it).
    const h = await drillStack({ STEP_STALL_MS: DRILL_VARS.STEP_STALL_MS });
    try {
      for (const [name, fixture] of Object.entries(HOSTILE)) {
        const at = Date.now();
        const id = await startRender(h, hostileZip(name), fixture.render.fps);
        const r = await h.client.waitForRender(id, () => {}, 300_000);
        const asExpected = r.status === fixture.expected.status && (!fixture.expected.failure || fixture.expected.failure.test(r.failure_message ?? ""));
        rows.push({
          fault: `hostile: ${fixture.does}`,
          outcome: `${r.status}${r.failure_message ? `: ${r.failure_message}` : ""}`,
          recoverS: null,
          endS: seconds(Date.now() - at),
          lost: asExpected ? 0 : 1,
          note: asExpected ? "as expected" : "NOT as expected",
        });
      }
    } finally {
      await h.dispose();
    }

    // Burst: 50 at once against a limit of 4.
    {
      const at = Date.now();
      const { asset_id } = await d.client.uploadZip(secondsZip(1));
      const answers = await Promise.all(
        Array.from({ length: 50 }, () =>
          d.client.request("POST", "/v3/hyperframes/renders", JSON.stringify({ project: { type: "asset_id", asset_id }, fps: 10 }), { "content-type": "application/json" }),
        ),
      );
      const accepted = await Promise.all(answers.filter((r) => r.ok).map(async (r) => ((await r.json()) as { data: { render_id: string } }).data.render_id));
      const refused = answers.filter((r) => r.status === 429 && r.headers.get("retry-after")).length;
      const done = await Promise.all(accepted.map((id) => d.client.waitForRender(id, () => {}, 300_000)));
      const completed = done.filter((r) => r.status === "completed").length;
      rows.push({
        fault: "burst: 50 renders at once, limit 4",
        outcome: `${accepted.length} accepted, ${refused} refused with 429 + Retry-After, ${completed} completed`,
        recoverS: null,
        endS: seconds(Date.now() - at),
        lost: accepted.length - completed,
        note: "",
      });
    }
  } finally {
    await d.dispose();
  }

  for (const mode of ["drop-capture-once", "duplicate"] as const) {
    const inj = await drillStack({ ...DRILL_VARS, FAULT_INJECTION: mode });
    try {
      const at = Date.now();
      const r = await inj.client.renderZip(secondsZip(3), { fps: 10 });
      const injected = inj.logs.filter((l) => l.includes("[fault]")).length;
      rows.push({
        fault: mode === "duplicate" ? "every delivery duplicated" : "every capture delivery lost once",
        outcome: `${r.status} ${r.frame_count} frames; ${injected} deliveries ${mode === "duplicate" ? "doubled" : "lost"}; chunks captured ${capturesOf(inj.logs, r.render_id)} of 3`,
        recoverS: null,
        endS: seconds(Date.now() - at),
        lost: r.status === "completed" && r.frame_count === 30 ? 0 : 1,
        note: mode === "duplicate" ? "no chunk captured twice" : "watchdog re-sends after 25 s",
      });
    } finally {
      await inj.dispose();
    }
  }

  console.log("\n| fault | outcome | recovered after | ended after | renders lost | note |\n|---|---|---|---|---|---|");
  for (const r of rows) {
    console.log(`| ${r.fault} | ${r.outcome.replaceAll("|", "/")} | ${r.recoverS === null ? "—" : `${r.recoverS} s`} | ${r.endS} s | ${r.lost} | ${r.note} |`);
  }
  console.log(`\nrenders lost: ${rows.reduce((n, r) => n + r.lost, 0)}`);
}

await main();
