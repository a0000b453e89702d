// @ts-check
// Live progress of one render over Server-Sent Events. EventSource cannot send the API key, so
// the API hands out a short-lived signed events URL first; each dialect's URL speaks its own
// events (HyperFrames `status`/`progress`, varg `status` with the job JSON).
import { api } from "./api.js";

/** @typedef {{ status: "queued" | "rendering" | "completed" | "failed", progress: number, etaSeconds: number | null, stage: string | null, failure: string | null }} Progress */

const TERMINAL = new Set(["completed", "failed"]);
/** Reopening a stream (expired URL, network drop) is tried this many times before giving up. */
const MAX_REOPENS = 5;

/**
 * @param {string} id
 * @param {"hyperframes" | "varg"} dialect
 * @returns {Promise<string>}
 */
async function eventsUrl(id, dialect) {
  if (dialect === "varg") return (await api(`/api/render/jobs/${encodeURIComponent(id)}/events-url`)).url;
  return (await api(`/v3/hyperframes/renders/${encodeURIComponent(id)}/events-url`)).data.url;
}

/**
 * One event's data as neutral progress.
 * @param {"hyperframes" | "varg"} dialect
 * @param {any} data
 * @returns {Progress}
 */
function progressOf(dialect, data) {
  if (dialect === "varg") {
    const stage = data.stage === "generating" && data.generation ? `generating ${data.generation.done}/${data.generation.total}` : data.stage ?? null;
    return { status: data.status, progress: data.progress ?? (data.status === "completed" ? 1 : 0), etaSeconds: null, stage, failure: data.error ?? null };
  }
  return { status: data.status, progress: data.progress, etaSeconds: data.eta_seconds, stage: null, failure: data.failure_message };
}

/**
 * An ETA from the progress made so far, for streams that send none (varg): the time the work
 * took so far, scaled to what is left.
 */
export function etaEstimator() {
  /** @type {{ at: number, progress: number } | null} */
  let first = null;
  /** @param {number} progress @param {number} [now] @returns {number | null} */
  return (progress, now = performance.now()) => {
    if (progress <= 0 || progress >= 1) return progress >= 1 ? 0 : null;
    if (!first) {
      first = { at: now, progress };
      return null;
    }
    const rate = (progress - first.progress) / (now - first.at);
    return rate > 0 ? Math.round((1 - progress) / rate / 1000) : null;
  };
}

/**
 * Follows a render until it ends. Resolves with the last progress; `onProgress` sees each event.
 * @param {string} id
 * @param {"hyperframes" | "varg"} dialect
 * @param {(p: Progress) => void} onProgress
 * @param {AbortSignal} signal stops watching (another render was opened)
 * @returns {Promise<Progress>}
 */
export function watchRender(id, dialect, onProgress, signal) {
  const estimate = etaEstimator();
  return new Promise((resolve, reject) => {
    /** @type {EventSource | null} */
    let source = null;
    let reopens = 0;
    const stop = () => source?.close();
    signal.addEventListener("abort", () => {
      stop();
      reject(new DOMException("stopped watching", "AbortError"));
    });
    /** @param {MessageEvent} event */
    const onEvent = (event) => {
      reopens = 0;
      const progress = progressOf(dialect, JSON.parse(event.data));
      if (progress.etaSeconds === null && progress.status === "rendering") progress.etaSeconds = estimate(progress.progress);
      onProgress(progress);
      if (TERMINAL.has(progress.status)) {
        stop();
        resolve(progress);
      }
    };
    const open = async () => {
      if (signal.aborted) return;
      try {
        source = new EventSource(await eventsUrl(id, dialect));
      } catch (err) {
        stop();
        reject(err);
        return;
      }
      source.addEventListener("status", onEvent);
      source.addEventListener("progress", onEvent);
      // The varg stream closes after 15 minutes with `timeout`: open a fresh one.
      source.addEventListener("timeout", () => reopen());
      source.addEventListener("error", () => {
        // EventSource retries by itself while it can; once it gives up (an expired URL is a 403,
        // a stream that ended is closed) a new signed URL is needed.
        if (source?.readyState === EventSource.CLOSED) reopen();
      });
    };
    const reopen = () => {
      stop();
      if (++reopens > MAX_REOPENS) return reject(new Error("lost the event stream; reload the render to try again"));
      setTimeout(open, 1000 * reopens);
    };
    void open();
  });
}
