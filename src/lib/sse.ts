// Turns a RenderJob's neutral event stream (NDJSON, see jobs/render-events.ts) into a
// Server-Sent Events response in a dialect's words, with keepalive comments and an optional
// time limit. The dialect supplies only how an event is framed.
import type { NumberedEvent } from "../jobs/render-events.ts";

const encoder = new TextEncoder();

export interface SseOptions {
  /** The SSE text for one event (ends with a blank line), or null to skip it. */
  frame(event: NumberedEvent, previous: NumberedEvent | null): Promise<string | null> | string | null;
  keepaliveMs: number;
  /** The comment line sent as keepalive, e.g. ": keepalive". */
  keepalive: string;
  /** Close the stream after this long, first sending `timeoutFrame`. */
  timeoutMs?: number;
  timeoutFrame?: string;
}

async function* events(reader: ReadableStreamDefaultReader<string>): AsyncGenerator<NumberedEvent> {
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n")) >= 0) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (text.trim()) yield JSON.parse(text) as NumberedEvent;
    }
  }
}

export function sseResponse(source: ReadableStream<Uint8Array>, options: SseOptions, headers: Record<string, string> = {}): Response {
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
  const writer = writable.getWriter();
  const reader = source.pipeThrough(new TextDecoderStream()).getReader();
  let closed = false;
  // A write fails when the client went away: end everything (timers, the RenderJob listener).
  const write = (text: string) => (closed ? Promise.resolve() : writer.write(encoder.encode(text)).catch(() => finish()));
  const keepalive = setInterval(() => void write(`${options.keepalive}\n\n`), options.keepaliveMs);
  let timer: ReturnType<typeof setTimeout> | undefined;
  async function finish(): Promise<void> {
    if (closed) return;
    closed = true;
    clearInterval(keepalive);
    if (timer) clearTimeout(timer);
    await writer.close().catch(() => {});
    await reader.cancel().catch(() => {}); // stop listening to the RenderJob
  }
  if (options.timeoutMs !== undefined) {
    timer = setTimeout(async () => {
      if (options.timeoutFrame) await write(options.timeoutFrame);
      await finish();
    }, options.timeoutMs);
  }
  void (async () => {
    let previous: NumberedEvent | null = null;
    try {
      for await (const event of events(reader)) {
        const text = await options.frame(event, previous);
        previous = event;
        if (text) await write(text);
        if (closed) return;
      }
    } catch (err) {
      if (!closed) console.error("event stream failed", err);
    } finally {
      await finish();
    }
  })();
  return new Response(readable, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache",
      "x-accel-buffering": "no",
      ...headers,
    },
  });
}

/** One SSE frame. */
export function sseFrame(id: number, name: string, data: unknown): string {
  return `id: ${id}\nevent: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The `Last-Event-ID` a reconnecting client sends (EventSource does it by itself), if any. */
export function parseLastEventId(header: string | undefined | null): number | null {
  const id = Number.parseInt(header ?? "", 10);
  return Number.isFinite(id) ? id : null;
}
