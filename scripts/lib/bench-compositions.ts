// The bench's two compositions (1920×1080, GSAP), as project files for the API and the
// HyperFrames CLI alike.
//   motion — six cards travel and spin for the whole video under a title: every frame differs.
//   holds  — three titles, each held for seconds between half-second transitions, as real
//            videos have: most frames repeat the one before.
import fs from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "./paths.ts";

export type CompositionName = "motion" | "holds";

const HEAD = `<meta charset="utf-8"><style>
  html, body { margin: 0; }
  #root { position: relative; width: 1920px; height: 1080px; overflow: hidden; background: linear-gradient(135deg, #0d1b2a, #415a77); }
  .card { position: absolute; width: 260px; height: 260px; border-radius: 32px; }
  /* font-family, not the font shorthand: the HyperFrames renderer maps only font-family to its
     bundled fonts (a shorthand gets the host's font there), and the bench compares frames. */
  h1 { position: absolute; top: 400px; width: 100%; text-align: center; font-weight: bold; font-size: 150px; font-family: sans-serif; color: #fff; margin: 0; }
  h2 { position: absolute; top: 460px; width: 100%; text-align: center; font-weight: 600; font-size: 110px; font-family: Montserrat, sans-serif; color: #fff; margin: 0; opacity: 0; }
</style><script src="gsap.min.js"></script>`;

function motion(seconds: number): string {
  const cards = Array.from(
    { length: 6 },
    (_, i) => `<div class="card" id="c${i}" style="top:${40 + i * 170}px;left:40px;background:hsl(${i * 60},80%,60%)"></div>`,
  ).join("\n  ");
  return `<!doctype html><html><head>${HEAD}</head><body>
<div id="root" data-composition-id="bench" data-width="1920" data-height="1080" data-start="0" data-duration="${seconds}">
  ${cards}
  <h1 id="title">reelflare</h1>
</div>
<script>
  const tl = gsap.timeline({ paused: true });
  for (let i = 0; i < 6; i++) {
    tl.to("#c" + i, { x: 1500, rotation: 360 * (i + 1), duration: ${seconds} - i * 0.5, ease: "power1.inOut" }, i * 0.5);
  }
  tl.fromTo("#title", { opacity: 0, scale: 0.5 }, { opacity: 1, scale: 1, duration: 2 }, 0);
  tl.to("#title", { y: 300, duration: ${seconds / 2} }, ${seconds / 2});
  window.__timelines = window.__timelines || {};
  window.__timelines.bench = tl;
</script></body></html>`;
}

function holds(seconds: number): string {
  const titles = ["Three titles", "held for seconds", "as real videos do"];
  const slot = seconds / titles.length;
  return `<!doctype html><html><head>${HEAD}</head><body>
<div id="root" data-composition-id="bench" data-width="1920" data-height="1080" data-start="0" data-duration="${seconds}">
  ${titles.map((t, i) => `<h2 id="t${i}">${t}</h2>`).join("\n  ")}
</div>
<script>
  const tl = gsap.timeline({ paused: true });
  for (let i = 0; i < ${titles.length}; i++) {
    // In for half a second, held, out for half a second.
    tl.fromTo("#t" + i, { opacity: 0, y: 60 }, { opacity: 1, y: 0, duration: 0.5 }, i * ${slot});
    tl.to("#t" + i, { opacity: 0, y: -60, duration: 0.5 }, (i + 1) * ${slot} - 0.5);
  }
  window.__timelines = window.__timelines || {};
  window.__timelines.bench = tl;
</script></body></html>`;
}

/** The composition's files: index.html and GSAP. */
export async function compositionFiles(name: CompositionName, seconds: number): Promise<Record<string, Uint8Array>> {
  const html = name === "motion" ? motion(seconds) : holds(seconds);
  return {
    "index.html": new TextEncoder().encode(html),
    "gsap.min.js": new Uint8Array(await fs.readFile(path.join(projectRoot, "node_modules/gsap/dist/gsap.min.js"))),
  };
}
