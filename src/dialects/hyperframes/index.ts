// The HyperFrames cloud dialect, mounted at /v3: its routes, its rate-limit policy, its
// idempotent creation endpoints and its error envelope.
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { requireApiKey } from "../../api/auth.ts";
import { idempotent } from "../../api/idempotency.ts";
import { limitRequests } from "../../api/rate-limit.ts";
import { assetRoutes } from "./assets.ts";
import { renderRoutes } from "./renders.ts";
import { userRoutes } from "./users.ts";
import { webhookRoutes } from "./webhooks.ts";
import { hyperframesError } from "./errors.ts";
import { dialectDocs } from "./docs.ts";

export const hyperframesApi = new Hono<AppEnv>();

hyperframesApi.onError(hyperframesError);
hyperframesApi.use("*", dialectDocs);
hyperframesApi.use("*", requireApiKey);
hyperframesApi.use(
  "*",
  limitRequests({ scope: (accountId) => accountId, limit: (config) => config.rateLimitPerMinute, reset: String }),
);
// Creation endpoints honour Idempotency-Key (scoped per endpoint).
hyperframesApi.on("POST", "/assets", idempotent("assets.upload"));
hyperframesApi.on("POST", "/assets/direct-uploads", idempotent("assets.direct_upload"));
hyperframesApi.on("POST", "/hyperframes/renders", idempotent("renders.create"));
hyperframesApi.route("/assets", assetRoutes);
hyperframesApi.route("/hyperframes/renders", renderRoutes);
hyperframesApi.route("/users", userRoutes);
hyperframesApi.route("/webhooks", webhookRoutes);
