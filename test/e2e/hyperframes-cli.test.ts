// The official `hyperframes` CLI (npm package, unchanged) against the local stack.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createRequire } from "node:module";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { d1Query } from "../../scripts/lib/d1-local.ts";
import { probeVideo } from "../support/media.ts";

const run = promisify(execFile);
const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve("hyperframes/package.json")), "bin/hyperframes.mjs");

// 320×180 (16:9), 1 s: small enough that every format renders in seconds.
const PROJECT = `<!doctype html><html><head><style>
  html, body { margin: 0; } #root { width: 320px; height: 180px; background: #2050d0; }
  h1 { margin: 0; color: white; font: 40px sans-serif; }
</style></head><body>
<div id="root" data-composition-id="cli" data-width="320" data-height="180" data-duration="1" data-no-timeline
  data-composition-variables='[{"id":"title","type":"string","default":"Hello"}]'>
  <h1 data-var-text="title">Hello</h1>
</div></body></html>`;

let stack: E2EStack;
let work: string;
let projectDir: string;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], {
      cwd: work,
      env: {
        ...process.env,
        HEYGEN_API_URL: stack.apiUrl,
        HEYGEN_API_KEY: stack.apiKey,
        HOME: work, // keep the CLI's config and telemetry state out of the real home
        HYPERFRAMES_NO_TELEMETRY: "1",
        NO_COLOR: "1",
      },
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
  }
}

async function cliJson<T>(args: string[]): Promise<T> {
  const result = await cli([...args, "--json"]);
  expect(result.code, result.stderr + result.stdout).toBe(0);
  return JSON.parse(result.stdout.slice(result.stdout.indexOf("{"))) as T;
}

const count = async (table: string) =>
  Number((await d1Query<{ n: number }>({ persistTo: stack.persistTo }, `SELECT count(*) AS n FROM ${table}`))[0]?.n);

type RenderOut = { render: { render_id: string; status: string; format: string }; output_path: string };

beforeAll(async () => {
  stack = await bootStack();
  work = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-cli-"));
  projectDir = path.join(work, "project");
  await fs.mkdir(projectDir);
  await fs.writeFile(path.join(projectDir, "index.html"), PROJECT);
});

afterAll(async () => {
  await stack?.dispose();
  if (work) await fs.rm(work, { recursive: true, force: true });
});

describe("hyperframes CLI against reelflare", () => {
  it("auth status identifies the account of the key", async () => {
    const result = await cli(["auth", "status"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/Type:\s+api_key/);
    expect(result.stdout).toMatch(/Account:\s+development/);
  });

  it("cloud render: zip → direct upload → complete → submit → poll → download a playable mp4", async () => {
    const out = path.join(work, "out.mp4");
    const result = await cliJson<RenderOut>(["cloud", "render", projectDir, "--poll-interval", "1", "--fps", "10", "-o", out]);
    expect(result.render.status).toBe("completed");
    const info = await probeVideo(out);
    expect(info).toMatchObject({ codec: "h264", width: 320, height: 180, frameCount: 10 });
  });

  it("cloud render --format webm", async () => {
    const out = path.join(work, "out.webm");
    const result = await cliJson<RenderOut>(["cloud", "render", projectDir, "--poll-interval", "1", "--fps", "10", "--format", "webm", "-o", out]);
    expect(result.render.format).toBe("webm");
    const info = await probeVideo(out);
    expect(info.codec).toBe("vp9");
    expect(info.frameCount).toBe(10);
  });

  it("--variables is accepted; --strict-variables fails on an undeclared variable", async () => {
    const ok = await cliJson<RenderOut>(["cloud", "render", projectDir, "--no-wait", "--variables", '{"title":"Q4"}']);
    expect(ok.render.render_id).toMatch(/^hfr_/);
    const strict = await cli(["cloud", "render", projectDir, "--no-wait", "--strict-variables", "--variables", '{"nope":1}']);
    expect(strict.code).not.toBe(0);
    // Whichever side notices first (the CLI's own check or ours), the run fails naming it.
    expect(strict.stdout + strict.stderr).toMatch(/variable 'nope' is not declared|Variable validation failed[\s\S]*nope/);
  });

  it("--no-wait then cloud get; --asset-id re-renders without uploading; the server checks variables too", async () => {
    const submitted = await cliJson<RenderOut>(["cloud", "render", projectDir, "--no-wait", "--fps", "10"]);
    const id = submitted.render.render_id;
    const got = await cliJson<{ render: { render_id: string; status: string } }>(["cloud", "get", id]);
    expect(got.render.render_id).toBe(id);
    expect(["queued", "rendering", "completed"]).toContain(got.render.status);

    const [assetId] = (await d1Query<{ id: string }>({ persistTo: stack.persistTo }, "SELECT id FROM assets ORDER BY created_at DESC LIMIT 1")).map((r) => r.id);
    const assetsBefore = await count("assets");
    const again = await cliJson<RenderOut>(["cloud", "render", "--asset-id", assetId!, "--no-wait", "--variables", '{"title":"Again"}']);
    expect(again.render.render_id).not.toBe(id);
    expect(await count("assets")).toBe(assetsBefore);

    const bad = await cli(["cloud", "render", "--asset-id", assetId!, "--no-wait", "--variables", '{"nope":1}']);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toMatch(/variable 'nope' is not declared/);
  });

  it("--idempotency-key repeated: one asset, one render", async () => {
    const assetsBefore = await count("assets");
    const rendersBefore = await count("renders");
    const first = await cliJson<RenderOut>(["cloud", "render", projectDir, "--no-wait", "--idempotency-key", "cli-test:1"]);
    const second = await cliJson<RenderOut>(["cloud", "render", projectDir, "--no-wait", "--idempotency-key", "cli-test:1"]);
    expect(second.render.render_id).toBe(first.render.render_id);
    expect(await count("assets")).toBe(assetsBefore + 1);
    expect(await count("renders")).toBe(rendersBefore + 1);
  });

  it("cloud list pages; cloud delete makes get 404", async () => {
    const page = await cliJson<{ renders: { render_id: string }[]; has_more: boolean; next_token?: string }>(["cloud", "list", "--limit", "2"]);
    expect(page.renders).toHaveLength(2);
    expect(page.has_more).toBe(true);
    expect(page.next_token).toBeTruthy();
    const all = await cliJson<{ renders: { render_id: string }[] }>(["cloud", "list", "--all", "--limit", "2"]);
    expect(all.renders.length).toBe(await count("renders"));

    const victim = page.renders[0]!.render_id;
    const deleted = await cli(["cloud", "delete", victim, "--no-confirm"]);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain(victim);
    const gone = await cli(["cloud", "get", victim]);
    expect(gone.code).not.toBe(0);
    expect(gone.stdout + gone.stderr).toMatch(/not found|No render found/i);
  });
});
