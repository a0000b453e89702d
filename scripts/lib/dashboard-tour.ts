// One walk through the dashboard as a person would take it — a wrong key and the API's answer,
// the right key, a HyperFrames zip uploaded with options, live progress to the end, the video
// played in the page, the renders list, a varg scene pasted and rendered — observing what the
// page shows at each step (and, given a folder, taking a screenshot of each step).
import path from "node:path";
import type { DashboardDriver } from "./dashboard-driver.ts";

export interface TourObservations {
  wrongKeyError: string;
  accountName: string;
  /** Distinct values of the progress bar while the render ran (0..1). */
  progress: number[];
  /** ETA texts shown while it ran. */
  etas: string[];
  renderId: string;
  video: { width: number; height: number; played: [number, number]; error: string | null };
  listed: boolean;
  varg: { jobId: string; status: string; stages: string[]; videoWidth: number } | null;
}

export interface TourOptions {
  apiKey: string;
  projectZip: string;
  /** TSX to paste into the varg form; its render is followed to the end. Skipped when absent. */
  vargCode?: string;
  /** Screenshots go here as `<prefix>-NN-step.png`. */
  screenshots?: { dir: string; prefix: string };
}

const STATUS = "document.querySelector('#render-status').textContent";

export async function dashboardTour(d: DashboardDriver, opts: TourOptions): Promise<TourObservations> {
  const steps = ["key", "wrong-key", "signed-in", "project-chosen", "progress", "completed", "varg-code", "varg-completed"];
  const shot = async (name: (typeof steps)[number]) => {
    const n = String(steps.indexOf(name) + 1).padStart(2, "0");
    if (opts.screenshots) await d.screenshot(path.join(opts.screenshots.dir, `${opts.screenshots.prefix}-${n}-${name}.png`));
  };
  await d.waitFor("document.querySelector('select[name=quality]').options.length > 0", "the render options from /openapi.json");
  await shot("key");

  // A malformed key: the API's own words appear.
  await d.type("#api-key", "rf_not-a-key");
  await d.press("Enter");
  const wrongKeyError = await d.waitFor<string>("!document.querySelector('#error').hidden && document.querySelector('#error').textContent", "the error");
  await shot("wrong-key");

  await d.evaluate("document.querySelector('#api-key').value = ''");
  await d.type("#api-key", opts.apiKey);
  await d.press("Enter");
  const accountName = await d.waitFor<string>("!document.querySelector('#account').hidden && document.querySelector('#account-name').textContent", "sign-in");
  await d.waitFor("document.querySelector('#error').hidden", "the old error to clear");
  await shot("signed-in");

  await d.chooseFile("#project-file", opts.projectZip);
  await d.evaluate(`(() => {
    const f = document.querySelector('#hyperframes-form');
    f.elements.quality.value = 'draft';
    f.elements.title.value = 'Hello from the dashboard';
  })()`);
  await shot("project-chosen");
  await d.activate("#hyperframes-form button[type=submit]");

  // Live progress: sample the bar and the ETA until the render ends.
  const progress: number[] = [];
  const etas: string[] = [];
  let midway = false;
  const deadline = Date.now() + 180_000;
  for (;;) {
    const now = await d.evaluate<{ status: string; value: number; eta: string; shown: boolean }>(`({
      status: ${STATUS}, value: document.querySelector('#render-progress').value,
      eta: document.querySelector('#render-eta').textContent, shown: !document.querySelector('#render').hidden })`);
    if (now.shown && progress.at(-1) !== now.value) progress.push(now.value);
    if (now.eta && etas.at(-1) !== now.eta) etas.push(now.eta);
    if (!midway && now.value > 0.05 && now.value < 0.95) {
      midway = true;
      await shot("progress");
    }
    if (/^(completed|failed)/.test(now.status)) break;
    if (Date.now() > deadline) throw new Error(`render did not finish; status "${now.status}"`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const renderId = await d.text("#render-id");
  const ended = await d.evaluate<string>(STATUS);
  if (!ended.startsWith("completed")) throw new Error(`the render ${renderId} ended as "${ended}"`);
  await d.waitFor("!document.querySelector('#render-result').hidden", "the result");
  const video = await playVideo(d);
  await shot("completed");
  const listed = await d.waitFor<boolean>(`!!document.querySelector('#renders-table tr[data-render-id="${renderId}"]')`, "the render in the list");

  let varg: TourObservations["varg"] = null;
  if (opts.vargCode) {
    await d.focus("input[name=dialect][value=varg]");
    await d.press(" ");
    await d.waitFor("!document.querySelector('#varg-form').hidden", "the varg form");
    await d.type("#varg-form textarea[name=code]", opts.vargCode);
    // A scene of titles only would give stills by default: ask for the video.
    await d.evaluate("document.querySelector('#varg-form').elements.output.value = 'video'");
    await shot("varg-code");
    const previous = renderId;
    await d.activate("#varg-form button[type=submit]");
    await d.waitFor(`document.querySelector('#render-id').textContent !== ${JSON.stringify(previous)}`, "the varg job");
    const stages: string[] = [];
    for (;;) {
      const status = await d.evaluate<string>(STATUS);
      if (stages.at(-1) !== status) stages.push(status);
      if (/^(completed|failed)/.test(status)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!stages.at(-1)!.startsWith("completed")) throw new Error(`the varg job ended as "${stages.at(-1)}"`);
    await d.waitFor("!document.querySelector('#render-result').hidden", "the varg result");
    const played = await playVideo(d);
    varg = { jobId: await d.text("#render-id"), status: stages.at(-1)!, stages, videoWidth: played.width };
    await shot("varg-completed");
  }
  return { wrongKeyError, accountName, progress, etas, renderId, video, listed, varg };
}

/** Waits for the <video> to load, plays it (muted, as autoplay allows) and reads its clock twice. */
async function playVideo(d: DashboardDriver): Promise<TourObservations["video"]> {
  const v = "document.querySelector('#render-video')";
  await d.waitFor(`${v}.readyState >= 1 || ${v}.error`, "the video's metadata", 30_000);
  const error = await d.evaluate<string | null>(`${v}.error ? String(${v}.error.message || ${v}.error.code) : null`);
  if (error) return { width: 0, height: 0, played: [0, 0], error };
  await d.evaluate(`(${v}.muted = true, ${v}.play().then(() => true))`);
  const first = await d.evaluate<number>(`${v}.currentTime`);
  await d.waitFor(`${v}.currentTime > ${first} + 0.3`, "the video to play", 10_000);
  const second = await d.evaluate<number>(`${v}.currentTime`);
  await d.evaluate(`${v}.pause()`);
  const size = await d.evaluate<{ width: number; height: number }>(`({ width: ${v}.videoWidth, height: ${v}.videoHeight })`);
  return { ...size, played: [first, second], error: null };
}
