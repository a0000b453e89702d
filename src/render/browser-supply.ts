// Where a step's browser comes from, and where it goes when the step is done: an idle browser
// another step left open (../jobs/browser-pool.ts) when there is one, else a new launch; and
// back to the pool for BROWSER_WARM_S when the step ended well, else closed. A browser in the
// pool keeps nothing of its last render: every composition page opens in a browser context of
// its own (storage, cache, cookies), closed before the browser is given back.
import puppeteer, { type Browser } from "@cloudflare/puppeteer";
import type { Env } from "../env.ts";
import { configFrom } from "../config.ts";
import type { BrowserPool } from "../jobs/browser-pool.ts";

export interface BrowserLease {
  browser: Browser;
  /** Taken from the pool (already running), not launched for this step. */
  pooled: boolean;
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
      if (browser) return { browser, pooled: true };
    }
    const keepAlive = Math.min(MAX_KEEP_ALIVE_MS, Math.max(60_000, this.keepWarmMs + KEEP_ALIVE_MARGIN_MS));
    const launching = puppeteer.launch(this.binding, { keep_alive: keepAlive });
    try {
      return { browser: await within(launching, LAUNCH_TIMEOUT_MS, "starting the browser"), pooled: false };
    } catch (err) {
      void launching.then((late) => late.close()).catch(() => {});
      throw err;
    }
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
    await within(browser.close(), CLOSE_TIMEOUT_MS, "closing the browser").catch(() => {});
  }
}

/** `promise`, or a rejection naming `what` after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
