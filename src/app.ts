// The Hono app: the HyperFrames dialect under /v3 and the varg dialect under /api (both with
// API keys), capability URLs under /v1 (signed, no key).
import { Hono, type Context } from "hono";
import type { AppEnv } from "./env.ts";
import { DomainError } from "./core/errors.ts";
import { fileRoutes } from "./api/files.ts";
import { captureFileRoutes } from "./api/capture-files.ts";
import { fontFileRoutes } from "./api/font-files.ts";
import { uploadRoutes } from "./api/uploads.ts";
import { hyperframesApi } from "./dialects/hyperframes/index.ts";
import { hyperframesError } from "./dialects/hyperframes/errors.ts";
import { vargApi } from "./dialects/varg/index.ts";
import { vargError } from "./dialects/varg/errors.ts";
import { describeRoute } from "hono-openapi";
import { apiCors, openCors } from "./api/cors.ts";
import { eventUrlRoutes } from "./api/event-urls.ts";
import { renderEvents } from "./dialects/hyperframes/events.ts";
import { DIALECT as HYPERFRAMES } from "./dialects/hyperframes/renders.ts";
import { jobStream } from "./dialects/varg/stream.ts";
import { DIALECT as VARG } from "./dialects/varg/submit.ts";
import { setupRoutes } from "./setup/routes.ts";
import { openApiDocument } from "./openapi/document.ts";

export const app = new Hono<AppEnv>();

/** Errors outside a dialect's routes (unknown paths, capability URLs) in the dialect of the path. */
function errorFor(err: Error, c: Context<AppEnv>): Response {
  return new URL(c.req.url).pathname.startsWith("/api/") ? vargError(err, c) : hyperframesError(err, c);
}

app.onError(errorFor);
app.notFound((c) =>
  errorFor(new DomainError("not_found", "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), c),
);

// Browsers on the allowed origins may call both APIs (preflights are answered before auth).
app.use("/v3/*", apiCors);
app.use("/api/*", apiCors);

app.get("/healthz", describeRoute({ tags: ["Service"], summary: "Liveness" }), (c) => c.json({ ok: true }));

app.route("/v1/files", fileRoutes);
app.route("/v1/capture", captureFileRoutes);
app.route("/v1/fonts", fontFileRoutes);
app.route("/v1/uploads", uploadRoutes);
app.route("/v1/events", eventUrlRoutes({ [HYPERFRAMES]: renderEvents, [VARG]: jobStream }));
app.route("/v1/setup", setupRoutes);

app.route("/v3", hyperframesApi);
app.route("/api", vargApi);

// Last, so the document sees every route above.
app.get("/openapi.json", openCors, describeRoute({ tags: ["Service"], summary: "This OpenAPI 3.1 document" }), openApiDocument(app));
