// @ts-check
// The render panel: live status, progress bar and ETA while it runs; then the video, its
// thumbnail, warnings, webhook attempts and generated files.
import { api } from "./api.js";
import { watchRender } from "./watch.js";

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/** @param {number | null} seconds */
function formatEta(seconds) {
  if (seconds === null || !Number.isFinite(seconds)) return "";
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s left`;
  return `about ${Math.round(seconds / 60)} min left`;
}

/** @param {HTMLElement} list @param {string[]} items @param {string} none */
function fillList(list, items, none) {
  list.replaceChildren(...(items.length ? items : [none]).map((text) => Object.assign(document.createElement("li"), { textContent: text })));
}

/** @param {import("./watch.js").Progress} p */
function showProgress(p) {
  $("render-status").textContent = p.status + (p.stage ? ` — ${p.stage}` : "") + (p.failure ? `: ${p.failure}` : "");
  $("render-status").className = `status-${p.status}`;
  /** @type {HTMLProgressElement} */ ($("render-progress")).value = p.progress;
  $("render-percent").textContent = `${Math.round(p.progress * 100)}%`;
  $("render-eta").textContent = p.status === "rendering" ? formatEta(p.etaSeconds) : "";
}

/** @param {string} id */
async function showResult(id) {
  const path = `/v3/hyperframes/renders/${encodeURIComponent(id)}`;
  // Every render is readable through both dialects; varg's job view lists generated files.
  const [{ data: render }, { data: attempts }, job] = await Promise.all([
    api(path),
    api(`${path}/webhooks`),
    api(`/api/render/jobs/${encodeURIComponent(id)}`),
  ]);
  showProgress({ status: render.status, progress: render.status === "completed" ? 1 : render.progress, etaSeconds: null, stage: null, failure: render.failure_message });
  const video = /** @type {HTMLVideoElement} */ ($("render-video"));
  video.hidden = !render.video_url;
  $("render-download").hidden = !render.video_url;
  if (render.video_url) {
    video.src = render.video_url;
    if (render.width && render.height) {
      video.width = render.width;
      video.height = render.height;
    }
    /** @type {HTMLAnchorElement} */ ($("render-download")).href = render.video_url;
  } else {
    video.removeAttribute("src");
  }
  const thumb = /** @type {HTMLImageElement} */ ($("render-thumbnail"));
  $("render-thumbnail-figure").hidden = !render.thumbnail_url;
  if (render.thumbnail_url) thumb.src = render.thumbnail_url;
  const facts = [render.width && render.height ? `${render.width}×${render.height}` : null, render.duration ? `${render.duration} s` : null, render.frame_count ? `${render.frame_count} frames` : null, `${render.fps} fps`, render.format, render.quality];
  $("render-facts").textContent = facts.filter(Boolean).join(" · ");
  fillList($("render-warnings"), render.warnings, "None.");
  const rows = attempts.map((/** @type {any} */ a) => {
    const tr = document.createElement("tr");
    for (const cell of [a.attempt, a.event, a.url, a.status_code ?? "—", a.error ?? "", new Date(a.created_at * 1000).toLocaleTimeString()]) {
      tr.append(Object.assign(document.createElement("td"), { textContent: String(cell) }));
    }
    return tr;
  });
  const none = document.createElement("tr");
  none.append(Object.assign(document.createElement("td"), { textContent: "No webhook for this render.", colSpan: 6 }));
  $("render-webhooks").querySelector("tbody")?.replaceChildren(...(rows.length ? rows : [none]));
  const files = job.files.map((/** @type {any} */ f) => {
    const li = document.createElement("li");
    const what = [f.metadata?.type, f.metadata?.model, f.metadata?.cached ? "cached" : null, f.clipIndex !== undefined ? `clip ${f.clipIndex}` : null].filter(Boolean).join(", ");
    const link = Object.assign(document.createElement("a"), { href: f.url, textContent: f.metadata?.prompt ?? f.mediaType });
    li.append(link, ` ${what ? `(${what})` : ""}`);
    // Stills (frames output) and generated images are shown, not only linked.
    if (String(f.mediaType).startsWith("image/")) li.append(Object.assign(document.createElement("img"), { src: f.url, alt: link.textContent, loading: "lazy", width: 160 }));
    return li;
  });
  $("render-files").replaceChildren(...(files.length ? files : [Object.assign(document.createElement("li"), { textContent: "None." })]));
  $("render-result").hidden = false;
}

/** @type {AbortController | null} */
let current = null;

/**
 * Opens a render in the panel and follows it to the end.
 * @param {string} id
 * @param {"hyperframes" | "varg"} dialect the dialect whose event stream to use
 * @param {(err: unknown) => void} onError
 * @param {() => void} onEnd
 */
export async function openRender(id, dialect, onError, onEnd) {
  current?.abort();
  const controller = (current = new AbortController());
  $("render").hidden = false;
  $("render-id").textContent = id;
  $("render-result").hidden = true;
  showProgress({ status: "queued", progress: 0, etaSeconds: null, stage: null, failure: null });
  $("render-status").textContent = "connecting…";
  try {
    await watchRender(id, dialect, showProgress, controller.signal);
    if (!controller.signal.aborted) await showResult(id);
    onEnd();
  } catch (err) {
    if (!(err instanceof DOMException && err.name === "AbortError")) onError(err);
  }
}
