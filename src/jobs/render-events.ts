// Live events of one render, fanned out by its RenderJob to every open listener. The DO speaks
// no dialect: it streams neutral snapshots as NDJSON lines `{"seq":n,"event":{…}}`; each
// dialect's route turns them into its own SSE frames (src/lib/sse.ts does the plumbing).
import { isTerminal, progressOf, etaSeconds, type RenderState } from "./render-state.ts";

const encoder = new TextEncoder();

/** A neutral snapshot of a render's progress. */
export interface RenderEvent {
  renderId: string;
  status: RenderState["status"];
  progress: number;
  etaSeconds: number | null;
  framesTotal: number | null;
  failureMessage: string | null;
  startedAt: number | null;
  /** AI generation of the prepare phase: how many of how many (null without one). */
  generation: { done: number; total: number } | null;
  /** True once the render is planned (generation, if any, is over). */
  planned: boolean;
}

export interface NumberedEvent {
  seq: number;
  event: RenderEvent;
}

export function eventOf(state: RenderState): RenderEvent {
  return {
    renderId: state.spec.renderId,
    status: state.status,
    progress: progressOf(state),
    etaSeconds: etaSeconds(state, Date.now()),
    framesTotal: state.plan?.frameCount ?? null,
    failureMessage: state.failureMessage,
    startedAt: state.startedAt,
    generation: state.generation ?? null,
    planned: state.plan !== null,
  };
}

function line(seq: number, state: RenderState): Uint8Array {
  return encoder.encode(`${JSON.stringify({ seq, event: eventOf(state) } satisfies NumberedEvent)}\n`);
}

export class RenderEventHub {
  private readonly streams = new Set<WritableStreamDefaultWriter<Uint8Array>>();

  /** A new listener: the current snapshot unless it already has it, then live events. */
  open(state: RenderState, seq: number, lastEventId: number | null): ReadableStream<Uint8Array> {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    if (lastEventId === null || lastEventId < seq) void this.write(writer, line(seq, state));
    if (isTerminal(state.status)) void writer.close().catch(() => {});
    else this.streams.add(writer);
    return readable;
  }

  /** Sends the new snapshot to every listener; closes them all once the render has ended. */
  publish(state: RenderState, seq: number): void {
    if (!this.streams.size) return;
    const bytes = line(seq, state);
    for (const writer of this.streams) void this.write(writer, bytes);
    if (isTerminal(state.status)) {
      for (const writer of this.streams) void writer.close().catch(() => {});
      this.streams.clear();
    }
  }

  private async write(writer: WritableStreamDefaultWriter<Uint8Array>, bytes: Uint8Array): Promise<void> {
    try {
      await writer.write(bytes);
    } catch {
      this.streams.delete(writer); // the listener went away
    }
  }
}
