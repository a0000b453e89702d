// Word timings when a provider gives none (spread evenly over the audio), and the segments of a
// Speech written as an array of lines: like the SDK's mapWordsToSegments, each line takes its
// words' span, and the pause between two lines is split at its midpoint so that segments placed
// back to back lose no sound; the first starts at 0 and the last ends with the audio.
import type { WordTiming } from "../../../generation/types.ts";

export interface SpeechSegment {
  text: string;
  /** Seconds into the whole speech. */
  start: number;
  end: number;
  duration: number;
  /** The segment's words, timed from the segment's start. */
  words: WordTiming[];
}

/** Words spread evenly over `duration` seconds (0: at a speaking pace of 0.4 s per word). */
export function estimateWords(text: string, duration: number): WordTiming[] {
  const words = text.split(/\s+/).filter(Boolean);
  const each = duration > 0 && words.length ? duration / words.length : 0.4;
  return words.map((word, i) => ({ word, start: round(i * each), end: round((i + 1) * each) }));
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const wordCount = (line: string) => line.split(/\s+/).filter(Boolean).length;

export function segmentsOf(words: WordTiming[], lines: string[], duration: number): SpeechSegment[] {
  const total = duration || words.at(-1)?.end || 0;
  const raw: Array<{ text: string; start: number; end: number; words: WordTiming[] }> = [];
  let index = 0;
  for (const text of lines) {
    const own = words.slice(index, index + wordCount(text));
    index += own.length;
    const at = own[0]?.start ?? words[index]?.start ?? total;
    raw.push({ text, start: at, end: own.at(-1)?.end ?? at, words: own });
  }
  return raw.map((seg, i) => {
    const start = i === 0 ? 0 : round((raw[i - 1]!.end + seg.start) / 2);
    const end = i === raw.length - 1 ? total : round((seg.end + raw[i + 1]!.start) / 2);
    return {
      text: seg.text,
      start,
      end,
      duration: round(Math.max(0, end - start)),
      words: seg.words.map((w) => ({ word: w.word, start: round(w.start - start), end: round(w.end - start) })),
    };
  });
}
