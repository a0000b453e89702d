// The Hono app: the HyperFrames dialect under /v3 and the varg dialect under /api (both with
// API keys), capability URLs under /v1 (signed, no key).
import { Hono, type Context } from "hono";
import type { AppEnv } from "./env.ts";
import { DomainError } from "./core/errors.ts";
import { fileRoutes } from "./api/files.ts";
import { captureFileRoutes } from "./api/capture-files.ts";
import { uploadRoutes } from "./api/uploads.ts";
import { hyperframesApi } from "./dialects/hyperframes/index.ts";
import { hyperframesError } from "./dialects/hyperframes/errors.ts";
import { vargApi } from "./dialects/varg/index.ts";
import { vargError } from "./dialects/varg/errors.ts";

export const app = new Hono<AppEnv>();

/** Errors outside a dialect's routes (unknown paths, capability URLs) in the dialect of the path. */
function errorFor(err: Error, c: Context<AppEnv>): Response {
  return new URL(c.req.url).pathname.startsWith("/api/") ? vargError(err, c) : hyperframesError(err, c);
}

app.onError(errorFor);
app.notFound((c) =>
  errorFor(new DomainError("not_found", "not_found", `no route for ${c.req.method} ${new URL(c.req.url).pathname}`), c),
);

app.get("/healthz", (c) => c.json({ ok: true }));

app.route("/v1/files", fileRoutes);
app.route("/v1/capture", captureFileRoutes);
app.route("/v1/uploads", uploadRoutes);

app.route("/v3", hyperframesApi);
app.route("/api", vargApi);
