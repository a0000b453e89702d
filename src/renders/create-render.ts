// Creating a render: check the project, write the D1 row, initialise the RenderJob, queue
// the plan step. If any step fails, the earlier ones are undone.
import { eq } from "drizzle-orm";
import type { Env } from "../env.ts";
import { db } from "../db/client.ts";
import { renders, type RenderRow } from "../db/schema.ts";
import { ApiError } from "../api/errors.ts";
import type { CreateRenderRequest } from "../api/schemas.ts";
import { newId } from "../lib/ids.ts";
import { r2Keys } from "../assets/layout.ts";
import { checkProjectPath } from "../assets/project-paths.ts";
import { rateLimiter, renderJob } from "../jobs/job-stub.ts";
import { configFrom } from "../config.ts";
import { checkOutboundUrl } from "../lib/url-safety.ts";
import { projectAsset } from "./project-source.ts";
import { aspectRatioProblem, readCompositionMeta, variableProblems } from "./composition-meta.ts";
import type { RenderSpec } from "../jobs/render-state.ts";

export async function createRender(
  env: Env,
  accountId: string,
  req: CreateRenderRequest,
  origin: string,
): Promise<RenderRow> {
  if (req.callback_url) {
    const check = checkOutboundUrl(req.callback_url, configFrom(env).allowLocalUrls);
    if (!check.ok) throw new ApiError(400, "invalid_parameter", `callback_url ${check.reason}`, "callback_url");
  }
  const assetId = await projectAsset(env, accountId, req.project);
  const entry = checkProjectPath(req.composition);
  if (!entry.ok) {
    throw new ApiError(400, "invalid_parameter", `composition path ${entry.reason}`, "composition");
  }
  const entryFile = await env.BUCKET.get(r2Keys.assetFile(assetId, entry.path));
  if (!entryFile) {
    throw new ApiError(
      400,
      "hyperframes_project_invalid",
      `project has no entry file '${entry.path}' at its root`,
      "composition",
    );
  }
  const meta = await readCompositionMeta(new Response(entryFile.body));
  const ratioProblem = req.aspect_ratio ? aspectRatioProblem(req.aspect_ratio, meta) : null;
  if (ratioProblem) throw new ApiError(400, "invalid_parameter", ratioProblem, "aspect_ratio");
  const problem = variableProblems(req.variables, meta.variables)[0];
  if (problem) {
    throw new ApiError(400, "hyperframes_project_invalid", problem.message, `variables.${problem.id}`);
  }

  // A concurrent-render slot is taken last, before anything is written; every end of the
  // render (completed, failed, deleted, timed out) gives it back (see RenderJob).
  const renderId = newId.render();
  const { maxConcurrentRenders } = configFrom(env);
  if (!(await rateLimiter(env, accountId).acquireSlot(renderId, maxConcurrentRenders))) {
    throw new ApiError(
      429,
      "rate_limit_exceeded",
      `${maxConcurrentRenders} renders are already running for this account; retry when one finishes`,
      undefined,
      { "Retry-After": "10" },
    );
  }

  const row: RenderRow = {
    id: renderId,
    accountId,
    assetId,
    status: "queued",
    title: req.title ?? null,
    callbackId: req.callback_id ?? null,
    callbackUrl: req.callback_url ?? null,
    composition: entry.path,
    fps: req.fps,
    quality: req.quality,
    format: req.format,
    resolution: req.resolution,
    aspectRatio: req.aspect_ratio ?? null,
    variables: req.variables,
    width: null,
    height: null,
    duration: null,
    frameCount: null,
    progress: 0,
    outputKey: null,
    thumbnailKey: null,
    outputBytes: null,
    failureMessage: null,
    warnings: [],
    createdAt: Date.now(),
    startedAt: null,
    completedAt: null,
    deletedAt: null,
  };
  const spec: RenderSpec = {
    renderId: row.id,
    accountId,
    assetId,
    entry: entry.path,
    fps: req.fps,
    quality: req.quality,
    format: req.format,
    resolution: req.resolution,
    aspectRatio: req.aspect_ratio ?? null,
    variablesJson: JSON.stringify(req.variables),
    origin,
    callbackUrl: req.callback_url ?? null,
  };

  try {
    await db(env.DB).insert(renders).values(row);
    await renderJob(env, row.id).create(spec);
    await env.RENDER_QUEUE.send({ kind: "plan", renderId: row.id });
  } catch (err) {
    await db(env.DB).delete(renders).where(eq(renders.id, row.id));
    await rateLimiter(env, accountId).releaseSlot(renderId);
    throw err;
  }
  return row;
}
