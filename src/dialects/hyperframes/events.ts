// The HyperFrames SSE stream of one render: `status` when the status changes (and first on every
// stream), `progress` otherwise, keepalive comments; resumable with Last-Event-ID; it ends when
// the render does. Served to API keys (/v3/…/events) and to signed URLs (/v1/events/hyperframes/…).
import type { Env } from "../../env.ts";
import type { RenderRow } from "../../db/schema.ts";
import { parseLastEventId, sseFrame, sseResponse } from "../../lib/sse.ts";
import { renderJob } from "../../jobs/job-stub.ts";
import { eventData } from "./presenter.ts";

const KEEPALIVE_MS = 15_000;

export async function renderEvents(env: Env, row: RenderRow, request: Request): Promise<Response> {
  const stream = await renderJob(env, row.id).eventStream(parseLastEventId(request.headers.get("last-event-id")));
  return sseResponse(stream, {
    frame: ({ seq, event }, previous) =>
      sseFrame(seq, previous?.event.status === event.status ? "progress" : "status", eventData(event)),
    keepaliveMs: KEEPALIVE_MS,
    keepalive: ": keepalive",
  });
}
