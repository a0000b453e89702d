// The RenderJob's watchdog, as a pure decision over its state: a render whose current step has
// made no progress for `stallMs` gets that step sent again from its ledger (finished chunks are
// kept; live ones are left alone), once per further `stallMs` of silence; after
// MAX_REDISPATCHES re-dispatches without progress it fails, with a message naming the step,
// the chunk, the frame and the last cause seen. Queue deliveries can be lost (a restart of the
// service, a consumer that died) or late; this is what makes either harmless.
import type { RenderMessage } from "./messages.ts";
import { isTerminal, type ChunkEntry, type RenderState } from "./render-state.ts";

/** Re-dispatches of one step without progress in between before the render is failed. */
export const MAX_REDISPATCHES = 4;

export type PipelineStep = "prepare" | "plan" | "capture" | "finalize";

/** Where the render is in its pipeline, from its ledger. */
export function currentStep(state: RenderState): PipelineStep {
  if (!state.plan) return state.spec.prepare && !state.prepared ? "prepare" : "plan";
  return state.plan.chunks.some((c) => c.status !== "done") ? "capture" : "finalize";
}

/** A chunk being captured right now (its capture reported within `stallMs`). */
export function isLive(chunk: ChunkEntry, now: number, stallMs: number): boolean {
  return chunk.status === "capturing" && now - (chunk.heartbeatAt ?? 0) < stallMs;
}

/** The messages that run the current step again: one per chunk still to capture. */
export function messagesFor(state: RenderState, now: number, stallMs: number): RenderMessage[] {
  const renderId = state.spec.renderId;
  const step = currentStep(state);
  if (step !== "capture") return [{ kind: step, renderId }];
  return state
    .plan!.chunks.filter((c) => c.status !== "done" && !isLive(c, now, stallMs))
    .map((c) => ({ kind: "capture", renderId, chunkIndex: c.index }));
}

export type WatchdogDecision =
  | { action: "wait"; until: number }
  | { action: "redispatch"; messages: RenderMessage[]; until: number }
  | { action: "fail"; message: string }
  | { action: "none" };

export function watchdog(state: RenderState, now: number, stallMs: number): WatchdogDecision {
  if (isTerminal(state.status)) return { action: "none" };
  const since = state.progressAt ?? state.updatedAt;
  const redispatches = state.redispatches ?? 0;
  const due = since + stallMs * (redispatches + 1);
  if (now < due) return { action: "wait", until: due };
  if (redispatches >= MAX_REDISPATCHES) return { action: "fail", message: stallMessage(state, now - since) };
  return { action: "redispatch", messages: messagesFor(state, now, stallMs), until: since + stallMs * (redispatches + 2) };
}

function stallMessage(state: RenderState, idleMs: number): string {
  const step = currentStep(state);
  const seconds = Math.round(idleMs / 1000);
  const tail = `no progress for ${seconds} s although the step was sent again ${state.redispatches ?? 0} times`;
  if (step !== "capture") return `render timed out while ${STEP_WORDS[step]}: ${tail}`;
  const stuck = state.plan!.chunks.find((c) => c.status !== "done")!;
  const frame = stuck.startFrame + stuck.framesCaptured;
  const cause = stuck.lastError ? `; last error: ${stuck.lastError}` : "";
  return `render timed out capturing chunk ${stuck.index} at frame ${frame}: ${tail}${cause}`;
}

const STEP_WORDS: Record<Exclude<PipelineStep, "capture">, string> = {
  prepare: "preparing the project",
  plan: "planning",
  finalize: "finalizing",
};
