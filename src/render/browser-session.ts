// One browser with one page showing a composition, driven through the `browser` binding
// (Browser Rendering in production, Miniflare's local Chromium in development). A browser
// reused from the pool (./browser-supply.ts) shows the page in a browser context of its own,
// exactly as a new browser would. Background tabs are never painted: a second page of the
// same browser opens in a window of its own (openSibling).
import type { Browser, BrowserContext, CDPSession, Page } from "@cloudflare/puppeteer";
import { pageDriverSource } from "./page-driver.ts";
import { z } from "zod";
import { fromBase64 } from "../lib/base64.ts";
import { PageAudioTrack } from "./audio-plan.ts";
import { capturePrefix } from "./capture-url.ts";
import { CompositionError } from "./composition-error.ts";
import { PageGuard } from "./page-guard.ts";
import { refusePopups } from "./popup-sandbox.ts";
import { ScreencastFeed } from "./screencast.ts";
import { fontsBaseUrl } from "./fonts/font-css.ts";
import { pageFontsSource } from "./fonts/page-fonts.ts";
import type { BrowserSupply } from "./browser-supply.ts";
import { settledWithin } from "../lib/time-limit.ts";

export { CompositionError };

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

export type Pose = "same" | "moved" | "restless";

export interface ScreenshotOptions {
  /** WebP at quality 100 is lossless (with alpha); JPEG is lossy YCbCr 4:2:0 without alpha. */
  format: "jpeg" | "png" | "webp";
  quality?: number;
}

const NAVIGATION_TIMEOUT_MS = 30_000;
/** How long a second page's window may take to appear. */
const SIBLING_TIMEOUT_MS = 30_000;
/** A page or context that does not close by then (a page that hangs it) is given up on. */
const CLOSE_TIMEOUT_MS = 5_000;
/** How long to wait for a GSAP timeline to appear when the root declares no duration. */
const TIMELINE_WAIT_MS = 3_000;
/** The probe waits for audio to load (15 s at most, in the driver) and for timelines. */
const PROBE_EXTRA_MS = 20_000;

export class CompositionSession {
  private readonly browser: Browser;
  private readonly page: Page;
  private readonly cdp: CDPSession;
  readonly pageErrors: string[];
  /** URLs the page tried to load from outside its own project (refused). */
  readonly blockedRequests: Set<string>;
  /** Dialogs dismissed and navigations refused. */
  readonly pageWarnings: Set<string>;

  private readonly options: SessionOptions;
  /** The first page's session owns the browser (and gives it back to where it came from); a
   *  sibling's closes only its page. `context` null: the browser's default context. */
  private readonly owner: { supply: BrowserSupply; context: BrowserContext | null } | null;
  /** The browser was taken from the pool, already running. */
  pooledBrowser = false;
  private readonly guard: PageGuard;
  private feed: ScreencastFeed | null = null;
  /** When the last pose began, by the page's clock (epoch ms). */
  private posedAt = Infinity;

  private constructor(
    browser: Browser,
    page: Page,
    cdp: CDPSession,
    pageErrors: string[],
    blocked: Set<string>,
    options: SessionOptions,
    guard: PageGuard,
    owner: CompositionSession["owner"],
  ) {
    this.options = options;
    this.owner = owner;
    this.guard = guard;
    this.pageWarnings = guard.warnings;
    this.browser = browser;
    this.page = page;
    this.cdp = cdp;
    this.pageErrors = pageErrors;
    this.blockedRequests = blocked;
  }

  static async open(supply: BrowserSupply, options: SessionOptions): Promise<CompositionSession> {
    const { browser, pooled, context, page } = await supply.acquire();
    try {
      const session = await CompositionSession.onPage(browser, page, options, { supply, context });
      session.pooledBrowser = pooled;
      return session;
    } catch (err) {
      await supply.release(browser, false);
      throw err;
    }
  }

  /**
   * The same composition on a second page of this session's browser, in a window of its own
   * (a background tab draws nothing): two pages posed side by side keep the browser's processes
   * busy while each waits on the other's frame (see ./capture.ts). Null when the browser cannot
   * show a second page; the first goes on alone.
   */
  async openSibling(): Promise<CompositionSession | null> {
    let page: Page | null = null;
    try {
      const browserCdp = await this.browser.target().createCDPSession();
      const { targetId } = await browserCdp.send("Target.createTarget", {
        url: "about:blank",
        newWindow: true,
        browserContextId: this.owner?.context?.id,
      });
      await browserCdp.detach().catch(() => {});
      const target = await this.browser.waitForTarget((t) => (t as unknown as { _targetId?: string })._targetId === targetId, { timeout: SIBLING_TIMEOUT_MS });
      page = (await target.page()) ?? null;
      // Asked before the composition is there to answer for itself.
      const visibility = page ? await page.evaluate("document.visibilityState") : "gone";
      if (!page || visibility !== "visible") {
        console.warn(`a second page was not opened: its window is ${visibility}`);
        await page?.close().catch(() => {});
        return null;
      }
      return await CompositionSession.onPage(this.browser, page, this.options, null);
    } catch (err) {
      console.warn(`a second page could not be opened: ${err instanceof Error ? err.message : err}`);
      await page?.close().catch(() => {});
      return null;
    }
  }

  /** Prepares `page` (sandbox, guard, fonts, driver) and loads the composition in it. */
  private static async onPage(browser: Browser, page: Page, options: SessionOptions, owner: CompositionSession["owner"]): Promise<CompositionSession> {
    let guard: PageGuard | undefined;
    try {
      const pageErrors: string[] = [];
      page.on("pageerror", (err) => pageErrors.push(err instanceof Error ? err.message : String(err)));
      await page.setViewport({
        width: options.width,
        height: options.height,
        deviceScaleFactor: options.deviceScaleFactor,
      });
      const cdp = await page.createCDPSession();
      const watching = await PageGuard.watch(browser, cdp, options.url);
      guard = watching;
      const blocked = new Set<string>();
      await sandboxRequests(cdp, options.url, blocked, (to) => watching.refusedNavigation(to));
      await refusePopups(cdp, (to) => watching.refusedPopup(to)).catch((err) => {
        console.warn(`popup windows are not contained: ${err instanceof Error ? err.message : err}`);
      });
      if (options.transparent) {
        await cdp.send("Emulation.setDefaultBackgroundColorOverride", { color: { r: 0, g: 0, b: 0, a: 0 } });
      }
      await page.evaluateOnNewDocument(pageFontsSource(fontsBaseUrl(options.url)));
      await page.evaluateOnNewDocument(pageDriverSource(options.seed, options.variablesJson));
      const response = await watching.run(
        page.goto(options.url, { waitUntil: "load", timeout: 0 }),
        "loading the composition page",
        NAVIGATION_TIMEOUT_MS,
        () => watching.loadingStatus(),
      );
      if (response && !response.ok()) {
        throw new CompositionError(`composition page could not be loaded: HTTP ${response.status()}`);
      }
      return new CompositionSession(browser, page, cdp, pageErrors, blocked, options, watching, owner);
    } catch (err) {
      guard?.close();
      throw err;
    }
  }

  async probe(): Promise<ProbeResult> {
    const raw = await this.guard.run(
      this.evaluate(`window.__reelflare.probe(${TIMELINE_WAIT_MS})`, "being probed"),
      "probing the composition",
      this.options.frameTimeoutMs + PROBE_EXTRA_MS,
      () => NEVER_SETTLED,
    );
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

  /**
   * Poses the page at `seconds`: "same" when it cannot look different from the previous pose,
   * "moved" when only this pose changed it, "restless" when the page also changes by itself
   * (see the page driver's seek()).
   */
  async seek(seconds: number): Promise<Pose> {
    await this.feed?.readyForPose();
    const posing = this.evaluate(`window.__reelflare.seek(${seconds})`, "being posed");
    const answer = String(await this.guard.run(posing, "posing the page", this.options.frameTimeoutMs, () => NEVER_SETTLED));
    const [pose, at] = answer.split("@");
    this.posedAt = Number(at) || Infinity;
    return pose === "same" || pose === "moved" ? pose : "restless";
  }

  /**
   * Takes frames from the compositor's screencast where that is sure to show the pose (see
   * ./screencast.ts), else screenshots. JPEG at scale 1 only: the screencast has no other kind.
   */
  async useScreencast(quality: number, size: { width: number; height: number }): Promise<boolean> {
    this.feed = await ScreencastFeed.start(this.cdp, quality, size).catch(() => null);
    return this.feed !== null;
  }

  /** Frames the screencast has supplied so far. */
  get screencastFrames(): number {
    return this.feed?.framesTaken ?? 0;
  }

  /** Why the screencast lapsed (a screenshot for that pose), in order. */
  get screencastLapses(): readonly string[] {
    return this.feed?.lapses ?? [];
  }

  /** Why the screencast stopped, if it did. */
  get screencastStopped(): string | null {
    const reason = this.feed?.stoppedBecause ?? null;
    return reason === "closed" ? null : reason;
  }

  /** The frame of the pose just made: the screencast's when it can be trusted, else a screenshot. */
  async capture(options: ScreenshotOptions, pose: Pose): Promise<Uint8Array> {
    if (this.feed?.active && options.format === "jpeg") {
      if (pose !== "moved") {
        this.feed.stop("the page changes by itself");
        return this.screenshot(options);
      }
      const frame = await this.feed.frameForPose(this.posedAt);
      if (frame !== null) return fromBase64(frame);
    }
    return this.screenshot(options);
  }

  async screenshot(options: ScreenshotOptions): Promise<Uint8Array> {
    const shot = this.cdp.send("Page.captureScreenshot", {
      format: options.format,
      quality: options.format === "png" ? undefined : options.quality,
      optimizeForSpeed: true,
      captureBeyondViewport: false,
    });
    // An idle page that is not painted is the browser's trouble, not the composition's.
    const { data } = await this.guard.run(shot, "taking the screenshot", this.options.frameTimeoutMs, null);
    return fromBase64(data);
  }

  /**
   * Closes the page; the owner's session also lets the browser go. `keepWarm` (a step that
   * ended well; its other pages closed first) gives it back to the pool, readied for the next
   * step and with this composition's context (or, in the default context, its page) closed;
   * otherwise, or when that does not happen in time, the browser is closed.
   */
  async close(keepWarm = false): Promise<void> {
    this.feed?.stop("closed");
    this.guard.close();
    if (!this.owner) {
      await settledWithin(this.page.close(), CLOSE_TIMEOUT_MS);
      return;
    }
    const { supply, context } = this.owner;
    const keep =
      keepWarm &&
      (await supply.prepareNext(this.browser)) &&
      (await settledWithin(context ? context.close() : this.page.close(), CLOSE_TIMEOUT_MS));
    await supply.release(this.browser, keep);
  }

  /** Evaluates in the page. What the page throws is the composition's fault, not the browser's. */
  private async evaluate(expression: string, during: string): Promise<unknown> {
    const { result, exceptionDetails } = await this.cdp.send("Runtime.evaluate", {
      expression,
      awaitPromise: true,
      returnByValue: true,
    });
    if (exceptionDetails) {
      const thrown = exceptionDetails.exception?.description?.split("\n")[0] ?? exceptionDetails.text;
      throw new CompositionError(`the page threw while ${during}: ${thrown.slice(0, 300)}`);
    }
    return result.value;
  }
}

/** What an idle page whose driver call never settled is waiting for. */
const NEVER_SETTLED = "the page is idle, yet it never settled (it waits for a promise that never resolves)";

/**
 * The page may load only its own project files, i.e. URLs under its capability prefix
 * (`…/v1/capture/<token>/`), and the bundled fonts (`…/v1/fonts/`, see ./fonts/); data: and
 * blob: URLs never reach the network. Every other request
 * — the internet, this machine, another render's files — is refused and remembered. The main
 * frame loads the composition once: navigating it anywhere else (another site, another project
 * file, a reload) is refused too, and the page stays as it is.
 */
async function sandboxRequests(
  cdp: CDPSession,
  pageUrl: string,
  blocked: Set<string>,
  refusedNavigation: (to: string) => void,
): Promise<void> {
  const prefix = capturePrefix(pageUrl);
  if (!prefix) throw new Error(`not a capture URL: ${pageUrl}`);
  const favicon = new URL("/favicon.ico", pageUrl).href;
  const fonts = fontsBaseUrl(pageUrl);
  const { frameTree } = await cdp.send("Page.getFrameTree");
  let compositionRequested = false;
  cdp.on("Fetch.requestPaused", (event) => {
    const { requestId, request } = event;
    if (event.resourceType === "Document" && event.frameId === frameTree.frame.id) {
      if (compositionRequested) {
        // Those the page driver could not cancel. "Aborted" cancels the navigation (any other
        // error would commit an error page) but the page stops loading where it was.
        refusedNavigation(request.url);
        cdp.send("Fetch.failRequest", { requestId, errorReason: "Aborted" }).catch(() => {});
        return;
      }
      compositionRequested = true;
    }
    if (request.url.startsWith(prefix) || request.url.startsWith(fonts)) {
      cdp.send("Fetch.continueRequest", { requestId }).catch(() => {});
    } else {
      // The browser asks for the site's icon by itself: refused, but not the page's doing.
      if (request.url !== favicon) blocked.add(request.url);
      cdp.send("Fetch.failRequest", { requestId, errorReason: "BlockedByClient" }).catch(() => {});
    }
  });
  await cdp.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
}
