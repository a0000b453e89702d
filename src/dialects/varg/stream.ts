// The varg SSE stream of one job: `status` events carry the poll JSON on every change; the
// stream ends with the job, or after the seed's 15 minutes with a `timeout` event (reconnect
// with Last-Event-ID to go on). Served to API keys (/api/…/stream) and to signed URLs
// (/v1/events/varg/…).
import type { Env } from "../../env.ts";
import type { RenderRow } from "../../db/schema.ts";
import { configFrom } from "../../config.ts";
import { parseLastEventId, sseFrame, sseResponse } from "../../lib/sse.ts";
import { ownedRender } from "../../renders/owned-render.ts";
import { renderJob } from "../../jobs/job-stub.ts";
import { isTerminal } from "../../jobs/render-state.ts";
import { estimatedDurationMs, jobView, stageOf } from "./presenter.ts";

/** Where the job's signed file URLs point: the configured public origin, else the request's. */
export const vargOrigin = (env: Env, request: Request) => configFrom(env).publicOrigin ?? new URL(request.url).origin;

export async function jobStream(env: Env, row: RenderRow, request: Request): Promise<Response> {
  const config = configFrom(env);
  const origin = vargOrigin(env, request);
  const stream = await renderJob(env, row.id).eventStream(parseLastEventId(request.headers.get("last-event-id")));
  return sseResponse(stream, {
    frame: async ({ seq, event }) => {
      if (isTerminal(event.status)) {
        // The RenderJob writes D1 before it announces the end: the row has the output URLs.
        const final = await ownedRender(env, row.accountId, row.id).catch(() => row);
        return sseFrame(seq, "status", await jobView(env, final, origin, false));
      }
      const job = await jobView(env, { ...row, status: event.status, startedAt: event.startedAt }, origin, false);
      const stage = event.status === "completed" || event.status === "failed" ? {} : stageOf(event.generation, event.planned);
      return sseFrame(seq, "status", { ...job, progress: event.progress, ...stage, estimated_duration_ms: estimatedDurationMs(event.framesTotal) });
    },
    keepaliveMs: config.vargKeepaliveMs,
    keepalive: ":keepalive",
    timeoutMs: config.vargStreamTimeoutMs,
    timeoutFrame: `event: timeout\ndata: ${JSON.stringify({ job_id: row.id, message: "stream timed out; reconnect or poll" })}\n\n`,
  });
}
