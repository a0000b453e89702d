// RateLimiter: one Durable Object per account. Holds a fixed one-minute request window and
// the set of renders currently holding a concurrency slot.
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../env.ts";

export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window resets. */
  resetSeconds: number;
}

export class RateLimiter extends DurableObject<Env> {
  private windowStart = 0;
  private count = 0;

  /** Counts one request against a per-minute limit. In memory: a reset on eviction is harmless. */
  async hit(limitPerMinute: number): Promise<RateDecision> {
    return this.window(limitPerMinute, true);
  }

  /** The current window against a limit, without counting a request (never refused). */
  async peek(limitPerMinute: number): Promise<RateDecision> {
    return this.window(limitPerMinute, false);
  }

  private window(limitPerMinute: number, count: boolean): RateDecision {
    const now = Date.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.count = 0;
    }
    const allowed = !count || this.count < limitPerMinute;
    if (count && allowed) this.count++;
    return {
      allowed,
      limit: limitPerMinute,
      remaining: Math.max(0, limitPerMinute - this.count),
      resetSeconds: Math.ceil((this.windowStart + 60_000 - now) / 1000),
    };
  }

  /** Takes a concurrent-render slot for `renderId` (idempotent). Durable, so slots survive eviction. */
  async acquireSlot(renderId: string, maxConcurrent: number): Promise<boolean> {
    const slots = (await this.ctx.storage.get<string[]>("slots")) ?? [];
    if (slots.includes(renderId)) return true;
    if (slots.length >= maxConcurrent) return false;
    slots.push(renderId);
    await this.ctx.storage.put("slots", slots);
    return true;
  }

  async releaseSlot(renderId: string): Promise<void> {
    const slots = (await this.ctx.storage.get<string[]>("slots")) ?? [];
    const next = slots.filter((id) => id !== renderId);
    if (next.length !== slots.length) await this.ctx.storage.put("slots", next);
  }
}
