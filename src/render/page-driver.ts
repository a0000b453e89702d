// The script injected into every composition page before its own scripts run. It makes a
// frame depend only on its time: virtual clocks (Date, performance.now,
// requestAnimationFrame), seeded Math.random, and a seek() that poses every animation, clip,
// nested composition and <video> at t. It exposes `window.__reelflare` for the capture code:
// probe() and seek(t).
//
// The semantics follow the HyperFrames documentation and its published runtime
// (`@hyperframes/core/runtime`): half-open clip windows where the clip that runs to the end
// owns the last frame, relative starts, media offset/rate/loop attributes, sub-compositions
// mounted from the first <template> of their `data-composition-src` file with their timeline
// placed at the host's start. Why a driver of our own and not the runtime: see README
// ("How compositions are rendered").
//
// This function is serialised with toString() and evaluated in the page, so it must be
// self-contained (no imports, no closures over module scope).
// The Worker is type-checked without DOM types, so page globals are reached through `any`.
export function pageDriver(seed: number, overrides: Record<string, unknown>): void {
  const w = globalThis as any;
  const window = w;
  const document = w.document;
  const performance = w.performance;
  if (w.__reelflare) return;

  // ---- Virtual time and seeded randomness -------------------------------------------------
  const EPOCH = Date.UTC(2026, 0, 1);
  let nowMs = 0;
  const RealDate = Date;
  class VirtualDate extends RealDate {
    constructor(...args: any[]) {
      if (args.length === 0) super(EPOCH + nowMs);
      else super(...(args as [any]));
    }
    static override now() {
      return EPOCH + nowMs;
    }
  }
  w.Date = VirtualDate;
  // The real clock stays readable by the driver: a pose says when it was made (see seek()).
  const realNow = performance.now.bind(performance);
  performance.now = () => nowMs;

  const frameCallbacks = new Map<number, (time: number) => void>();
  let nextFrameId = 1;
  const realRaf = window.requestAnimationFrame.bind(window);
  w.requestAnimationFrame = (cb: (time: number) => void) => {
    const id = nextFrameId++;
    frameCallbacks.set(id, cb);
    return id;
  };
  w.cancelAnimationFrame = (id: number) => frameCallbacks.delete(id);

  // ---- CSS and Web Animations ------------------------------------------------------------
  // Held paused from the frame they appear in, and remembered: a short animation left running in
  // real time (while the page loads, or while the planning step probes it) would finish, and a
  // finished animation without fill is no longer listed by getAnimations(), so posing could never
  // bring it back. Cancelled ones (their CSS rule went away) are left alone.
  const knownAnimations = new Set<any>();
  function trackAnimations(): any[] {
    for (const animation of document.getAnimations?.() ?? []) {
      if (knownAnimations.has(animation)) continue;
      knownAnimations.add(animation);
      animation.pause();
    }
    for (const animation of knownAnimations) if (animation.playState === "idle") knownAnimations.delete(animation);
    return Array.from(knownAnimations);
  }
  /** Animations running in real time since the last pose (a transition a pose's style change
   *  started): the page changed on its own between poses. */
  const freeRunning = () => {
    const before = knownAnimations.size;
    const running = trackAnimations().some((a) => a.playState === "running");
    return running || knownAnimations.size > before;
  };
  let posed = false;
  const holdAnimations = () => {
    if (posed) return;
    trackAnimations();
    realRaf(holdAnimations);
  };

  holdAnimations();

  // mulberry32: small, fast, and the same sequence for the same seed in every chunk.
  let s = seed >>> 0;
  Math.random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  w.__timelines = w.__timelines || {};
  const errors: string[] = [];
  const warnings: string[] = [];
  window.addEventListener("error", (e: any) => errors.push(e.message || String(e.error)));
  window.addEventListener("unhandledrejection", (e: any) => errors.push(`unhandled rejection: ${String(e.reason)}`));

  // ---- Navigation -------------------------------------------------------------------------
  // The page stays the composition: a navigation to another document (location, reload, links,
  // forms, meta refresh, a frame navigating the top) is cancelled before it starts and reported
  // through the capture code's binding (NAVIGATION_NOTICE). Refused later, at the network, it
  // would have stopped the page's parsing halfway.
  // Frames inside the composition may navigate (within the project: the request sandbox).
  const notice = typeof w.__reelflareNavigation === "function" ? w.__reelflareNavigation : () => {};
  delete w.__reelflareNavigation; // not the page's to call
  w.navigation?.addEventListener("navigate", (e: any) => {
    if (w !== w.top || e.destination.sameDocument || !e.cancelable) return;
    e.preventDefault();
    notice(String(e.destination.url));
  });

  // ---- Variables --------------------------------------------------------------------------
  // Declared defaults (data-composition-variables on <html> or the root) merged with the
  // render's overrides, readable before any page script runs.
  const declared = () => {
    const out: Record<string, unknown> = {};
    for (const el of [document.documentElement, document.querySelector("[data-composition-id]")]) {
      const raw = el?.getAttribute?.("data-composition-variables");
      if (!raw) continue;
      try {
        for (const decl of JSON.parse(raw)) if (decl && typeof decl.id === "string") out[decl.id] = decl.default;
      } catch {
        // malformed declarations: no defaults from this element
      }
    }
    return out;
  };
  const variables = () => ({ ...declared(), ...overrides });
  w.__hyperframes = { ...(w.__hyperframes || {}), getVariables: variables };
  const asText = (v: unknown) => (v && typeof v === "object" ? ((v as any).url ?? (v as any).name ?? "") : String(v ?? ""));
  function bindVariables(scope: any) {
    const values = variables();
    for (const el of Array.from(scope.querySelectorAll("[data-var-text]") as ArrayLike<any>)) {
      const id = el.getAttribute("data-var-text");
      if (id in values) el.textContent = asText(values[id]);
    }
    for (const el of Array.from(scope.querySelectorAll("[data-var-src]") as ArrayLike<any>)) {
      const id = el.getAttribute("data-var-src");
      if (id in values) el.setAttribute("src", asText(values[id]));
    }
  }

  // ---- Sub-compositions -------------------------------------------------------------------
  // A host `<div data-composition-id data-composition-src="x.html">` gets the first <template>
  // of x.html mounted inside it; its scripts run in order (re-created: cloned scripts never run).
  async function mountComposition(host: any) {
    const src = host.getAttribute("data-composition-src");
    host.removeAttribute("data-composition-src");
    const url = new URL(src, document.baseURI).href;
    const res = await fetch(url).catch((err: unknown) => ({ ok: false, status: String(err) }) as any);
    if (!res.ok) {
      errors.push(`sub-composition ${src} could not be loaded (${res.status})`);
      return;
    }
    const doc = new w.DOMParser().parseFromString(await res.text(), "text/html");
    const template = doc.querySelector("template");
    if (!template) {
      errors.push(`sub-composition ${src} has no <template>`);
      return;
    }
    const fragment = document.importNode(template.content, true);
    // Relative URLs inside the file are relative to the file, not to index.html.
    for (const el of Array.from(fragment.querySelectorAll("[src]") as ArrayLike<any>)) {
      el.setAttribute("src", new URL(el.getAttribute("src"), url).href);
    }
    bindVariables(fragment);
    const scripts = Array.from(fragment.querySelectorAll("script") as ArrayLike<any>);
    const placeholders = scripts.map((script) => {
      const mark = document.createComment("script");
      script.replaceWith(mark);
      return { mark, script };
    });
    host.appendChild(fragment);
    for (const { mark, script } of placeholders) {
      const live = document.createElement("script");
      for (const attr of Array.from(script.attributes as ArrayLike<any>)) live.setAttribute(attr.name, attr.value);
      live.textContent = script.textContent;
      if (live.src) {
        live.async = false;
        const done = new Promise((resolve) => {
          live.addEventListener("load", resolve, { once: true });
          live.addEventListener("error", resolve, { once: true });
        });
        mark.replaceWith(live);
        await done;
      } else {
        mark.replaceWith(live);
      }
    }
    // A sub-composition may host sub-compositions of its own.
    await mountAll(host);
  }
  async function mountAll(scope: any) {
    for (const host of Array.from(scope.querySelectorAll("[data-composition-src]") as ArrayLike<any>)) {
      await mountComposition(host);
    }
  }

  const domReady = new Promise<void>((resolve) => {
    if (document.readyState !== "loading") resolve();
    else document.addEventListener("DOMContentLoaded", () => resolve(), { once: true });
    // A navigation refused while loading leaves a document that never fires DOMContentLoaded.
    document.addEventListener("readystatechange", () => document.readyState !== "loading" && resolve());
  });
  const mounted = domReady.then(async () => {
    for (const [id, value] of Object.entries(variables())) {
      if (value !== undefined && (typeof value !== "object" || value === null)) {
        document.documentElement.style.setProperty(`--${id}`, String(value));
      }
    }
    bindVariables(document);
    await mountAll(document);
  });
  const loaded = new Promise<void>((resolve) => {
    if (document.readyState === "complete") resolve();
    else window.addEventListener("load", () => resolve(), { once: true });
    // A navigation refused while loading leaves a complete document that never fires "load".
    document.addEventListener("readystatechange", () => document.readyState === "complete" && resolve());
  });

  // ---- Timing -----------------------------------------------------------------------------
  const root = () => document.querySelector("[data-composition-id]");
  const timelineEntries = () =>
    Object.entries(w.__timelines as Record<string, any>).filter(([, t]) => t && typeof t.seek === "function");
  const num = (raw: unknown) => {
    const v = Number.parseFloat(String(raw ?? ""));
    return Number.isFinite(v) ? v : NaN;
  };
  const isMedia = (el: any) => el.tagName === "VIDEO" || el.tagName === "AUDIO";
  const timelineDuration = (id: string | null) => {
    const tl = id ? w.__timelines[id] : null;
    return tl && typeof tl.duration === "function" ? Number(tl.duration()) : NaN;
  };
  // HyperFrames media attributes: offset into the source, playback rate (0.1–10).
  const mediaStartOf = (el: any) => {
    const v = num(el.getAttribute("data-playback-start") ?? el.getAttribute("data-media-start"));
    return v >= 0 ? v : 0;
  };
  const rateOf = (el: any) => {
    const v = num(el.getAttribute("data-playback-rate"));
    const rate = v > 0 ? v : el.defaultPlaybackRate || 1;
    return Math.max(0.1, Math.min(10, rate));
  };

  /**
   * Start and end (seconds, composition time) of every timed element. Starts are seconds
   * relative to the enclosing composition, or relative to another clip's end ("intro",
   * "intro + 2", "intro - 0.5"). A cycle or an unknown reference resolves to NaN (never shown).
   */
  function windows(): Map<any, { start: number; end: number }> {
    const r = root();
    const timed = Array.from(document.querySelectorAll("[data-start]") as ArrayLike<any>).filter((el) => el !== r);
    const timedSet = new Set(timed);
    const byId = new Map(timed.filter((el) => el.id).map((el) => [el.id, el]));
    // The sub-composition an element's seconds count from (its template's own root is not timed).
    const timedHost = (el: any) => {
      let host = el.parentElement?.closest("[data-composition-id]");
      while (host && host !== r && !timedSet.has(host)) host = host.parentElement?.closest("[data-composition-id]");
      return host && host !== r ? host : null;
    };
    const out = new Map<any, { start: number; end: number }>();
    const resolving = new Set<any>();
    const durationOf = (el: any): number => {
      const authored = num(el.dataset.duration);
      if (authored >= 0) return authored;
      if (isMedia(el) && Number.isFinite(el.duration) && el.duration > 0) {
        return Math.max(0, (el.duration - mediaStartOf(el)) / rateOf(el));
      }
      const comp = el.getAttribute("data-composition-id");
      const own = timelineDuration(comp);
      if (own > 0) return own;
      return el.tagName === "IMG" ? 3 : Infinity;
    };
    const windowOf = (el: any): { start: number; end: number } => {
      const known = out.get(el);
      if (known) return known;
      if (resolving.has(el)) return { start: NaN, end: NaN };
      resolving.add(el);
      const expr = String(el.dataset.start).trim();
      let start = NaN;
      if (/^-?\d+(\.\d+)?$/.test(expr)) {
        const host = timedHost(el);
        const offset = host ? windowOf(host).start : 0;
        start = Number.parseFloat(expr) + offset;
      } else {
        const m = /^([A-Za-z_][\w-]*)\s*(?:([+-])\s*(\d+(?:\.\d+)?))?$/.exec(expr);
        const ref = m ? byId.get(m[1]) : undefined;
        if (m && ref) start = windowOf(ref).end + (m[2] === "-" ? -1 : 1) * Number.parseFloat(m[3] ?? "0");
      }
      resolving.delete(el);
      const win = { start, end: start + durationOf(el) };
      out.set(el, win);
      return win;
    };
    for (const el of timed) windowOf(el);
    return out;
  }

  /** Where a composition's timeline starts: its host's start, 0 for the root. */
  function timelineOffset(id: string, wins: Map<any, { start: number; end: number }>): number {
    const host = Array.from(document.querySelectorAll("[data-composition-id]") as ArrayLike<any>).find(
      (el) => el.getAttribute("data-composition-id") === id,
    );
    const start = host && host !== root() ? wins.get(host)?.start : 0;
    return Number.isFinite(start) ? (start as number) : 0;
  }

  function declaredDuration(wins = windows()): number | null {
    const fromAttr = num(root()?.dataset.duration);
    if (fromAttr > 0) return fromAttr;
    const ends = timelineEntries().map(([id, tl]) =>
      typeof tl.duration === "function" ? Number(tl.duration()) + timelineOffset(id, wins) : 0,
    );
    const fromTimelines = Math.max(0, ...ends.filter(Number.isFinite));
    return fromTimelines > 0 ? fromTimelines : null;
  }

  // Half-open windows, except that a clip running to the composition's end owns its last frame.
  const visibleAt = (t: number, win: { start: number; end: number }, total: number) =>
    t >= win.start && (t < win.end || win.end >= total - 1e-6);

  // ---- Media ------------------------------------------------------------------------------
  /** The source time a media element shows at composition time t (inside its window). */
  function sourceTimeAt(el: any, t: number, win: { start: number; end: number }): number {
    let rel = (Math.min(t, win.end) - win.start) * rateOf(el) + mediaStartOf(el);
    const length = Number.isFinite(el.duration) ? el.duration : Infinity;
    if (el.loop && Number.isFinite(length) && length > mediaStartOf(el) && rel >= length) {
      rel = mediaStartOf(el) + ((rel - mediaStartOf(el)) % (length - mediaStartOf(el)));
    }
    // Past the source's end the last frame holds.
    return Math.max(0, Math.min(rel, length - 0.001));
  }

  /** Seeks a paused video and waits until the frame for that time is on screen. */
  function seekVideo(el: any, time: number): Promise<void> | null {
    // A hair past the frame's timestamp, so float error never lands on the frame before.
    const target = time + 1e-4;
    if (Math.abs(el.currentTime - target) < 1e-6) return null;
    // A video that failed to load never seeks (it is reported once, in the probe's warnings).
    if (el.error || el.readyState === 0) return null;
    return new Promise<void>((resolve) => {
      let seeked = false;
      let presented = typeof el.requestVideoFrameCallback !== "function";
      const finish = () => seeked && presented && resolve();
      // A frame presented before the seek completed (e.g. the old frame, shown because the
      // element just became visible) is not the one asked for: wait for the next, unless its
      // timestamp is already the target's (within 0.1 s, a frame of any 10+ fps video).
      const onFrame = (_now: number, meta?: { mediaTime?: number }) => {
        const mediaTime = meta?.mediaTime;
        if (seeked || mediaTime === undefined || (mediaTime <= target + 1e-3 && target - mediaTime < 0.1)) {
          presented = true;
          finish();
        } else {
          el.requestVideoFrameCallback(onFrame);
        }
      };
      if (!presented) el.requestVideoFrameCallback(onFrame);
      el.addEventListener(
        "seeked",
        () => {
          seeked = true;
          finish();
          // A frame that does not change is never presented again; do not wait for it forever.
          // (Counted from the seek's end: a seek itself may take long on a busy machine, and
          // until it ends the old frame is on screen.)
          setTimeout(resolve, 1_000);
        },
        { once: true },
      );
      el.currentTime = target;
    });
  }

  function audible(el: any): boolean {
    if (el.tagName === "AUDIO") return true;
    const flag = el.getAttribute("data-has-audio");
    return flag !== null ? flag !== "false" : !el.hasAttribute("muted");
  }

  /** The audio the output must carry: what the encoder mixes (see containers/encoder). */
  function audioTracks(total: number, wins: Map<any, { start: number; end: number }>) {
    const tracks = [];
    for (const el of Array.from(document.querySelectorAll("audio[data-start], video[data-start]") as ArrayLike<any>)) {
      if (!audible(el)) continue;
      const win = wins.get(el);
      const src = el.currentSrc || el.src || el.querySelector("source[src]")?.src || "";
      if (!win || !Number.isFinite(win.start) || win.start >= total || !src) continue;
      const volume = num(el.getAttribute("data-volume"));
      tracks.push({
        src,
        start: win.start,
        // A looping source with no authored duration plays to the end; an unknown length
        // (metadata not loaded) plays until the source runs out, which the encoder knows.
        end: el.loop && !(num(el.dataset.duration) >= 0) ? total : Math.min(win.end, total),
        mediaStart: mediaStartOf(el),
        rate: rateOf(el),
        volume: volume >= 0 ? volume : 1,
        loop: Boolean(el.loop),
        fadeIn: Math.max(0, num(el.getAttribute("data-fade-in")) || 0),
        fadeOut: Math.max(0, num(el.getAttribute("data-fade-out")) || 0),
      });
    }
    return tracks;
  }

  /** A URL as the project knows it (its path), without the page's capability prefix
   * (capturePrefix() in capture-url.ts; repeated here because this function runs in the page). */
  const projectPath = (url: string) => {
    const prefix = /^.*\/v1\/capture\/[^/]+\//.exec(window.location.href)?.[0];
    return prefix && url.startsWith(prefix) ? decodeURIComponent(url.slice(prefix.length)) : url;
  };

  /** Media the browser could not load or decode: shown as nothing, heard as nothing. */
  function mediaFailures(): string[] {
    const codes: Record<number, string> = { 1: "aborted", 2: "network error", 3: "cannot be decoded", 4: "missing or unsupported" };
    return Array.from(document.querySelectorAll("video, audio") as ArrayLike<any>)
      .filter((el) => el.error)
      .map((el) => `${el.tagName.toLowerCase()} ${projectPath(el.currentSrc || el.src)} ${codes[el.error.code] ?? "failed"}: it will not be shown or heard`);
  }

  // ---- Readiness --------------------------------------------------------------------------
  // A real animation frame after posing, with a timer fallback in case frames are throttled.
  const nextPaint = () =>
    new Promise<void>((resolve) => {
      realRaf(() => resolve());
      setTimeout(resolve, 100);
    });
  const MEDIA_LOAD_MS = 15_000;
  /** Media that can show a frame (or has failed): never capture a video still loading. */
  function mediaReady(el: any): Promise<void> {
    if (el.readyState >= 2 || el.error || !(el.currentSrc || el.src)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => resolve();
      el.addEventListener("loadeddata", done, { once: true });
      el.addEventListener("error", done, { once: true });
      setTimeout(() => {
        if (el.readyState < 2) warnings.push(`media did not load within ${MEDIA_LOAD_MS / 1000} s: ${projectPath(el.currentSrc || el.src)}`);
        resolve();
      }, MEDIA_LOAD_MS);
    });
  }
  async function settle() {
    await document.fonts.ready;
    const images = Array.from(document.images as ArrayLike<any>).filter((img) => !img.complete);
    await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
    const media = Array.from(document.querySelectorAll("video, audio") as ArrayLike<any>);
    for (const el of media) {
      // The driver owns playback: nothing plays by itself, nothing is heard in the browser.
      el.autoplay = false;
      el.muted = true;
      if (!el.paused) el.pause();
      if (el.preload !== "auto") el.preload = "auto";
    }
    await Promise.all(media.filter((el) => el.tagName === "VIDEO").map(mediaReady));
  }
  // Deterministic fonts (./fonts/page-fonts.ts, evaluated before this script), once the page
  // and its sub-compositions are in: before the first frame.
  const fonts = w.__reelflareFonts;
  const ready = Promise.all([mounted, loaded])
    .then(async () => {
      if (fonts) warnings.push(...(await fonts.apply()));
    })
    .then(settle);

  /** Videos visible in the last pose (see seek()). */
  const videosOnScreen = new Set<any>();

  // ---- Change detection -------------------------------------------------------------------
  // A pose that cannot look different from the previous one is reported as unchanged, and the
  // capture code reuses the previous image instead of taking another (titles held for seconds
  // are common). Judged conservatively: any attribute or text that ended different, any GSAP
  // tween or CSS/Web animation whose progress moved, a scroll, an animation-frame callback on a
  // page with a canvas (it may have drawn; GSAP's own ticker runs every frame and only moves
  // timelines, which are paused), any video on screen, anything still loading, and content whose
  // motion we cannot see (frames, SMIL, GIFs) all count as change. Not seen: a script editing
  // stylesheet rules in place (CSSOM) from a timer or a callback.
  // GSAP and the driver itself rewrite styles with the values they already had: a mutation
  // counts only when an attribute or text ends the pose different from how it started.
  let pending: any[] = [];
  let firstPose = true;
  const mutations = new w.MutationObserver((records: any[]) => pending.push(...records));
  mutations.observe(document, { subtree: true, childList: true, attributes: true, characterData: true, attributeOldValue: true, characterDataOldValue: true });
  function mutatedSinceLastPose(): boolean {
    const records = [...pending, ...mutations.takeRecords()];
    pending = [];
    const before = new Map<any, Map<string, string | null>>();
    for (const r of records) {
      if (r.type === "childList") return true;
      const key = r.type === "attributes" ? `@${r.attributeNamespace ?? ""}:${r.attributeName}` : "#text";
      const seen = before.get(r.target) ?? new Map<string, string | null>();
      if (!seen.has(key)) seen.set(key, r.oldValue);
      before.set(r.target, seen);
    }
    for (const [target, seen] of before) {
      for (const [key, old] of seen) {
        const now = key === "#text" ? target.data : target.getAttributeNS(key.slice(1, key.indexOf(":")) || null, key.slice(key.indexOf(":") + 1));
        if (now !== old) return true;
      }
    }
    return false;
  }
  let lastMotion = "";
  /** Where every timed thing stands: equal strings mean nothing that animates has moved. */
  function motionState(t: number): string {
    const parts: unknown[] = [window.scrollX, window.scrollY];
    for (const [id, tl] of timelineEntries()) {
      if (typeof tl.getChildren !== "function") {
        parts.push(id, t); // not GSAP: assume it moves with time
        continue;
      }
      // Tweens are what draws. A timeline's progress moves through holds too, so timelines
      // count only when they have an onUpdate of their own (which runs whatever the tweens do).
      for (const tween of tl.getChildren(true, true, false)) parts.push(tween.totalProgress());
      for (const timeline of [tl, ...tl.getChildren(true, false, true)]) {
        if (typeof timeline.eventCallback === "function" && timeline.eventCallback("onUpdate")) parts.push(timeline.totalProgress());
      }
    }
    for (const animation of trackAnimations()) {
      const timing = animation.effect?.getComputedTiming?.();
      parts.push(timing ? `${timing.progress}:${timing.currentIteration}` : t);
    }
    return parts.join(",");
  }
  /** Content that can change on its own, unseen by the checks above. */
  const UNTRACKED_MOTION = "iframe, animate, animateMotion, animateTransform, set, img[src$='.gif' i], img[src$='.apng' i]";

  const api = {
    errors,
    /** Waits for the page to load and reports its size, duration (null when undeclared) and audio. */
    async probe(waitForTimelineMs: number) {
      await ready;
      await Promise.all(Array.from(document.querySelectorAll("audio") as ArrayLike<any>).map(mediaReady));
      const started = RealDate.now();
      while (declaredDuration() === null && !root()?.hasAttribute("data-no-timeline") && RealDate.now() - started < waitForTimelineMs) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const el = root();
      const width = Number.parseInt(el?.dataset.width ?? "", 10);
      const height = Number.parseInt(el?.dataset.height ?? "", 10);
      const wins = windows();
      const duration = declaredDuration(wins);
      return {
        hasRoot: Boolean(el),
        duration,
        width: Number.isFinite(width) ? width : null,
        height: Number.isFinite(height) ? height : null,
        errors: errors.slice(),
        warnings: [...warnings, ...mediaFailures()],
        audio: duration ? audioTracks(duration, wins) : [],
      };
    },
    /**
     * Poses the page at time t (seconds) and resolves once it is ready to be captured, saying
     * how the picture relates to the previous pose (see change detection above):
     * - "same": it cannot look different;
     * - "moved": it changed, only through this pose, and the next paint shows all of it;
     * - "restless": it changed, and the page also changes by itself (between poses, or through
     *   a video), so only a screenshot taken now is sure to show this pose.
     * A changed pose also says when it began: "moved@<epoch ms>".
     */
    async seek(t: number): Promise<string> {
      await ready;
      // Anything that changed since the last pose, before this one changes anything.
      const early = mutations.takeRecords();
      pending.push(...early);
      const restless = !firstPose && (pending.length > 0 || freeRunning());
      const posedAt = performance.timeOrigin + realNow();
      nowMs = t * 1000;
      const wins = windows();
      const total = declaredDuration(wins) ?? Infinity;
      for (const [id, tl] of timelineEntries()) {
        if (typeof tl.pause === "function") tl.pause();
        tl.seek(Math.max(0, t - timelineOffset(id, wins)), false);
      }
      posed = true;
      for (const animation of trackAnimations()) {
        animation.pause();
        animation.currentTime = nowMs;
      }
      // A clip shows when its window and the windows of all the clips around it are open.
      const shown = new Map<any, boolean>();
      const isShown = (el: any): boolean => {
        if (shown.has(el)) return shown.get(el)!;
        const win = wins.get(el)!;
        let visible = Number.isFinite(win.start) && visibleAt(t, win, total);
        const outer = el.parentElement?.closest("[data-start]");
        if (visible && outer && wins.has(outer)) visible = isShown(outer);
        shown.set(el, visible);
        return visible;
      };
      const seeks: Promise<void>[] = [];
      for (const [el, win] of wins) {
        if (el.tagName === "AUDIO") continue;
        const visible = isShown(el);
        // Written only when it changes: an unchanged clip must not look like a mutation.
        const visibility = visible ? "visible" : "hidden";
        if (el.style.visibility !== visibility) el.style.visibility = visibility;
        if (el.tagName === "VIDEO" && visible) {
          const time = sourceTimeAt(el, t, win);
          const seeking = seekVideo(el, time);
          if (!videosOnScreen.has(el)) {
            // A video that just became visible can show its first decoded frame for a paint or
            // two although the seek has landed (seen on a busy machine): seek again once it is
            // on screen, so the frame captured is the one presented after it appeared.
            seeks.push(
              Promise.resolve(seeking)
                .then(nextPaint)
                .then(async () => {
                  await seekVideo(el, time + 1e-4);
                }),
            );
          } else if (seeking) {
            seeks.push(seeking);
          }
        }
        if (el.tagName === "VIDEO") {
          if (visible) videosOnScreen.add(el);
          else videosOnScreen.delete(el);
        }
      }
      const callbacks = Array.from(frameCallbacks.values());
      frameCallbacks.clear();
      for (const cb of callbacks) cb(nowMs);
      const loading = document.fonts.status !== "loaded" || Array.from(document.images as ArrayLike<any>).some((img) => !img.complete);
      await Promise.all(seeks);
      await settle();
      const motion = motionState(t);
      const mutated = mutatedSinceLastPose();
      const unchanged =
        !firstPose && !mutated && !loading && !(callbacks.length > 0 && document.querySelector("canvas")) &&
        videosOnScreen.size === 0 && motion === lastMotion &&
        !document.querySelector(UNTRACKED_MOTION);
      lastMotion = motion;
      firstPose = false;
      if (unchanged) return "same";
      await nextPaint();
      const how = restless || loading || videosOnScreen.size > 0 || document.querySelector(UNTRACKED_MOTION) ? "restless" : "moved";
      // With when the pose began (epoch ms): a pushed frame drawn before then is not this pose's.
      return `${how}@${posedAt}`;
    },
  };
  // Neither replaced nor removed by the page: a broken driver would look like our fault.
  Object.defineProperty(w, "__reelflare", { value: Object.freeze(api), writable: false, configurable: false });
}

/** The CDP binding (Runtime.addBinding) the driver reports refused navigations through. */
export const NAVIGATION_NOTICE = "__reelflareNavigation";

export function pageDriverSource(seed: number, variablesJson = "{}"): string {
  // The bundler may wrap named functions in `__name(...)` (keepNames); define it in the page.
  return `(() => { var __name = (fn) => fn; (${pageDriver.toString()})(${seed >>> 0}, ${variablesJson}); })();`;
}
