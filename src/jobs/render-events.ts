// Server-Sent Events for one render, fanned out by its RenderJob to every open stream.
// Events are snapshots (status / progress), numbered, so a client resuming with
// Last-Event-ID simply gets the latest snapshot if it missed any.
import { isTerminal, progressOf, etaSeconds, type RenderState } from "./render-state.ts";

const KEEPALIVE_MS = 15_000;
const encoder = new TextEncoder();

export interface RenderEvent {
  render_id: string;
  status: RenderState["status"];
  progress: number;
  eta_seconds: number | null;
  frames_total: number | null;
  failure_message: string | null;
}

function eventOf(state: RenderState): RenderEvent {
  return {
    render_id: state.spec.renderId,
    status: state.status,
    progress: progressOf(state),
    eta_seconds: etaSeconds(state, Date.now()),
    frames_total: state.plan?.frameCount ?? null,
    failure_message: state.failureMessage,
  };
}

function frame(id: number, name: string, data: unknown): Uint8Array {
  return encoder.encode(`id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`);
}

export class RenderEventHub {
  private readonly streams = new Set<WritableStreamDefaultWriter<Uint8Array>>();
  private keepalive: ReturnType<typeof setInterval> | null = null;
  private lastStatus: string | null = null;

  /** A new stream: the current snapshot unless the client already has it, then live events. */
  open(state: RenderState, seq: number, lastEventId: number | null): ReadableStream<Uint8Array> {
    const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
    const writer = writable.getWriter();
    if (lastEventId === null || lastEventId < seq) void this.write(writer, frame(seq, "status", eventOf(state)));
    if (isTerminal(state.status)) {
      void writer.close().catch(() => {});
    } else {
      this.streams.add(writer);
      this.keepalive ??= setInterval(() => this.broadcastRaw(encoder.encode(": keepalive\n\n")), KEEPALIVE_MS);
    }
    return readable;
  }

  /** Sends the new snapshot to every stream; closes them all once the render has ended. */
  publish(state: RenderState, seq: number): void {
    const name = state.status !== this.lastStatus ? "status" : "progress";
    this.lastStatus = state.status;
    if (!this.streams.size) return;
    this.broadcastRaw(frame(seq, name, eventOf(state)));
    if (isTerminal(state.status)) {
      for (const writer of this.streams) void writer.close().catch(() => {});
      this.streams.clear();
    }
    this.stopKeepaliveIfIdle();
  }

  private broadcastRaw(bytes: Uint8Array): void {
    for (const writer of this.streams) void this.write(writer, bytes);
  }

  private async write(writer: WritableStreamDefaultWriter<Uint8Array>, bytes: Uint8Array): Promise<void> {
    try {
      await writer.write(bytes);
    } catch {
      // The client went away.
      this.streams.delete(writer);
      this.stopKeepaliveIfIdle();
    }
  }

  private stopKeepaliveIfIdle(): void {
    if (!this.streams.size && this.keepalive) {
      clearInterval(this.keepalive);
      this.keepalive = null;
    }
  }
}
