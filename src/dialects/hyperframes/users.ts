// GET /v3/users/me — which account this key belongs to.
import { Hono } from "hono";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../env.ts";
import { db } from "../../db/client.ts";
import { accounts } from "../../db/schema.ts";
import { docs } from "./docs.ts";

export const userRoutes = new Hono<AppEnv>();

userRoutes.get("/me", docs.me, async (c) => {
  const account = await db(c.env.DB).select().from(accounts).where(eq(accounts.id, c.get("accountId"))).get();
  return c.json({
    data: {
      account_id: c.get("accountId"),
      // `username` is what HyperFrames clients print in `auth status`.
      username: account?.name ?? null,
      name: account?.name ?? null,
      api_key_id: c.get("apiKeyId"),
      created_at: account ? Math.floor(account.createdAt / 1000) : null,
    },
  });
});
