// Per-account request rate limit, held by a RateLimiter Durable Object. Each dialect has its
// own window (scope), limit and way of writing the reset time.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import type { Config } from "../config.ts";
import { rateLimiter } from "../jobs/job-stub.ts";
import { configFrom } from "../config.ts";
import { DomainError } from "../core/errors.ts";

export interface RateLimitPolicy {
  /** RateLimiter name for an account (its window and its concurrency slots). */
  scope(accountId: string): string;
  limit(config: Config): number;
  /** X-RateLimit-Reset: seconds from now (HyperFrames) or an ISO time (varg). */
  reset(resetSeconds: number): string;
  /** Whether a request counts against the window (others only report it). Default: all. */
  counts?(method: string): boolean;
}

export function limitRequests(policy: RateLimitPolicy) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const limit = policy.limit(configFrom(c.env));
    const limiter = rateLimiter(c.env, policy.scope(c.get("accountId")));
    const decision = (policy.counts?.(c.req.method) ?? true) ? await limiter.hit(limit) : await limiter.peek(limit);
    const headers = {
      "X-RateLimit-Limit": String(decision.limit),
      "X-RateLimit-Remaining": String(decision.remaining),
      "X-RateLimit-Reset": policy.reset(decision.resetSeconds),
    };
    if (!decision.allowed) {
      throw new DomainError(
        "rate_limited",
        "rate_limit_exceeded",
        `more than ${limit} requests in a minute; retry in ${decision.resetSeconds} s`,
        undefined,
        { ...headers, "Retry-After": String(decision.resetSeconds) },
      );
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  });
}
