// The terminal progress of `npm start` and `npm run bench`: a bar redrawn in place on a TTY,
// plain lines when piped.
import { describe, expect, it } from "vitest";
import { barLine, formatSeconds, printAbove, progressBar } from "../../scripts/lib/progress-bar.ts";

function fakeStream(tty: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY: tty, columns: 120, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream };
}

describe("progress bar", () => {
  it("on a TTY redraws one line: bar, percent, status and the server's ETA", () => {
    const { writes, stream } = fakeStream(true);
    const bar = progressBar("  hello", stream);
    bar.update({ status: "rendering", progress: 0.5, etaSeconds: 12 });
    bar.update({ status: "completed", progress: 1 });
    bar.done();
    expect(writes[0]).toBe(`\r\x1b[2K  hello [${"█".repeat(12)}${"░".repeat(12)}]  50% rendering · eta 12 s`);
    expect(writes[1]).toBe(`\r\x1b[2K  hello [${"█".repeat(24)}] 100% completed`);
    expect(writes.at(-1)).toBe("\n");
  });

  it("estimates an ETA from the rate when the server gives none", () => {
    const { writes, stream } = fakeStream(true);
    let t = 0;
    const bar = progressBar("job", stream, () => t);
    bar.update({ status: "rendering", progress: 0.2 });
    t = 2_000;
    bar.update({ status: "rendering", progress: 0.4, note: "generating 1/2" });
    expect(writes[0]).not.toContain("eta");
    expect(writes[1]).toContain("rendering generating 1/2 · eta 6 s");
  });

  it("piped, prints plain lines only when the status or the whole percent changes", () => {
    const { writes, stream } = fakeStream(false);
    const bar = progressBar("  hello", stream);
    for (const [status, progress, eta] of [["queued", 0, null], ["queued", 0, null], ["rendering", 0.101, 9], ["rendering", 0.104, 8], ["rendering", 0.5, 4], ["completed", 1, null]] as const) {
      bar.update({ status, progress, etaSeconds: eta });
    }
    bar.done();
    expect(writes.join("")).toBe("  hello queued 0%\n  hello rendering 10% (eta 9 s)\n  hello rendering 50% (eta 4 s)\n  hello completed 100%\n");
    expect(writes.join("")).not.toMatch(/\x1b|\r/);
  });

  it("prints other output above a bar on screen, then redraws the bar", () => {
    const { writes, stream } = fakeStream(true);
    const bar = progressBar("  hello", stream);
    bar.update({ status: "rendering", progress: 0.5, etaSeconds: 3 });
    printAbove("  capture: 15 frames/s", stream);
    expect(writes.slice(1)).toEqual(["\r\x1b[2K", "  capture: 15 frames/s\n", writes[0]!.slice("\r\x1b[2K".length)]);
    bar.done();
    printAbove("after", stream);
    expect(writes.at(-1)).toBe("after\n");
  });

  it("writes minutes and seconds", () => {
    expect(formatSeconds(185)).toBe("3 min 05 s");
    expect(barLine("x", { status: "failed", progress: 0.3 }, 50)).not.toContain("eta");
  });
});
