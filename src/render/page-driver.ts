// The script injected into every composition page before its own scripts run. It makes a
// frame depend only on its time: virtual clocks (Date, performance.now,
// requestAnimationFrame), seeded Math.random, and a seek() that poses every animation at t.
// It exposes `window.__reelflare` for the capture code: probe() and seek(t).
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

  // Variables: declared defaults (data-composition-variables on <html> or the root) merged
  // with the render's overrides, readable before any page script runs.
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
  document.addEventListener("DOMContentLoaded", () => {
    const values = variables();
    for (const [id, value] of Object.entries(values)) {
      if (value !== undefined && (typeof value !== "object" || value === null)) {
        document.documentElement.style.setProperty(`--${id}`, String(value));
      }
    }
    for (const el of Array.from(document.querySelectorAll("[data-var-text]") as ArrayLike<any>)) {
      const id = el.getAttribute("data-var-text");
      if (id in values) el.textContent = asText(values[id]);
    }
    for (const el of Array.from(document.querySelectorAll("[data-var-src]") as ArrayLike<any>)) {
      const id = el.getAttribute("data-var-src");
      if (id in values) el.setAttribute("src", asText(values[id]));
    }
  });
  const errors: string[] = [];
  window.addEventListener("error", (e: any) => errors.push(e.message || String(e.error)));
  window.addEventListener("unhandledrejection", (e: any) => errors.push(`unhandled rejection: ${String(e.reason)}`));

  const root = () => document.querySelector("[data-composition-id]");
  const timelines = () => Object.values(w.__timelines as Record<string, any>).filter((t) => t && typeof t.seek === "function");
  const loaded = new Promise<void>((resolve) => {
    if (document.readyState === "complete") resolve();
    else window.addEventListener("load", () => resolve(), { once: true });
  });
  // A real animation frame after posing, with a timer fallback in case frames are throttled.
  const nextPaint = () =>
    new Promise<void>((resolve) => {
      realRaf(() => resolve());
      setTimeout(resolve, 100);
    });

  async function settle() {
    await document.fonts.ready;
    const images = Array.from(document.images as ArrayLike<any>).filter((img) => !img.complete);
    await Promise.all(images.map((img) => img.decode().catch(() => undefined)));
  }

  function declaredDuration(): number | null {
    const attr = root()?.dataset.duration;
    const fromAttr = attr === undefined ? NaN : Number.parseFloat(attr);
    if (Number.isFinite(fromAttr) && fromAttr > 0) return fromAttr;
    const fromTimelines = Math.max(0, ...timelines().map((t) => (typeof t.duration === "function" ? t.duration() : 0)));
    return fromTimelines > 0 ? fromTimelines : null;
  }

  // Clip starts: seconds ("12.5"), or relative to another clip's end ("intro", "intro + 2",
  // "intro - 0.5"), the HyperFrames grammar. Resolved recursively; a cycle resolves to NaN.
  function clipStarts(clips: any[]): Map<any, number> {
    const byId = new Map(clips.filter((c) => c.id).map((c) => [c.id, c]));
    const starts = new Map<any, number>();
    const resolving = new Set<any>();
    const startOf = (clip: any): number => {
      if (starts.has(clip)) return starts.get(clip)!;
      if (resolving.has(clip)) return NaN;
      resolving.add(clip);
      const expr = String(clip.dataset.start ?? "").trim();
      let start = NaN;
      if (/^-?\d+(\.\d+)?$/.test(expr)) {
        start = Number.parseFloat(expr);
      } else {
        const m = /^([A-Za-z_][\w-]*)\s*(?:([+-])\s*(\d+(?:\.\d+)?))?$/.exec(expr);
        const ref = m ? byId.get(m[1]) : undefined;
        if (m && ref) {
          const refDuration = Number.parseFloat(ref.dataset.duration ?? "");
          const refEnd = startOf(ref) + (Number.isFinite(refDuration) ? refDuration : 0);
          start = refEnd + (m[2] === "-" ? -1 : 1) * Number.parseFloat(m[3] ?? "0");
        }
      }
      resolving.delete(clip);
      starts.set(clip, start);
      return start;
    };
    for (const clip of clips) startOf(clip);
    return starts;
  }

  function poseClips(t: number) {
    const el = root();
    if (!el) return;
    const clips = Array.from(el.querySelectorAll(":scope > .clip[data-start]") as ArrayLike<any>);
    const starts = clipStarts(clips);
    for (const clip of clips) {
      const start = starts.get(clip)!;
      const duration = Number.parseFloat(clip.dataset.duration ?? "");
      if (!Number.isFinite(start)) continue;
      const visible = t >= start && (!Number.isFinite(duration) || t <= start + duration);
      clip.style.visibility = visible ? "" : "hidden";
    }
  }

  w.__reelflare = {
    errors,
    /** Waits for the page to load and reports its size and duration (null when undeclared). */
    async probe(waitForTimelineMs: number) {
      await loaded;
      await settle();
      const started = RealDate.now();
      while (declaredDuration() === null && !root()?.hasAttribute("data-no-timeline") && RealDate.now() - started < waitForTimelineMs) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const el = root();
      const width = Number.parseInt(el?.dataset.width ?? "", 10);
      const height = Number.parseInt(el?.dataset.height ?? "", 10);
      return {
        hasRoot: Boolean(el),
        duration: declaredDuration(),
        width: Number.isFinite(width) ? width : null,
        height: Number.isFinite(height) ? height : null,
        errors: errors.slice(),
      };
    },
    /** Poses the page at time t (seconds) and resolves once it is ready to be captured. */
    async seek(t: number) {
      nowMs = t * 1000;
      for (const tl of timelines()) {
        if (typeof tl.pause === "function") tl.pause();
        tl.seek(t, false);
      }
      for (const animation of document.getAnimations() as any[]) {
        animation.pause();
        animation.currentTime = nowMs;
      }
      poseClips(t);
      const callbacks = Array.from(frameCallbacks.values());
      frameCallbacks.clear();
      for (const cb of callbacks) cb(nowMs);
      await settle();
      await nextPaint();
    },
  };
}

export function pageDriverSource(seed: number, variablesJson = "{}"): string {
  // The bundler may wrap named functions in `__name(...)` (keepNames); define it in the page.
  return `(() => { var __name = (fn) => fn; (${pageDriver.toString()})(${seed >>> 0}, ${variablesJson}); })();`;
}
