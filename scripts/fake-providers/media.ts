// Real media for the fake providers to answer with: solid-colour PNGs and videos, tone audio
// whose words sit at known times. Colours come from a `#rrggbb` in the prompt (else a colour
// derived from the prompt), so tests can look for a generated image's colour in the frames.
import { spawn } from "node:child_process";
import { encodePng } from "../../src/dialects/varg/compose/png.ts";

export type Rgb = [number, number, number];

/** `#rrggbb` written in the prompt, else a stable colour from the prompt's text. */
export function colourOf(prompt: string): Rgb {
  const hex = /#([0-9a-f]{6})\b/i.exec(prompt);
  if (hex) {
    const n = Number.parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  let h = 2166136261;
  for (let i = 0; i < prompt.length; i++) h = Math.imul(h ^ prompt.charCodeAt(i), 16777619);
  return [64 + (h & 127), 64 + ((h >> 8) & 127), 64 + ((h >> 16) & 127)];
}

/** Pixel size for an aspect ratio, small so tests stay fast (long side 320). */
export function sizeFor(aspectRatio: string | undefined): { width: number; height: number } {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspectRatio ?? "");
  const [w, h] = m ? [Number(m[1]), Number(m[2])] : [16, 9];
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  return w >= h ? { width: 320, height: even((320 * h) / w) } : { width: even((320 * w) / h), height: 320 };
}

export function solidPng(width: number, height: number, [r, g, b]: Rgb): Uint8Array {
  const rowBytes = 1 + width * 3; // filter byte 0 (none), then RGB
  const raw = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) raw.set([r, g, b], y * rowBytes + 1 + x * 3);
  return encodePng(width, height, { bitDepth: 8, colourType: 2 }, raw);
}

function ffmpeg(args: string[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const child = spawn("ffmpeg", ["-hide_banner", "-loglevel", "error", ...args, "pipe:1"], { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(Buffer.concat(out)) : reject(new Error(`ffmpeg failed: ${err}`))));
  });
}

const hex = ([r, g, b]: Rgb) => `0x${[r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("")}`;

const memo = new Map<string, Promise<Uint8Array>>();
function once(key: string, make: () => Promise<Uint8Array>): Promise<Uint8Array> {
  let p = memo.get(key);
  if (!p) {
    memo.set(key, (p = make()));
    p.catch(() => memo.delete(key));
  }
  return p;
}

/** An H.264 mp4 of one colour, 25 fps, with a quiet 440 Hz tone when `withAudio`. */
export function solidVideo(width: number, height: number, colour: Rgb, seconds: number, withAudio = false): Promise<Uint8Array> {
  return once(`v ${width} ${height} ${colour} ${seconds} ${withAudio}`, () =>
    ffmpeg([
      "-f", "lavfi", "-i", `color=c=${hex(colour)}:s=${width}x${height}:r=25:d=${seconds}`,
      ...(withAudio ? ["-f", "lavfi", "-i", `sine=frequency=440:sample_rate=44100:duration=${seconds}`, "-c:a", "aac", "-shortest"] : []),
      "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-movflags", "frag_keyframe+empty_moov", "-f", "mp4",
    ]),
  );
}

/** Seconds each spoken word lasts in fake speech, and the pause after it. */
export const WORD_SECONDS = 0.3;
export const GAP_SECONDS = 0.1;
/** Amplitude of fake speech and music: 0.25 of full scale, about -12 dBFS (peak). */
export const TONE_AMPLITUDE = 0.25;

/** Word timings of fake speech: each word WORD_SECONDS long, GAP_SECONDS apart, from 0. */
export function speechTimings(text: string): Array<{ word: string; start: number; end: number }> {
  const words = text.split(/\s+/).filter(Boolean);
  return words.map((word, i) => ({ word, start: i * (WORD_SECONDS + GAP_SECONDS), end: i * (WORD_SECONDS + GAP_SECONDS) + WORD_SECONDS }));
}

/** Per-character alignment as ElevenLabs' /with-timestamps gives it (spaces sit in the gaps). */
export function characterAlignment(text: string): { characters: string[]; character_start_times_seconds: number[]; character_end_times_seconds: number[] } {
  const characters: string[] = [];
  const starts: number[] = [];
  const ends: number[] = [];
  let t = 0;
  const tokens = text.split(/(\s+)/).filter((s) => s.length > 0);
  for (const token of tokens) {
    const space = /^\s+$/.test(token);
    const span = space ? GAP_SECONDS : WORD_SECONDS;
    const each = span / token.length;
    for (let i = 0; i < token.length; i++) {
      characters.push(token[i]!);
      starts.push(Number((t + i * each).toFixed(4)));
      ends.push(Number((t + (i + 1) * each).toFixed(4)));
    }
    t += span;
  }
  return { characters, character_start_times_seconds: starts, character_end_times_seconds: ends };
}

/** Speech stand-in: a 440 Hz tone during each word, silence in the gaps; mp3 (or wav). */
export function speechAudio(text: string, format: "mp3" | "wav" = "mp3"): Promise<Uint8Array> {
  const timings = speechTimings(text);
  const seconds = timings.length ? timings.at(-1)!.end + GAP_SECONDS : 0.5;
  // Commas inside a filter option are escaped, or lavfi reads them as option separators.
  const gate = timings.map((w) => `between(t\\,${w.start.toFixed(3)}\\,${w.end.toFixed(3)})`).join("+") || "0";
  return once(`s ${format} ${text}`, () =>
    ffmpeg([
      "-f", "lavfi", "-i", `aevalsrc=${TONE_AMPLITUDE}*sin(2*PI*440*t)*(${gate}):s=44100:d=${seconds.toFixed(3)}`,
      ...(format === "mp3" ? ["-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"] : ["-f", "wav"]),
    ]),
  );
}

/** Music stand-in: a steady 220 Hz tone of the given length, mp3. */
export function musicAudio(seconds: number): Promise<Uint8Array> {
  return once(`m ${seconds}`, () =>
    ffmpeg(["-f", "lavfi", "-i", `aevalsrc=${TONE_AMPLITUDE}*sin(2*PI*220*t):s=44100:d=${seconds}`, "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3"]),
  );
}
