import type { Env } from "../env.ts";

/** The RenderJob Durable Object that owns `renderId`. */
export function renderJob(env: Env, renderId: string) {
  return env.RENDER_JOB.get(env.RENDER_JOB.idFromName(renderId));
}
