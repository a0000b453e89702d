// A strict SubRip (.srt) parser. Written here rather than taken from npm: the small parsers
// there (srt-parser-2, @plussub/srt-vtt-parser, subsrt-ts) skip or mangle what they cannot
// read, and `subtitle` needs Node streams; a user must instead hear which line is wrong.
import { ComposeError } from "./types.ts";

export interface SrtCue {
  /** The cue's number as written. */
  index: number;
  /** Seconds. */
  start: number;
  end: number;
  /** Lines joined with "\n", as written (no markup is interpreted). */
  text: string;
}

const TIME = String.raw`(\d{2,}):([0-5]\d):([0-5]\d)[,.](\d{3})`;
// Anything after the end time (e.g. "X1:… Y1:…" box coordinates) is ignored, as players do.
const RANGE = new RegExp(`^${TIME}\\s*-->\\s*${TIME}(?:\\s.*)?$`);

const seconds = (h: string, m: string, s: string, ms: string) => Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;

const shown = (line: string) => JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line);

/** Parses SRT text; `source` (the URL) names the file in errors. */
export function parseSrt(text: string, source: string): SrtCue[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  const fail = (i: number, what: string): never => {
    throw new ComposeError(`subtitles ${source} line ${i + 1}: ${what}`);
  };
  const cues: SrtCue[] = [];
  let i = 0;
  const blank = (line: string | undefined) => line !== undefined && line.trim() === "";
  for (;;) {
    while (blank(lines[i])) i++;
    if (i >= lines.length) return cues;
    const number = lines[i]!.trim();
    if (!/^\d+$/.test(number)) fail(i, `expected a cue number, got ${shown(lines[i]!)}`);
    i++;
    const range = RANGE.exec(lines[i]?.trim() ?? "");
    if (!range) {
      fail(i, `expected a time range "00:00:01,000 --> 00:00:02,000", got ${i < lines.length ? shown(lines[i]!) : "the end of the file"}`);
    }
    const [, h1, m1, s1, ms1, h2, m2, s2, ms2] = range as unknown as string[];
    const start = seconds(h1!, m1!, s1!, ms1!);
    const end = seconds(h2!, m2!, s2!, ms2!);
    if (end < start) fail(i, `the cue ends before it starts (${lines[i]!.trim()})`);
    i++;
    const body: string[] = [];
    while (i < lines.length && !blank(lines[i])) {
      // A cue number and time range run into the text: the blank line between cues is missing.
      if (RANGE.test(lines[i]!.trim())) fail(i, `a time range inside the text of cue ${number}: cues must be separated by a blank line`);
      body.push(lines[i++]!);
    }
    cues.push({ index: Number(number), start, end, text: body.join("\n") });
  }
}
