// Pixel parity with the HyperFrames reference renderer (issue 12), frame by frame: a text-heavy
// composition asking for an alias (Arial), a bare generic sans-serif and serif, a serif and a
// mono alias, a bundled family by name, a family nobody has (a warning), and a family the
// project declares with its own @font-face (which wins over the table: "Georgia" here is the
// project's Oswald file) — beside solid fills, a gradient, an image and a video.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { strToU8, zipSync } from "fflate";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { framePsnr, probeVideo, psnrStats } from "../support/media.ts";
import { referenceRender } from "../support/reference.ts";
import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);

const FONTS = `<!doctype html><html><head><meta charset="utf-8"><style>
  @font-face { font-family: "Georgia"; src: url(brand.woff2) format("woff2"); }
  html, body { margin: 0; background: #fff; }
  #root { position: relative; width: 960px; height: 360px; background: #fdfcf7; color: #111; overflow: hidden; }
  .fill { position: absolute; left: 680px; top: 16px; width: 120px; height: 70px; background: rgb(30, 64, 175); }
  .fill.b { left: 816px; background: rgb(245, 158, 11); }
  .gradient { position: absolute; left: 680px; top: 100px; width: 256px; height: 60px; background: linear-gradient(90deg, #9f1239, #10b981 60%, #f8fafc); }
  img, video { position: absolute; top: 176px; width: 128px; height: 128px; }
  img { left: 680px; } video { left: 816px; }
  p { position: absolute; left: 16px; margin: 0; white-space: nowrap; }
  .arial { top: 8px; font-family: Arial, sans-serif; font-size: 30px; font-weight: 700; }
  .generic { top: 50px; font-family: sans-serif; font-size: 24px; }
  .serif { top: 84px; font-family: "Times New Roman", serif; font-size: 26px; }
  .bare-serif { top: 120px; font-family: serif; font-size: 22px; font-style: italic; }
  .mono { top: 152px; font-family: "Courier New", monospace; font-size: 20px; }
  .display { top: 182px; font-family: Montserrat; font-size: 34px; font-weight: 900; }
  .own { top: 226px; font-family: Georgia, serif; font-size: 32px; }
  .missing { top: 272px; font-family: "Nonexistent Grotesk", Helvetica, sans-serif; font-size: 22px; }
  .moving { top: 310px; font-family: "Playfair Display", serif; font-size: 28px; animation: slide 1s linear both; }
  @keyframes slide { from { transform: translateX(0); } to { transform: translateX(180px); } }
</style></head><body>
<div id="root" data-composition-id="fonts" data-width="960" data-height="360" data-duration="1" data-no-timeline>
  <div class="fill"></div><div class="fill b"></div><div class="gradient"></div>
  <img src="picture.png"><video src="clip.mp4" data-start="0" data-duration="1" muted></video>
  <p class="arial">Arial is Inter Bold: Quick brown fox 0123</p>
  <p class="generic">sans-serif gets Inter first: jumps over the lazy dog</p>
  <p class="serif">Times New Roman is EB Garamond, fine typography</p>
  <p class="bare-serif">a bare serif leads with Inter, italic synthesised</p>
  <p class="mono" style="letter-spacing: 1px">Courier New is JetBrains Mono {x: 42}</p>
  <p class="display">MONTSERRAT BLACK 900</p>
  <p class="own">Georgia here is the project's own file</p>
  <p class="missing">Nonexistent Grotesk falls to Helvetica, Inter</p>
  <p class="moving">Playfair Display, moving</p>
</div>
</body></html>`;

let stack: E2EStack;
let tmp: string;

beforeAll(async () => {
  stack = await bootStack();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-fonts-"));
});

afterAll(async () => {
  await stack?.dispose();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
});

describe("deterministic fonts", () => {
  it("renders aliases, generics, bundled and project fonts, fills, a gradient, an image and a video as the reference renderer does; an unknown family is a warning", async () => {
    const brand = createRequire(import.meta.url).resolve("@fontsource/oswald/files/oswald-latin-700-normal.woff2");
    const made = async (name: string, args: string[]) => {
      await run("ffmpeg", ["-v", "error", ...args, "-y", path.join(tmp, name)]);
      return new Uint8Array(await fs.readFile(path.join(tmp, name)));
    };
    const files = {
      "index.html": strToU8(FONTS),
      "brand.woff2": new Uint8Array(await fs.readFile(brand)),
      "picture.png": await made("picture.png", ["-f", "lavfi", "-i", "testsrc2=s=128x128", "-frames:v", "1"]),
      // A moving test pattern, one key frame a second: each frame shown must be the right one.
      "clip.mp4": await made("clip.mp4", ["-f", "lavfi", "-i", "testsrc2=s=128x128:r=10:d=1", "-c:v", "libx264", "-crf", "10", "-pix_fmt", "yuv420p", "-movflags", "+faststart"]),
    };
    const reference = await referenceRender(tmp, "fonts", files, 10);
    const render = await stack.client.renderZip(zipSync(files), { fps: 10, quality: "high" });
    expect(render.failure_message, stack.logs.slice(-30).join("\n")).toBeNull();
    const ours = path.join(tmp, "fonts.mp4");
    await fs.writeFile(ours, new Uint8Array(await (await fetch(render.video_url!)).arrayBuffer()));
    const psnr = await framePsnr(ours, reference);
    expect(psnr.length).toBe((await probeVideo(reference)).frameCount);
    const { min, mean } = psnrStats(psnr);
    console.log(`[fonts] PSNR vs reference: min ${min.toFixed(2)} dB, mean ${mean.toFixed(2)} dB`);
    // Without the bundled fonts (host fonts: DejaVu) the text alone put this at 13.5 dB.
    for (const [i, value] of psnr.entries()) expect(value, `frame ${i}`).toBeGreaterThanOrEqual(35);

    const warnings = (render.warnings ?? []) as string[];
    expect(warnings.filter((w) => /"Nonexistent Grotesk" is not bundled/.test(w)), JSON.stringify(warnings)).toHaveLength(1);
    // The bundled fonts are no request outside the project.
    expect(warnings.filter((w) => /blocked a request/.test(w)), JSON.stringify(warnings)).toEqual([]);
  });
});
