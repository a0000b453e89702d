// One browser with one page showing a composition, driven through the `browser` binding
// (Browser Rendering in production, Miniflare's local Chromium in development).
// One page per browser: background tabs are never painted, so parallelism means browsers.
import { RenderFailure } from "../core/errors.ts";
import puppeteer, { type Browser, type CDPSession, type Page } from "@cloudflare/puppeteer";
import { pageDriverSource } from "./page-driver.ts";
import { z } from "zod";
import { fromBase64 } from "../lib/base64.ts";
import { PageAudioTrack } from "./audio-plan.ts";
import { capturePrefix } from "./capture-url.ts";

/** The composition itself is wrong (throws, declares no duration…): retrying cannot help. */
export class CompositionError extends RenderFailure {}

/** What the page driver's probe() answers; validated, since the page runs untrusted code. */
const ProbeResult = z.object({
  hasRoot: z.boolean(),
  duration: z.number().positive().finite().nullable(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  errors: z.array(z.string()),
  warnings: z.array(z.string()),
  audio: z.array(PageAudioTrack).max(256),
});
export type ProbeResult = z.infer<typeof ProbeResult>;

export interface SessionOptions {
  url: string;
  width: number;
  height: number;
  deviceScaleFactor: number;
  /** Transparent page background, for formats that carry alpha. */
  transparent: boolean;
  seed: number;
  /** The render's variable overrides, as JSON. */
  variablesJson: string;
  /** How long posing or capturing one frame may take: a page that hangs must not hang the chunk. */
  frameTimeoutMs: number;
}

export interface ScreenshotOptions {
  format: "jpeg" | "png";
  quality?: number;
}

const NAVIGATION_TIMEOUT_MS = 30_000;
/** A browser that has not started by then is given up on (the step is retried): a launch that
 *  hangs would otherwise hold the render until the watchdog fails it minutes later. */
const LAUNCH_TIMEOUT_MS = 60_000;
/** How long to wait for a GSAP timeline to appear when the root declares no duration. */
const TIMELINE_WAIT_MS = 3_000;

export class CompositionSession {
  private readonly browser: Browser;
  private readonly page: Page;
  private readonly cdp: CDPSession;
  readonly pageErrors: string[];
  /** URLs the page tried to load from outside its own project (refused). */
  readonly blockedRequests: Set<string>;

  private readonly frameTimeoutMs: number;

  private constructor(
    browser: Browser,
    page: Page,
    cdp: CDPSession,
    pageErrors: string[],
    blocked: Set<string>,
    frameTimeoutMs: number,
  ) {
    this.frameTimeoutMs = frameTimeoutMs;
    this.browser = browser;
    this.page = page;
    this.cdp = cdp;
    this.pageErrors = pageErrors;
    this.blockedRequests = blocked;
  }

  static async open(binding: Fetcher, options: SessionOptions): Promise<CompositionSession> {
    const browser = await launchWithin(binding, LAUNCH_TIMEOUT_MS);
    try {
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (err) => pageErrors.push(err instanceof Error ? err.message : String(err)));
      await page.setViewport({
        width: options.width,
        height: options.height,
        deviceScaleFactor: options.deviceScaleFactor,
      });
      const cdp = await page.createCDPSession();
      const blocked = new Set<string>();
      await sandboxRequests(cdp, options.url, blocked);
      if (options.transparent) {
        await cdp.send("Emulation.setDefaultBackgroundColorOverride", { color: { r: 0, g: 0, b: 0, a: 0 } });
      }
      await page.evaluateOnNewDocument(pageDriverSource(options.seed, options.variablesJson));
      const response = await page.goto(options.url, { waitUntil: "load", timeout: NAVIGATION_TIMEOUT_MS });
      if (response && !response.ok()) {
        throw new CompositionError(`composition page could not be loaded: HTTP ${response.status()}`);
      }
      return new CompositionSession(browser, page, cdp, pageErrors, blocked, options.frameTimeoutMs);
    } catch (err) {
      await browser.close().catch(() => {});
      throw err;
    }
  }

  async probe(): Promise<ProbeResult> {
    const raw = await this.page.evaluate(`window.__reelflare.probe(${TIMELINE_WAIT_MS})`);
    const parsed = ProbeResult.safeParse(raw);
    if (!parsed.success) {
      throw new CompositionError(`composition page reported an unreadable probe: ${z.prettifyError(parsed.error).slice(0, 500)}`);
    }
    const result = parsed.data;
    return { ...result, errors: [...new Set([...this.pageErrors, ...result.errors])] };
  }

  /** Changes the viewport (the plan step opens the page before it knows the composition's size). */
  async resize(width: number, height: number): Promise<void> {
    await this.page.setViewport({ width, height, deviceScaleFactor: 1 });
  }

  async seek(seconds: number): Promise<void> {
    await this.withinFrameTimeout(this.page.evaluate(`window.__reelflare.seek(${seconds})`), "posing the page");
  }

  async screenshot(options: ScreenshotOptions): Promise<Uint8Array> {
    const shot = this.cdp.send("Page.captureScreenshot", {
      format: options.format,
      quality: options.format === "jpeg" ? options.quality : undefined,
      optimizeForSpeed: true,
      captureBeyondViewport: false,
    });
    const { data } = await this.withinFrameTimeout(shot, "taking the screenshot");
    return fromBase64(data);
  }

  /** Closes the browser; a browser that does not answer (a hung page) is given up on. */
  async close(): Promise<void> {
    await Promise.race([this.browser.close().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 5_000))]);
  }

  private async withinFrameTimeout<T>(work: Promise<T>, what: string): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${what} took longer than ${this.frameTimeoutMs / 1000} s`)),
        this.frameTimeoutMs,
      );
    });
    work.catch(() => {}); // it may still settle after the timeout
    try {
      return await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * The page may load only its own project files, i.e. URLs under its capability prefix
 * (`…/v1/capture/<token>/`); data: and blob: URLs never reach the network. Every other request
 * — the internet, this machine, another render's files — is refused and remembered.
 */
async function sandboxRequests(cdp: CDPSession, pageUrl: string, blocked: Set<string>): Promise<void> {
  const prefix = capturePrefix(pageUrl);
  if (!prefix) throw new Error(`not a capture URL: ${pageUrl}`);
  const favicon = new URL("/favicon.ico", pageUrl).href;
  cdp.on("Fetch.requestPaused", (event: { requestId: string; request: { url: string } }) => {
    const { requestId, request } = event;
    if (request.url.startsWith(prefix)) {
      cdp.send("Fetch.continueRequest", { requestId }).catch(() => {});
    } else {
      // The browser asks for the site's icon by itself: refused, but not the page's doing.
      if (request.url !== favicon) blocked.add(request.url);
      cdp.send("Fetch.failRequest", { requestId, errorReason: "BlockedByClient" }).catch(() => {});
    }
  });
  await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
}

/** puppeteer.launch with a time limit; a browser that starts after it is closed at once. */
async function launchWithin(binding: Fetcher, ms: number): Promise<Browser> {
  const launching = puppeteer.launch(binding, { keep_alive: 60_000 });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the browser did not start within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([launching, timeout]);
  } catch (err) {
    void launching.then((late) => late.close()).catch(() => {});
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
