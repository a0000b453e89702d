// GET /v3/users/me — which account this key belongs to.
import { Hono } from "hono";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../env.ts";
import { db } from "../db/client.ts";
import { accounts } from "../db/schema.ts";

export const userRoutes = new Hono<AppEnv>();

userRoutes.get("/me", async (c) => {
  const account = await db(c.env.DB).select().from(accounts).where(eq(accounts.id, c.get("accountId"))).get();
  return c.json({
    data: {
      account_id: c.get("accountId"),
      name: account?.name ?? null,
      api_key_id: c.get("apiKeyId"),
      created_at: account ? new Date(account.createdAt).toISOString() : null,
    },
  });
});
