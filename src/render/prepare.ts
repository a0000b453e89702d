// Phase 0 — prepare (only for renders whose project is built by the service, e.g. a varg
// scene): run the render's source builder to fill its project, then queue the plan step.
import type { Env } from "../env.ts";
import { RenderFailure } from "../core/errors.ts";
import { renderJob } from "../jobs/job-stub.ts";
import type { RenderSpec } from "../jobs/render-state.ts";

/** Fills the render's project (spec.assetId). Idempotent: a redelivered step may run it again.
 *  Throws RenderFailure for what retrying cannot fix. */
export type SourceBuilder = (env: Env, spec: RenderSpec, job: ReturnType<typeof renderJob>) => Promise<void>;

export async function prepareRender(env: Env, renderId: string, builders: Record<string, SourceBuilder>): Promise<void> {
  const job = renderJob(env, renderId);
  if (!(await job.beginPlanning())) return;
  // A duplicate delivery while another runs it (or after it is done) has nothing to do.
  if (!(await job.claimStep("prepare"))) return;
  const { spec, prepared } = await job.snapshot();
  if (prepared) return void (await env.RENDER_QUEUE.send({ kind: "plan", renderId }));
  const build = spec.prepare ? builders[spec.prepare] : undefined;
  if (!build) throw new RenderFailure(`no source builder '${spec.prepare}' is installed`, "internal");
  await build(env, spec, job);
  await env.RENDER_QUEUE.send({ kind: "plan", renderId });
}
