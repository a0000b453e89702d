// The Hono app: public API under /v3 (API key), capability URLs under /v1 (signed, no key).
import { Hono } from "hono";
import type { AppEnv } from "./env.ts";
import { ApiError, handleError } from "./api/errors.ts";
import { requireApiKey } from "./api/auth.ts";
import { idempotent } from "./api/idempotency.ts";
import { limitRequests } from "./api/rate-limit.ts";
import { assetRoutes } from "./api/assets.ts";
import { renderRoutes } from "./api/renders.ts";
import { userRoutes } from "./api/users.ts";
import { webhookRoutes } from "./api/webhooks.ts";
import { fileRoutes } from "./api/files.ts";
import { captureFileRoutes } from "./api/capture-files.ts";
import { uploadRoutes } from "./api/uploads.ts";

export const app = new Hono<AppEnv>();

app.onError(handleError);
app.notFound((c) => handleError(new ApiError(404, "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), c));

app.get("/healthz", (c) => c.json({ ok: true }));

app.route("/v1/files", fileRoutes);
app.route("/v1/capture", captureFileRoutes);
app.route("/v1/uploads", uploadRoutes);

app.use("/v3/*", requireApiKey);
app.use("/v3/*", limitRequests);
// Creation endpoints honour Idempotency-Key (scoped per endpoint).
app.on("POST", "/v3/assets", idempotent("assets.upload"));
app.on("POST", "/v3/assets/direct-uploads", idempotent("assets.direct_upload"));
app.on("POST", "/v3/hyperframes/renders", idempotent("renders.create"));
app.route("/v3/assets", assetRoutes);
app.route("/v3/hyperframes/renders", renderRoutes);
app.route("/v3/users", userRoutes);
app.route("/v3/webhooks", webhookRoutes);
