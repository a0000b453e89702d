// The watchdog's decisions over a render's ledger (src/jobs/watchdog.ts): what is sent again
// after a stall, what is left alone, and when a render is given up.
import { describe, expect, it } from "vitest";
import { MAX_REDISPATCHES, watchdog } from "../../src/jobs/watchdog.ts";
import type { ChunkEntry, RenderState } from "../../src/jobs/render-state.ts";

const STALL = 60_000;
const NOW = 10_000_000;

function chunk(index: number, status: ChunkEntry["status"], extra: Partial<ChunkEntry> = {}): ChunkEntry {
  return { index, startFrame: index * 10, endFrame: index * 10 + 10, status, attempts: 1, framesCaptured: 0, segmentKey: null, lastError: null, ...extra };
}

function state(extra: Partial<RenderState> = {}): RenderState {
  return {
    spec: { renderId: "r1", prepare: null } as RenderState["spec"],
    status: "rendering",
    plan: null,
    finalizeDispatched: false,
    output: null,
    failureMessage: null,
    warnings: [],
    createdAt: 0,
    startedAt: 0,
    completedAt: null,
    updatedAt: NOW - STALL - 1,
    progressAt: NOW - STALL - 1,
    ...extra,
  };
}

const plan = (chunks: ChunkEntry[]) => ({ duration: 3, frameCount: 30, width: 320, height: 180, scale: 1, chunks });

describe("watchdog", () => {
  it("waits while the step is within its stall window", () => {
    expect(watchdog(state({ progressAt: NOW - 1000 }), NOW, STALL)).toEqual({ action: "wait", until: NOW - 1000 + STALL });
  });

  it("re-sends prepare, plan or finalize as the ledger says", () => {
    const prep = watchdog(state({ spec: { renderId: "r1", prepare: "varg-scene" } as RenderState["spec"] }), NOW, STALL);
    expect(prep).toMatchObject({ action: "redispatch", messages: [{ kind: "prepare", renderId: "r1" }] });
    expect(watchdog(state({ spec: { renderId: "r1", prepare: "varg-scene" } as RenderState["spec"], prepared: true }), NOW, STALL)).toMatchObject({ messages: [{ kind: "plan" }] });
    expect(watchdog(state(), NOW, STALL)).toMatchObject({ messages: [{ kind: "plan" }] });
    expect(watchdog(state({ plan: plan([chunk(0, "done"), chunk(1, "done")]) }), NOW, STALL)).toMatchObject({ messages: [{ kind: "finalize" }] });
  });

  it("re-sends only the chunks not done and not being captured right now", () => {
    const chunks = [chunk(0, "done"), chunk(1, "capturing", { heartbeatAt: NOW - 1000 }), chunk(2, "capturing", { heartbeatAt: NOW - STALL - 5 }), chunk(3, "pending")];
    const decision = watchdog(state({ plan: plan(chunks) }), NOW, STALL);
    expect(decision).toMatchObject({ action: "redispatch", until: NOW - STALL - 1 + 2 * STALL });
    expect(decision.action === "redispatch" && decision.messages).toEqual([
      { kind: "capture", renderId: "r1", chunkIndex: 2 },
      { kind: "capture", renderId: "r1", chunkIndex: 3 },
    ]);
  });

  it("spaces re-sends one stall window apart and gives up after the last, naming chunk, frame and cause", () => {
    const stuck = plan([chunk(0, "done"), chunk(1, "pending", { framesCaptured: 0, lastError: "encoder disconnected" })]);
    const since = NOW - 2 * STALL - 1;
    expect(watchdog(state({ plan: stuck, progressAt: since, redispatches: 1 }), NOW, STALL)).toMatchObject({ action: "redispatch" });
    expect(watchdog(state({ plan: stuck, progressAt: NOW - STALL - 1, redispatches: 1 }), NOW, STALL)).toMatchObject({ action: "wait" });
    const failed = watchdog(state({ plan: stuck, progressAt: NOW - (MAX_REDISPATCHES + 1) * STALL - 1, redispatches: MAX_REDISPATCHES }), NOW, STALL);
    expect(failed).toEqual({
      action: "fail",
      message: `render timed out capturing chunk 1 at frame 10: no progress for ${(MAX_REDISPATCHES + 1) * 60} s although the step was sent again ${MAX_REDISPATCHES} times; last error: encoder disconnected`,
    });
  });

  it("does nothing for a render that is over", () => {
    expect(watchdog(state({ status: "completed" }), NOW, STALL)).toEqual({ action: "none" });
  });
});
