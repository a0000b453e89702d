// The HyperFrames reference renderer (npm package `hyperframes`, a devDependency): its own
// local render of a project, on the same Chromium and FFmpeg, to compare ours against.
import { execFile } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
const CLI = path.join(path.dirname(createRequire(import.meta.url).resolve("hyperframes/package.json")), "bin/hyperframes.mjs");

/** Writes `files` under `workDir/reference-<name>/`, renders it, returns the video's path. */
export async function referenceRender(
  workDir: string,
  name: string,
  files: Record<string, Uint8Array>,
  fps: number,
): Promise<string> {
  const dir = path.join(workDir, `reference-${name}`);
  for (const [file, bytes] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await fs.writeFile(path.join(dir, file), bytes);
  }
  const out = path.join(workDir, `reference-${name}.mp4`);
  await run(process.execPath, [CLI, "render", dir, "-o", out, "--fps", String(fps), "--quality", "high", "--no-browser-gpu", "--quiet"], {
    env: { ...process.env, HYPERFRAMES_BROWSER_PATH: "/usr/bin/chromium", HYPERFRAMES_NO_TELEMETRY: "1", HOME: workDir },
    timeout: 120_000,
  });
  return out;
}
