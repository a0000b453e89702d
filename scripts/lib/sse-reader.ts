// Reads a Server-Sent Events response the way a client does: one event at a time as it arrives.

export interface SseEvent {
  id: string;
  event: string;
  data: { status: string; progress: number } & Record<string, unknown>;
}

/** Reads SSE frames from a stream as they arrive. */
export function sseReader(res: Response) {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const raw: string[] = [];
  return {
    raw,
    /** Stops reading (the connection closes). */
    async close(): Promise<void> {
      await reader.cancel().catch(() => {});
    },
    async next(): Promise<SseEvent | null> {
      for (;;) {
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          raw.push(block);
          if (block.startsWith(":")) continue; // comment (keepalive)
          const field = (name: string) => block.split("\n").find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2) ?? "";
          return { id: field("id"), event: field("event"), data: JSON.parse(field("data")) };
        }
        const { value, done } = await reader.read();
        if (done) return null;
        buffer += value;
      }
    },
  };
}
