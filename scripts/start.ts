// `npm start`: boots the service locally, renders the bundled examples through the public APIs
// like any client would (printing progress) — examples/hello through the HyperFrames dialect,
// examples/varg/scene.tsx through the varg dialect — saves the videos under renders/, then
// keeps serving until Ctrl-C.
import fs from "node:fs/promises";
import path from "node:path";
import { startLocalStack } from "./lib/local-stack.ts";
import { localStateDir, projectRoot } from "./lib/paths.ts";
import { zipDirectory } from "./lib/zip-dir.ts";
import { ApiClient } from "./lib/api-client.ts";
import { VargClient } from "./lib/varg-client.ts";
import { serveDirectory } from "./lib/static-server.ts";
import { fakeProviderVars, serveFakeProviders } from "./fake-providers/hub.ts";
import { printAbove, progressBar } from "./lib/progress-bar.ts";

const started = performance.now();
const port = Number(process.env.PORT ?? 8787);
const encoderPort = Number(process.env.ENCODER_PORT ?? port + 1);
// The varg example's media "CDN" (examples/varg/ over loopback http).
const mediaPort = Number(process.env.EXAMPLE_MEDIA_PORT ?? port + 2);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

// FAKE_PROVIDERS=1: AI generation offline, against the local stand-ins of fal, ElevenLabs, … (the
// ones the tests use), with placeholder deployment keys so prompts need no providerKeys.
const fakeProviders = process.env.FAKE_PROVIDERS === "1" ? await serveFakeProviders(Number(process.env.FAKE_PROVIDERS_PORT ?? port + 3)) : null;
const providerVars: Record<string, string> = fakeProviders
  ? {
      ...fakeProviderVars(fakeProviders.url),
      PROVIDER_POLL_MS: "200",
      ...Object.fromEntries(["FAL_KEY", "ELEVENLABS_API_KEY", "OPENAI_API_KEY", "REPLICATE_API_TOKEN", "GOOGLE_API_KEY", "HIGGSFIELD_API_KEY"].map((k) => [k, "local-fake-key"])),
    }
  : {};

// Ctrl-C or SIGTERM at any moment, even while booting, stops every process the stack started.
const booting = new AbortController();
let mediaServer: Awaited<ReturnType<typeof serveDirectory>> | null = null;
let shuttingDown = false;
const shutdown = async () => {
  if (shuttingDown) return;
  shuttingDown = true;
  booting.abort();
  // The stack first: its connections would hold the local servers' close open.
  await stackReady.then((s) => s.stop(), () => {});
  await mediaServer?.close().catch(() => {});
  await fakeProviders?.close().catch(() => {});
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

const stackReady = startLocalStack({
  signal: booting.signal,
  port,
  encoderPort,
  persistTo: localStateDir,
  vars: providerVars,
  // Quiet by default: errors, warnings and per-chunk capture timings only (VERBOSE=1 for all).
  log: process.env.VERBOSE
    ? undefined
    : (line) => {
        // Above a progress bar being drawn, not through it.
        if (/error|warn/i.test(line)) printAbove(line, process.stderr);
        else if (line.includes("[chunk-timing]")) printAbove(line.replace(/^.*\[chunk-timing\] \{[^}]*\} /, "  capture: "));
      },
});
// Stopped while booting: shutdown() exits once the stack is down.
const stack = await stackReady.catch((err) => (booting.signal.aborted ? new Promise<never>(() => {}) : Promise.reject(err)));
const bootMs = performance.now() - started;
console.log(`\nreelflare is serving at ${stack.apiUrl}  (ready ${seconds(bootMs)} s after start)`);
console.log(`API key (development account): ${stack.apiKey}`);
console.log(`  e.g. curl -H "x-api-key: ${stack.apiKey}" ${stack.apiUrl}/v3/users/me\n`);

mediaServer = await serveDirectory(path.join(projectRoot, "examples/varg"), mediaPort);

if (fakeProviders) console.log(`AI providers: local fakes at ${fakeProviders.url} (FAKE_PROVIDERS=1)\n`);

if (process.env.SKIP_EXAMPLE !== "1") {
  try {
    const client = new ApiClient(stack);
    const renderStarted = performance.now();
    const exampleDir = path.join(projectRoot, "examples/hello");
    const { asset_id } = await client.uploadZip(await zipDirectory(exampleDir), "hello.zip");
    const { render_id } = await client.createRender({
      project: { type: "asset_id", asset_id },
      fps: 30,
      quality: "standard",
      format: "mp4",
    });
    console.log(`rendering examples/hello as ${render_id}…`);
    const bar = progressBar("  hello");
    // Live progress from the render's event stream, as a client of the API would follow it.
    const render = await client.watchRender(render_id, (r) => bar.update({ status: r.status, progress: r.progress, etaSeconds: r.eta_seconds }));
    bar.done();
    if (render.status !== "completed" || !render.video_url) {
      throw new Error(`example render failed: ${render.failure_message}`);
    }
    const video = await fetch(render.video_url);
    const out = path.join(projectRoot, "renders", "hello.mp4");
    await fs.mkdir(path.dirname(out), { recursive: true });
    await fs.writeFile(out, new Uint8Array(await video.arrayBuffer()));
    console.log(
      `done in ${seconds(performance.now() - renderStarted)} s: ${path.relative(process.cwd(), out)} ` +
        `(${render.frame_count} frames, ${render.width}×${render.height}, ${render.duration} s)`,
    );
  } catch (err) {
    console.error(`example render did not complete: ${(err as Error).message}`);
  }
  try {
    await renderVargExample("scene.tsx", "varg.mp4");
  } catch (err) {
    console.error(`varg example render did not complete: ${(err as Error).message}`);
  }
  if (fakeProviders) {
    try {
      await renderVargExample("generated.tsx", "varg-generated.mp4");
    } catch (err) {
      console.error(`varg generation example did not complete: ${(err as Error).message}`);
    }
  }
}

/** POST /api/render with an examples/varg scene, poll like the seed's curl loop, save the mp4. */
async function renderVargExample(scene: string, output: string): Promise<void> {
  const varg = new VargClient(stack);
  const started = performance.now();
  const code = (await fs.readFile(path.join(projectRoot, "examples/varg", scene), "utf8")).replaceAll(
    "http://127.0.0.1:8789/",
    `http://127.0.0.1:${mediaPort}/`,
  );
  const { job_id } = await varg.submit({ code });
  console.log(`rendering examples/varg/${scene} as job ${job_id}…`);
  const bar = progressBar(`  ${scene}`);
  const job = await varg.waitForJob(job_id, (j) => {
    const note = j.stage === "generating" && j.generation ? `generating ${j.generation.done}/${j.generation.total}` : undefined;
    bar.update({ status: j.status, progress: j.progress, note });
  });
  bar.done();
  if (job.status !== "completed" || !job.output_url) throw new Error(`${job.error_category}: ${job.error}`);
  const video = await fetch(job.output_url);
  const out = path.join(projectRoot, "renders", output);
  await fs.mkdir(path.dirname(out), { recursive: true });
  await fs.writeFile(out, new Uint8Array(await video.arrayBuffer()));
  console.log(`done in ${seconds(performance.now() - started)} s: ${path.relative(process.cwd(), out)}`);
}
console.log(`\nstill serving at ${stack.apiUrl} — Ctrl-C to stop`);
