// BrowserPool: one Durable Object per deployment that remembers the browsers a finished step
// left open (disconnected, not closed) and hands each to the next step that asks — so a render
// that follows another within BROWSER_WARM_S starts without waiting for browser launches
// (Browser Rendering starts one new browser a second; connecting to a running one is not a
// launch). An alarm closes a browser nobody took in time: idle browser time is billed, and
// Miniflare never closes an idle browser by itself.
//
// It only keeps session ids: whoever takes one connects to it, and a browser that has gone
// meanwhile (closed by the platform) just fails to connect and a new one is launched.
import puppeteer from "@cloudflare/puppeteer";
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";
import { settledWithin } from "../lib/time-limit.ts";

/** Session id → the time (epoch ms) the browser is closed if nobody takes it. */
type Idle = Record<string, number>;

/** A browser this close to its closing time is not handed out: the taker would lose it. */
const TAKE_MARGIN_MS = 2_000;
/** How long closing one expired browser may take before the alarm moves on. */
const CLOSE_TIMEOUT_MS = 5_000;

export class BrowserPool extends DurableObject<Env> {
  /** Remembers an idle browser for `keepMs`. */
  async give(sessionId: string, keepMs: number): Promise<void> {
    const idle = await this.idle();
    idle[sessionId] = Date.now() + keepMs;
    await this.save(idle);
  }

  /** Hands out the browser given back last (the most recently used), or null. */
  async take(): Promise<string | null> {
    const idle = await this.idle();
    const now = Date.now();
    const usable = Object.entries(idle)
      .filter(([, until]) => until - now > TAKE_MARGIN_MS)
      .sort((a, b) => b[1] - a[1]);
    const first = usable[0];
    if (!first) return null;
    delete idle[first[0]];
    await this.save(idle);
    return first[0];
  }

  /** How many idle browsers a step starting now could take (the planner counts on them). */
  async available(): Promise<number> {
    const now = Date.now();
    return Object.values(await this.idle()).filter((until) => until - now > TAKE_MARGIN_MS).length;
  }

  /** Closes every browser whose time is up, and waits for the next. */
  override async alarm(): Promise<void> {
    const idle = await this.idle();
    const now = Date.now();
    const expired = Object.keys(idle).filter((id) => idle[id]! <= now);
    for (const id of expired) delete idle[id];
    await this.save(idle);
    await Promise.all(expired.map((id) => closeSession(this.env.BROWSER, id)));
  }

  private async idle(): Promise<Idle> {
    return (await this.ctx.storage.get<Idle>("idle")) ?? {};
  }

  private async save(idle: Idle): Promise<void> {
    await this.ctx.storage.put("idle", idle);
    const next = Math.min(...Object.values(idle));
    if (Number.isFinite(next)) await this.ctx.storage.setAlarm(next);
    else await this.ctx.storage.deleteAlarm();
  }
}

/** Connects to an idle browser only to close it; one already gone is fine. */
async function closeSession(binding: Fetcher, sessionId: string): Promise<void> {
  await settledWithin(
    puppeteer.connect(binding, sessionId).then((browser) => browser.close()),
    CLOSE_TIMEOUT_MS,
  );
}
