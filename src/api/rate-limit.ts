// Per-account request rate limit, held by the account's RateLimiter Durable Object.
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { rateLimiter } from "../jobs/job-stub.ts";
import { configFrom } from "../config.ts";
import { ApiError } from "./errors.ts";

export const limitRequests = createMiddleware<AppEnv>(async (c, next) => {
  const limit = configFrom(c.env).rateLimitPerMinute;
  const decision = await rateLimiter(c.env, c.get("accountId")).hit(limit);
  const headers = {
    "X-RateLimit-Limit": String(decision.limit),
    "X-RateLimit-Remaining": String(decision.remaining),
    "X-RateLimit-Reset": String(decision.resetSeconds),
  };
  if (!decision.allowed) {
    throw new ApiError(
      429,
      "rate_limit_exceeded",
      `more than ${limit} requests in a minute; retry in ${decision.resetSeconds} s`,
      undefined,
      { ...headers, "Retry-After": String(decision.resetSeconds) },
    );
  }
  await next();
  for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
});
