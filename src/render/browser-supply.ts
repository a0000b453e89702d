// Where a step's browser comes from, and where it goes when the step is done: an idle browser
// another step left open (../jobs/browser-pool.ts) when there is one, else a new launch; and
// back to the pool for BROWSER_WARM_S when the step ended well, else closed.
//
// A browser in the pool keeps nothing of its last render. A new browser's first composition
// uses its default context (nothing is stored there yet); every later one gets a browser context
// of its own (storage, cache, cookies), made with a blank page by the step before it, as it gives
// the browser back (a new context starts a renderer process, about 0.3 s better spent then than
// when the next step waits for it), after which that step's own pages and context are closed.
import puppeteer, { type Browser, type BrowserContext, type Page } from "@cloudflare/puppeteer";
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import type { BrowserPool } from "../jobs/browser-pool.ts";
import { settledWithin, within } from "../lib/time-limit.ts";

export interface BrowserLease {
  browser: Browser;
  /** Taken from the pool (already running), not launched for this step. */
  pooled: boolean;
  /** Where the composition page goes: a blank page ready for it, in a context of its own (null:
   *  the default context, only in a browser just launched). */
  context: BrowserContext | null;
  page: Page;
}

/** A browser that has not started by then is given up on (the step is retried): a launch that
 *  hangs would otherwise hold the render until the watchdog fails it minutes later. */
const LAUNCH_TIMEOUT_MS = 60_000;
/** Connecting to a running browser takes a WebSocket handshake; one that does not answer by then
 *  is left to the pool's alarm. */
const CONNECT_TIMEOUT_MS = 10_000;
/** Idle browsers tried before launching: one may have been closed by the platform meanwhile. */
const POOL_TRIES = 3;
/** Browser Rendering closes a browser idle for keep_alive (at most 10 minutes); the pool closes
 *  its own first, so the platform's timer is only a backstop. */
const KEEP_ALIVE_MARGIN_MS = 60_000;
const MAX_KEEP_ALIVE_MS = 600_000;
const CLOSE_TIMEOUT_MS = 5_000;

export class BrowserSupply {
  private readonly binding: Fetcher;
  /** Null when BROWSER_WARM_S is 0: every browser is launched and closed. */
  private readonly pool: DurableObjectStub<BrowserPool> | null;
  private readonly keepWarmMs: number;

  private constructor(binding: Fetcher, pool: DurableObjectStub<BrowserPool> | null, keepWarmMs: number) {
    this.binding = binding;
    this.pool = pool;
    this.keepWarmMs = keepWarmMs;
  }

  static of(env: Env): BrowserSupply {
    const keepWarmMs = configFrom(env).browserWarmS * 1000;
    const pool = keepWarmMs > 0 ? env.BROWSER_POOL.get(env.BROWSER_POOL.idFromName("browsers")) : null;
    return new BrowserSupply(env.BROWSER, pool, keepWarmMs);
  }

  /** Idle browsers a step starting now could take (the chunk planner counts on them). */
  async idleBrowsers(): Promise<number> {
    return this.pool ? await this.pool.available().catch(() => 0) : 0;
  }

  async acquire(): Promise<BrowserLease> {
    for (let i = 0; this.pool && i < POOL_TRIES; i++) {
      const sessionId = await this.pool.take().catch(() => null);
      if (!sessionId) break;
      const browser = await within(puppeteer.connect(this.binding, sessionId), CONNECT_TIMEOUT_MS, "connecting to an idle browser").catch(
        (err) => {
          console.warn(`idle browser ${sessionId} could not be taken (${err instanceof Error ? err.message : err}); trying another`);
          return null;
        },
      );
      if (browser) {
        const ready = await blankPageInOwnContext(browser).catch(() => null);
        if (ready) return { browser, pooled: true, ...ready };
        await this.release(browser, false);
      }
    }
    const keepAlive = Math.min(MAX_KEEP_ALIVE_MS, Math.max(60_000, this.keepWarmMs + KEEP_ALIVE_MARGIN_MS));
    const launching = puppeteer.launch(this.binding, { keep_alive: keepAlive });
    let browser: Browser;
    try {
      browser = await within(launching, LAUNCH_TIMEOUT_MS, "starting the browser");
    } catch (err) {
      void launching.then((late) => late.close()).catch(() => {});
      throw err;
    }
    try {
      // The blank page a new browser opens with: nothing to start.
      const page = (await browser.pages()).find((p) => p.url() === "about:blank") ?? (await browser.newPage());
      return { browser, pooled: false, context: null, page };
    } catch (err) {
      await this.release(browser, false);
      throw err;
    }
  }

  /** Readies the browser for the next step: a blank page in a new context of its own. */
  async prepareNext(browser: Browser): Promise<boolean> {
    return within(
      browser.createBrowserContext().then((context) => context.newPage()),
      CLOSE_TIMEOUT_MS,
      "opening the next step's page",
    ).then(
      () => true,
      (err) => {
        console.warn(`a browser could not be readied for the next step (${err instanceof Error ? err.message : err})`);
        return false;
      },
    );
  }

  /** Gives the browser back to the pool (left running, disconnected) or closes it. Only a
   *  browser whose step ended well and whose pages are closed is kept. */
  async release(browser: Browser, keepWarm: boolean): Promise<void> {
    if (keepWarm && this.pool) {
      try {
        const sessionId = browser.sessionId();
        await within(browser.disconnect(), CLOSE_TIMEOUT_MS, "disconnecting");
        await this.pool.give(sessionId, this.keepWarmMs);
        return;
      } catch (err) {
        console.warn(`a browser could not be kept warm (${err instanceof Error ? err.message : err}); closing it`);
      }
    }
    await settledWithin(browser.close(), CLOSE_TIMEOUT_MS);
  }
}

/** The page the step before readied (a context whose only page is blank), or a new one. */
async function blankPageInOwnContext(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  for (const context of browser.browserContexts()) {
    if (context === browser.defaultBrowserContext()) continue;
    const pages = await context.pages();
    if (pages.length === 1 && pages[0]!.url() === "about:blank") return { context, page: pages[0]! };
  }
  const context = await browser.createBrowserContext();
  return { context, page: await context.newPage() };
}
