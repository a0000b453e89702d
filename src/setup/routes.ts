// /v1/setup — the one-time setup behind the /setup page: whoever knows SETUP_SECRET (chosen at
// deploy) gets the deployment's first API key, once, without a terminal. Afterwards, and on a
// deployment without the secret, it is closed; more keys come from `npm run keys`.
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppEnv } from "../env.ts";
import { configFrom } from "../config.ts";
import { DomainError } from "../core/errors.ts";
import { sign, verify } from "../lib/signing.ts";
import { jsonBody } from "../api/json-body.ts";
import { jsonRequest, jsonResponse } from "../openapi/describe.ts";
// Errors outside a dialect's paths are answered in the HyperFrames envelope (src/app.ts).
import { ErrorSchema } from "../dialects/hyperframes/schemas.ts";
import { createFirstKey, setupOpen } from "./first-key.ts";
import { SetupRequestSchema, SetupResultSchema, SetupStatusSchema } from "./schemas.ts";

/** Shorter secrets are treated as unset: the page is public, so the secret is all there is. */
const MIN_SECRET_LENGTH = 16;

export const setupRoutes = new Hono<AppEnv>();

function secretOf(env: AppEnv["Bindings"]): string | null {
  const secret = configFrom(env).setupSecret;
  return secret && secret.length >= MIN_SECRET_LENGTH ? secret : null;
}

/** Constant-time comparison: both sides are HMAC'd with a fresh key, then compared by verify. */
async function sameSecret(given: string, expected: string): Promise<boolean> {
  const key = crypto.randomUUID();
  return verify(key, given, await sign(key, expected));
}

const TAGS = ["Setup"];

setupRoutes.get(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "Whether the one-time setup can still create the first API key",
    responses: { 200: jsonResponse("Setup state.", SetupStatusSchema) },
  }),
  async (c) => {
    const configured = secretOf(c.env) !== null;
    return c.json({ enabled: configured && (await setupOpen(c.env)), configured });
  },
);

setupRoutes.post(
  "/",
  describeRoute({
    tags: TAGS,
    summary: "Create the deployment's first API key (once, with SETUP_SECRET)",
    requestBody: jsonRequest(SetupRequestSchema),
    responses: {
      201: jsonResponse("The key: shown this once, only its hash is kept.", SetupResultSchema),
      401: jsonResponse("Wrong setup secret.", ErrorSchema),
      404: jsonResponse("Setup is not enabled on this deployment (no SETUP_SECRET).", ErrorSchema),
      410: jsonResponse("Setup was already done: a key exists.", ErrorSchema),
    },
  }),
  async (c) => {
    const expected = secretOf(c.env);
    if (!expected) {
      throw new DomainError("not_found", "setup_closed", `setup is not enabled: set the SETUP_SECRET secret (at least ${MIN_SECRET_LENGTH} characters) and deploy again`);
    }
    const body = await jsonBody(c.req.raw, SetupRequestSchema);
    if (!(await sameSecret(body.setup_secret, expected))) {
      throw new DomainError("unauthenticated", "authentication_failed", "wrong setup secret", "setup_secret");
    }
    const created = await createFirstKey(c.env, body.account_name);
    if (!created) throw new DomainError("gone", "setup_closed", "setup was already done: this deployment has an API key; create more with `npm run keys`");
    return c.json({ api_key: created.key, account_id: created.accountId, key_id: created.keyId, account_name: body.account_name }, 201);
  },
);
