import type { Env } from "../env.ts";

/** The RateLimiter Durable Object of `accountId` (request window, concurrent-render slots). */
export function rateLimiter(env: Env, accountId: string) {
  return env.RATE_LIMITER.get(env.RATE_LIMITER.idFromName(accountId));
}

/** The RenderJob Durable Object that owns `renderId`. */
export function renderJob(env: Env, renderId: string) {
  return env.RENDER_JOB.get(env.RENDER_JOB.idFromName(renderId));
}
