// RenderJob: one Durable Object per render, the single owner of its truth — status, plan,
// the chunk ledger and retries — and the writer of its D1 mirror. Queue deliveries are at
// least once, so every transition here is idempotent: a chunk finished twice counts once,
// and finalize is dispatched exactly once.
import { DurableObject } from "cloudflare:workers";
import { and, eq, notInArray } from "drizzle-orm";
import type { Env } from "../env.ts";
import { db } from "../db/client.ts";
import { renders } from "../db/schema.ts";
import {
  isTerminal,
  progressOf,
  etaSeconds,
  type ChunkEntry,
  type RenderOutput,
  type RenderPlan,
  type RenderSpec,
  type RenderState,
  type FailureCategory,
  type OutputFile,
} from "./render-state.ts";
import { RenderEventHub } from "./render-events.ts";
import { isLive, watchdog } from "./watchdog.ts";
import { rateLimiter } from "./job-stub.ts";
import { deletePrefix, r2Keys } from "../assets/layout.ts";

/** A render whose step makes no progress for this long has the step sent again; after
 *  MAX_REDISPATCHES such re-sends without progress it fails (watchdog.ts). */
export const STALL_TIMEOUT_MS = 2 * 60 * 1000;

export interface RenderSnapshot extends RenderState {
  progress: number;
  etaSeconds: number | null;
}

export interface ChunkCompletion {
  /** False when this chunk had already been counted (a duplicate delivery). */
  counted: boolean;
  /** True for exactly one caller: the one that must dispatch finalize. */
  dispatchFinalize: boolean;
}

export class RenderJob extends DurableObject<Env> {
  private state: RenderState | null = null;
  /** Number of the latest state change: the SSE event id. */
  private seq = 0;
  private readonly events = new RenderEventHub();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.blockConcurrencyWhile(async () => {
      this.state = (await ctx.storage.get<RenderState>("state")) ?? null;
      this.seq = (await ctx.storage.get<number>("seq")) ?? 0;
    });
  }

  /** A live SSE stream of this render's status and progress (see render-events.ts). */
  async eventStream(lastEventId: number | null): Promise<ReadableStream<Uint8Array>> {
    return this.events.open(this.require(), this.seq, lastEventId);
  }

  /** Creates the render (idempotent: a second call returns the first state). `secrets` is
   *  sealed text the prepare phase needs (e.g. provider keys), kept apart from the state (never
   *  mirrored, streamed or listed) and erased once the prepare phase is over. */
  async create(spec: RenderSpec, secrets?: string): Promise<RenderSnapshot> {
    if (!this.state) {
      if (secrets) await this.ctx.storage.put("secrets", secrets);
      const now = Date.now();
      this.state = {
        spec,
        status: "queued",
        plan: null,
        finalizeDispatched: false,
        output: null,
        failureMessage: null,
        warnings: [],
        createdAt: now,
        startedAt: null,
        completedAt: null,
        updatedAt: now,
      };
      this.progressed();
      await this.save();
      await this.ctx.storage.setAlarm(now + this.stallMs());
    }
    return this.snapshot();
  }

  async snapshot(): Promise<RenderSnapshot> {
    const state = this.require();
    return { ...state, progress: progressOf(state), etaSeconds: etaSeconds(state, Date.now()) };
  }

  /** Whether the render has ended (a running step asks, to stop work nobody wants any more). */
  async isOver(): Promise<boolean> {
    return !this.state || isTerminal(this.state.status);
  }

  /** Moves queued → rendering. Returns false if the render is already over. */
  async beginPlanning(): Promise<boolean> {
    const state = this.require();
    if (isTerminal(state.status)) return false;
    if (state.status === "queued") {
      state.status = "rendering";
      state.startedAt = Date.now();
      this.progressed();
      await this.save();
      await this.mirror();
    }
    return true;
  }

  /** Claims a whole-render step (prepare, plan, finalize) for one runner: false while another
   *  delivery of it is running (it reported within the stall window) or the render is over. */
  async claimStep(step: string): Promise<boolean> {
    const state = this.require();
    if (isTerminal(state.status)) return false;
    const now = Date.now();
    const claims = (state.claims ??= {});
    if (now - (claims[step] ?? 0) < this.stallMs()) return false;
    claims[step] = now;
    this.progressed();
    await this.save();
    return true;
  }

  /** Gives a step back after it failed, so that its retry can claim it. */
  async releaseStep(step: string): Promise<void> {
    const state = this.state;
    if (!state?.claims?.[step]) return;
    delete state.claims[step];
    await this.save();
  }

  /** What the prepare phase learnt of the project: its frame rate, and stills to take. The
   *  prepare phase is over, so its secrets go. */
  async recordPrepared(prepared: { fps: number; stills: number[] | null }): Promise<void> {
    const state = this.require();
    await this.ctx.storage.delete("secrets");
    if (state.plan) return;
    state.spec = { ...state.spec, fps: prepared.fps };
    state.stills = prepared.stills;
    state.prepared = true;
    this.progressed();
    await this.save();
    await this.mirror();
  }

  /** The sealed secrets given at creation, while the prepare phase may still need them. */
  async secrets(): Promise<string | null> {
    return (await this.ctx.storage.get<string>("secrets")) ?? null;
  }

  /** A long step that is alive but has nothing new to record (a provider still generating)
   *  says so, so that the watchdog does not take it for a stall. */
  async heartbeat(step?: string): Promise<void> {
    const state = this.state;
    if (!state || isTerminal(state.status)) return;
    if (step && state.claims?.[step]) state.claims[step] = Date.now();
    this.progressed();
    await this.save();
  }

  /** Progress of the prepare phase's generation (counts only grow). */
  async recordGeneration(done: number, total: number): Promise<void> {
    const state = this.require();
    if (isTerminal(state.status)) return;
    const prev = state.generation;
    if (prev && prev.done === done && prev.total === total) return;
    state.generation = { done: Math.max(done, prev?.done ?? 0), total: Math.max(total, prev?.total ?? 0) };
    this.progressed();
    await this.save();
  }

  /** Generated files to list with the output (replaces an earlier list: a retried prepare
   *  step reports all of them again). */
  async recordGenerated(files: OutputFile[]): Promise<void> {
    const state = this.require();
    if (isTerminal(state.status)) return;
    state.generated = files;
    await this.save();
  }

  /** Records the plan once; later calls (duplicate plan deliveries) get the first plan back. */
  async recordPlan(plan: RenderPlan): Promise<RenderPlan> {
    const state = this.require();
    if (!state.plan) {
      state.plan = plan;
      this.progressed();
      await this.save();
      await this.mirror();
    }
    return state.plan;
  }

  /** Claims a chunk for capture. Returns null when the chunk is done, is being captured by
   *  another delivery right now (a duplicate message), or the render is over. */
  async beginChunk(index: number): Promise<{ chunk: ChunkEntry; plan: RenderPlan; spec: RenderSpec } | null> {
    const state = this.require();
    const chunk = this.chunk(index);
    if (isTerminal(state.status) || chunk.status === "done") return null;
    if (isLive(chunk, Date.now(), this.stallMs())) return null;
    chunk.status = "capturing";
    chunk.attempts += 1;
    chunk.framesCaptured = 0;
    chunk.heartbeatAt = Date.now();
    this.progressed();
    await this.save();
    return { chunk: { ...chunk }, plan: state.plan!, spec: state.spec };
  }

  async chunkProgress(index: number, framesCaptured: number): Promise<void> {
    const chunk = this.chunk(index);
    if (chunk.status !== "capturing") return;
    chunk.framesCaptured = Math.max(chunk.framesCaptured, framesCaptured);
    chunk.heartbeatAt = Date.now();
    this.progressed();
    await this.save();
  }

  async chunkFailed(index: number, message: string): Promise<void> {
    const chunk = this.state?.plan?.chunks[index];
    if (!chunk || chunk.status === "done") return;
    chunk.status = "pending";
    chunk.framesCaptured = 0;
    chunk.lastError = message;
    chunk.heartbeatAt = undefined;
    await this.save();
  }

  async completeChunk(index: number, segmentKey: string): Promise<ChunkCompletion> {
    const state = this.require();
    const chunk = this.chunk(index);
    if (chunk.status === "done") return { counted: false, dispatchFinalize: false };
    chunk.status = "done";
    chunk.segmentKey = segmentKey;
    chunk.framesCaptured = chunk.endFrame - chunk.startFrame;
    this.progressed();
    const allDone = state.plan!.chunks.every((c) => c.status === "done");
    const dispatchFinalize = allDone && !state.finalizeDispatched && !isTerminal(state.status);
    if (dispatchFinalize) state.finalizeDispatched = true;
    await this.save();
    await this.mirror();
    return { counted: true, dispatchFinalize };
  }

  /** Completes the render; false when it had already ended (its output is then unwanted). */
  async complete(output: RenderOutput): Promise<boolean> {
    const state = this.require();
    if (isTerminal(state.status)) return false;
    state.status = "completed";
    state.output = state.generated?.length ? { ...output, files: [...state.generated, ...(output.files ?? [])] } : output;
    await this.finish();
    return true;
  }

  /** Fails the render (a broken composition, retries exhausted, deleted, timed out). */
  async fail(message: string, category: FailureCategory = "internal"): Promise<void> {
    const state = this.state;
    if (!state || isTerminal(state.status)) return;
    state.status = "failed";
    state.failureMessage = message;
    state.failureCategory = category;
    await this.finish();
    await this.discardFilesIfFailed().catch((err) => console.error(`render ${state.spec.renderId}: could not delete its files`, err));
  }

  /** A failed render keeps no partial output (segments, thumbnail, stills). A step that was
   *  still writing when it failed calls this again once it has stopped (render/cancellation.ts). */
  async discardFilesIfFailed(): Promise<void> {
    const state = this.state;
    if (state?.status !== "failed") return;
    await deletePrefix(this.env.BUCKET, r2Keys.renderPrefix(state.spec.renderId));
  }

  /** Forgets a render whose creation was rolled back (nothing else refers to it yet). */
  async discard(): Promise<void> {
    this.state = null;
    await this.ctx.storage.deleteAlarm();
    await this.ctx.storage.deleteAll();
  }

  /** Every way a render ends comes through here: record it and give back its slot. */
  private async finish(): Promise<void> {
    const state = this.require();
    state.completedAt = Date.now();
    await this.ctx.storage.delete("secrets");
    // D1 first, so whoever hears the terminal event can already read the final row.
    await this.mirror();
    await this.save();
    await this.ctx.storage.deleteAlarm();
    await rateLimiter(this.env, state.spec.slotScope ?? state.spec.accountId).releaseSlot(state.spec.renderId);
    if (state.spec.callbackUrl) await this.env.WEBHOOK_QUEUE.send({ renderId: state.spec.renderId, attempt: 1 });
  }

  async addWarning(warning: string): Promise<void> {
    const state = this.require();
    if (state.warnings.length < 100 && !state.warnings.includes(warning)) {
      state.warnings.push(warning);
      await this.save();
    }
  }

  /** Watchdog (watchdog.ts): re-sends a step that went silent, fails a render that stays so. */
  override async alarm(): Promise<void> {
    const state = this.state;
    if (!state) return;
    const decision = watchdog(state, Date.now(), this.stallMs());
    switch (decision.action) {
      case "none":
        return;
      case "wait":
        return this.ctx.storage.setAlarm(decision.until);
      case "fail":
        return this.fail(decision.message, "timeout");
      case "redispatch":
        console.warn(`render ${state.spec.renderId}: no progress; sending ${decision.messages.map((m) => m.kind).join(", ")} again`);
        if (decision.messages.length) await this.env.RENDER_QUEUE.sendBatch(decision.messages.map((body) => ({ body })));
        state.redispatches = (state.redispatches ?? 0) + 1;
        // The re-sent step may claim anew (its earlier runner is taken for dead).
        state.claims = {};
        await this.save();
        return this.ctx.storage.setAlarm(decision.until);
    }
  }

  /** The watchdog's stall window (ms): configurable so tests and fault drills recover fast. */
  private stallMs(): number {
    const configured = Number(this.env.STEP_STALL_MS);
    return Number.isFinite(configured) && configured > 0 ? configured : STALL_TIMEOUT_MS;
  }

  /** The render moved on: the watchdog starts counting again. */
  private progressed(): void {
    if (!this.state) return;
    this.state.progressAt = Date.now();
    this.state.redispatches = 0;
  }

  private require(): RenderState {
    if (!this.state) throw new Error("render job not initialised");
    return this.state;
  }

  private chunk(index: number): ChunkEntry {
    const chunk = this.require().plan?.chunks[index];
    if (!chunk) throw new Error(`render has no chunk ${index}`);
    return chunk;
  }

  private async save(): Promise<void> {
    this.state!.updatedAt = Date.now();
    this.seq += 1;
    await this.ctx.storage.put({ state: this.state, seq: this.seq });
    this.events.publish(this.state!, this.seq);
  }

  /** Copies the listing-relevant fields to D1. Never overwrites a terminal row. */
  private async mirror(): Promise<void> {
    const s = this.require();
    const scale = s.plan?.scale ?? 1;
    await db(this.env.DB)
      .update(renders)
      .set({
        status: s.status,
        fps: s.spec.fps,
        progress: progressOf(s),
        duration: s.output?.duration ?? s.plan?.duration ?? null,
        frameCount: s.output?.frameCount ?? s.plan?.frameCount ?? null,
        width: s.plan ? s.plan.width * scale : null,
        height: s.plan ? s.plan.height * scale : null,
        outputKey: s.output?.key ?? null,
        thumbnailKey: s.output?.thumbnailKey ?? null,
        outputBytes: s.output?.bytes ?? null,
        failureMessage: s.failureMessage,
        failureCategory: s.failureCategory ?? null,
        files: s.output?.files ?? null,
        warnings: s.warnings,
        startedAt: s.startedAt,
        completedAt: s.completedAt,
      })
      .where(and(eq(renders.id, s.spec.renderId), notInArray(renders.status, ["completed", "failed"])));
  }
}
