// GET /v3/webhooks/secret — the account's Standard Webhooks signing secret, for verifying
// the `webhook-signature` of callbacks.
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { webhookSecret } from "../../webhooks/secret.ts";
import { docs } from "./docs.ts";

export const webhookRoutes = new Hono<AppEnv>();

webhookRoutes.get("/secret", docs.webhookSecret, async (c) => {
  return c.json({ data: { secret: await webhookSecret(c.env, c.get("accountId")), scheme: "standard-webhooks v1" } });
});
