import { describe, expect, it } from "vitest";
import { parseSrt } from "../../src/dialects/varg/compose/srt.ts";
import { ComposeError } from "../../src/dialects/varg/compose/types.ts";

const URL = "https://cdn.example/subs.srt";

describe("SRT parser", () => {
  it("reads cues: number, time range, multi-line text", () => {
    const cues = parseSrt(
      "1\n00:00:01,000 --> 00:00:02,500\nHello there\nsecond line\n\n2\n01:02:03,004 --> 01:02:04,000\nBye\n",
      URL,
    );
    expect(cues).toEqual([
      { index: 1, start: 1, end: 2.5, text: "Hello there\nsecond line" },
      { index: 2, start: 3723.004, end: 3724, text: "Bye" },
    ]);
  });

  it("tolerates a BOM, CRLF or CR line ends, extra blank lines, trailing spaces and no final newline", () => {
    const text = "\uFEFF\r\n\r\n1 \r\n00:00:00,000 --> 00:00:01,000  \r\nA\r\n\r\n\r\n   \r\n2\r00:00:01,000 --> 00:00:02,000\rB";
    expect(parseSrt(text, URL)).toEqual([
      { index: 1, start: 0, end: 1, text: "A" },
      { index: 2, start: 1, end: 2, text: "B" },
    ]);
  });

  it("accepts a dot before the milliseconds and ignores box coordinates after the range", () => {
    const [cue] = parseSrt("7\n00:00:05.250 --> 00:00:06.000 X1:10 X2:20 Y1:5 Y2:9\nHi\n", URL);
    expect(cue).toEqual({ index: 7, start: 5.25, end: 6, text: "Hi" });
  });

  it("keeps markup as text and an empty cue as empty", () => {
    expect(parseSrt("1\n00:00:00,000 --> 00:00:01,000\n<i>x</i> & y\n\n2\n00:00:01,000 --> 00:00:02,000\n", URL)).toEqual([
      { index: 1, start: 0, end: 1, text: "<i>x</i> & y" },
      { index: 2, start: 1, end: 2, text: "" },
    ]);
  });

  it("reads an empty or blank file as no cues", () => {
    expect(parseSrt("", URL)).toEqual([]);
    expect(parseSrt("\uFEFF\n\n  \n", URL)).toEqual([]);
  });

  const bad: Array<[string, string, RegExp]> = [
    ["a bad time range", "1\n00:00:01,000 --> 00:00:02,000\nA\n\n2\n00:00:03 --> 00:00:04\nB\n", /line 6: expected a time range "00:00:01,000 --> 00:00:02,000", got "00:00:03 --> 00:00:04"$/],
    ["text where the number should be", "Hello\n00:00:01,000 --> 00:00:02,000\n", /line 1: expected a cue number, got "Hello"$/],
    ["a missing time range", "1\nHello\n", /line 2: expected a time range .*, got "Hello"$/],
    ["a file cut after the number", "1\n00:00:00,000 --> 00:00:01,000\nA\n\n2", /line 6: expected a time range .*, got the end of the file$/],
    ["60 minutes", "1\n00:60:00,000 --> 01:00:01,000\nA\n", /line 2: expected a time range/],
    ["two-digit milliseconds", "1\n00:00:00,00 --> 00:00:01,000\nA\n", /line 2: expected a time range/],
    ["an end before the start", "1\n00:00:02,000 --> 00:00:01,000\nA\n", /line 2: the cue ends before it starts \(00:00:02,000 --> 00:00:01,000\)$/],
    ["cues without a blank line between them", "1\n00:00:00,000 --> 00:00:01,000\nA\n2\n00:00:01,000 --> 00:00:02,000\nB\n", /line 5: a time range inside the text of cue 1/],
  ];
  it.each(bad)("refuses %s, naming the file and line", (_, text, message) => {
    let error: unknown;
    try {
      parseSrt(text, URL);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ComposeError);
    expect((error as Error).message).toMatch(new RegExp(`^subtitles ${URL.replace(/[.]/g, "\\.")} `));
    expect((error as Error).message).toMatch(message);
  });

  it("shortens a long offending line", () => {
    expect(() => parseSrt(`1\n${"x".repeat(200)}\n`, URL)).toThrow(/got "x{60}…"$/);
  });
});
