// `npm run bench:generation`: the issue's measured scene — 3 generated images, 1 image-to-video
// fed by one of them, a speech with TikTok captions — rendered through the local stack's varg
// API against the fake providers (no keys, no network), twice: the first render generates, the
// second comes from the cache. Prints the time spent generating vs rendering (from the job's
// stage as polled every 100 ms, and the Worker's `[varg-generation]` log line) and the cached
// render's time. The fakes answer at once, so generation time here is our own overhead (queue
// protocol, downloads, probes, R2): a real provider adds its own minutes. It asserts nothing.
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import net from "node:net";
import { startLocalStack } from "./lib/local-stack.ts";
import { VargClient, type VargJob } from "./lib/varg-client.ts";
import { fakeProviderVars, serveFakeProviders } from "./fake-providers/hub.ts";

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const SCENE = `import { Render, Clip, Image, Video, Speech, Captions } from "vargai/react";
import { fal, elevenlabs } from "vargai/ai";
const hero = Image({ prompt: "a hero shot #f97316", model: fal.imageModel("flux-schnell") });
const voice = Speech({ model: elevenlabs.speechModel("eleven_multilingual_v2"), children: "three images one video and a voice with captions" });
export default (
  <Render width={1280} height={720} fps={30}>
    <Clip duration={2} transition={{ name: "fade", duration: 0.5 }}>{hero}</Clip>
    <Clip duration={2}><Image prompt="a wide landscape #0d9488" zoom="in" /></Clip>
    <Clip duration={2}><Image prompt="a close-up #7c3aed" /></Clip>
    <Clip duration={3}><Video prompt={{ text: "the hero moves #f97316", images: [hero] }} model={fal.videoModel("kling-v3")} /></Clip>
    <Captions src={voice} style="tiktok" color="#ffffff" activeColor="#facc15" withAudio />
  </Render>
);`;

const dir = await fs.mkdtemp(path.join(os.tmpdir(), "bench-generation-"));
const fakes = await serveFakeProviders(0);
const logs: string[] = [];
const stack = await startLocalStack({
  port: await freePort(),
  encoderPort: await freePort(),
  persistTo: path.join(dir, "state"),
  vars: { ...fakeProviderVars(fakes.url), PROVIDER_POLL_MS: "100", FAL_KEY: "bench-fake-key", ELEVENLABS_API_KEY: "bench-fake-key" },
  log: (line) => logs.push(line),
});

interface Timing {
  totalMs: number;
  generatingMs: number;
  renderingMs: number;
  providerCalls: number;
  job: VargJob;
}

async function measure(): Promise<Timing> {
  const varg = new VargClient(stack);
  const callsBefore = fakes.fakes.submits().length;
  const start = performance.now();
  const { job_id } = await varg.submit({ code: SCENE });
  let generatedAt: number | null = null;
  let job: VargJob;
  for (;;) {
    job = await varg.job(job_id);
    if (generatedAt === null && job.status === "rendering" && job.stage === "rendering") generatedAt = performance.now();
    if (job.status !== "rendering") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const end = performance.now();
  if (job.status !== "completed") throw new Error(`${job.error_category}: ${job.error}`);
  generatedAt ??= end;
  return { totalMs: end - start, generatingMs: generatedAt - start, renderingMs: end - generatedAt, providerCalls: fakes.fakes.submits().length - callsBefore, job };
}

try {
  const first = await measure();
  const cached = await measure();
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const row = (name: string, t: Timing) => `| ${name} | ${s(t.totalMs)} | ${s(t.generatingMs)} | ${s(t.renderingMs)} | ${t.providerCalls} |`;
  console.log("\n| render | total | generating (polled) | rendering | provider calls |\n|---|---|---|---|---|");
  console.log(row("first (generates)", first));
  console.log(row("second (cached)", cached));
  console.log(`\ncached / first: ${(cached.totalMs / first.totalMs).toFixed(2)}×; generation share of the first render: ${((first.generatingMs / first.totalMs) * 100).toFixed(0)} %`);
  for (const line of logs.filter((l) => l.includes("[varg-generation]"))) console.log(line.replace(/^.*\[varg-generation\]/, "worker: [varg-generation]"));
  console.log(`files: ${first.job.files.map((f) => `${f.metadata.type}:${f.metadata.model}`).join(", ")}`);
} finally {
  await stack.stop();
  await fakes.close();
  await fs.rm(dir, { recursive: true, force: true });
}
