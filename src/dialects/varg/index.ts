// The varg cloud render dialect, mounted at /api: Bearer keys (the same keys as the other
// dialect), the seed's per-user limits, its error shape; and the source builder that turns a
// submitted scene into a project during the pipeline's prepare phase.
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { requireApiKey } from "../../api/auth.ts";
import { limitRequests } from "../../api/rate-limit.ts";
import type { SourceBuilder } from "../../render/prepare.ts";
import { vargError } from "./errors.ts";
import { vargRoutes } from "./routes.ts";
import { dialectDocs } from "./docs.ts";
import { buildScene, SCENE_BUILDER } from "./build-scene.ts";
import { vargScope } from "./submit.ts";

export const vargApi = new Hono<AppEnv>();

vargApi.onError(vargError);
vargApi.use("*", dialectDocs);
vargApi.use("*", requireApiKey);
vargApi.use(
  "*",
  limitRequests({
    scope: vargScope,
    limit: (config) => config.vargRateLimitPerMinute,
    reset: (seconds) => new Date(Date.now() + seconds * 1000).toISOString(),
    // The window counts submissions: the seed's own polling loop (a GET every 5 s) would
    // otherwise exhaust 10 a minute during one render. Every answer still reports it.
    counts: (method) => method === "POST",
  }),
);
vargApi.route("/", vargRoutes);

export const sourceBuilders: Record<string, SourceBuilder> = { [SCENE_BUILDER]: buildScene };
