// Checks of a ready project before it is rendered: the entry file exists, the requested
// aspect ratio fits the composition, its declared size and length are within the limits, and
// variable overrides match the declared ones.
import type { Env } from "../env.ts";
import { DomainError } from "../core/errors.ts";
import { r2Keys } from "../assets/layout.ts";
import { checkProjectPath } from "../assets/project-paths.ts";
import { configFrom } from "../config.ts";
import type { AspectRatio, JsonValue, Resolution } from "../jobs/render-state.ts";
import { scaleFor } from "../render/capture-settings.ts";
import { aspectRatioProblem, readCompositionMeta, variableProblems } from "./composition-meta.ts";
import { limitProblem } from "./render-limits.ts";

export async function checkProject(
  env: Env,
  assetId: string,
  req: { entry: string; aspectRatio: AspectRatio | null; variables: Record<string, JsonValue>; fps: number; resolution: Resolution },
): Promise<{ entry: string }> {
  const entry = checkProjectPath(req.entry);
  if (!entry.ok) throw new DomainError("invalid", "invalid_parameter", `composition path ${entry.reason}`, "composition");
  const entryFile = await env.BUCKET.get(r2Keys.assetFile(assetId, entry.path));
  if (!entryFile) {
    throw new DomainError("invalid", "invalid_source", `project has no entry file '${entry.path}' at its root`, "composition");
  }
  const meta = await readCompositionMeta(new Response(entryFile.body));
  const ratioProblem = req.aspectRatio ? aspectRatioProblem(req.aspectRatio, meta) : null;
  if (ratioProblem) throw new DomainError("invalid", "invalid_parameter", ratioProblem, "aspect_ratio");
  const over = limitProblem(configFrom(env), {
    width: meta.width,
    height: meta.height,
    scale: scaleFor(req.resolution),
    durationSeconds: meta.duration,
    fps: req.fps,
  });
  if (over) throw new DomainError("invalid", "invalid_source", `composition: ${over.message}`, "composition");
  const problem = variableProblems(req.variables, meta.variables)[0];
  if (problem) throw new DomainError("invalid", "invalid_source", problem.message, `variables.${problem.id}`);
  return { entry: entry.path };
}
