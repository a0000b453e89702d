// What the page reports about its audible media, validated (the page is untrusted), and how
// it becomes the render plan's audio: project files the encoder can be sent from R2.
import { z } from "zod";
import { checkProjectPath } from "../assets/project-paths.ts";
import { capturePrefix } from "./capture-url.ts";

const seconds = z.number().finite().min(0).max(1e6);

/** One audible <audio>/<video>, as page-driver.ts reports it. */
export const PageAudioTrack = z.object({
  src: z.string().max(4096),
  start: seconds,
  end: seconds,
  mediaStart: seconds,
  rate: z.number().min(0.1).max(10),
  volume: z.number().min(0).max(10),
  loop: z.boolean(),
  fadeIn: seconds,
  fadeOut: seconds,
});
export type PageAudioTrack = z.infer<typeof PageAudioTrack>;

/** A planned track: its source is a file of the project, by path. */
export type PlannedAudioTrack = Omit<PageAudioTrack, "src"> & { path: string };

/** The project path of a URL under the page's capability prefix, or null if it is not one. */
export function projectPathOf(pageUrl: string, url: string): string | null {
  const prefix = capturePrefix(pageUrl);
  if (!prefix || !url.startsWith(prefix)) return null;
  const rest = url.slice(prefix.length).split(/[?#]/)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rest);
  } catch {
    return null;
  }
  const checked = checkProjectPath(decoded);
  return checked.ok && checked.path ? checked.path : null;
}

/** Tracks whose sources are project files, plus a warning for each one that is not. */
export function planAudio(
  pageUrl: string,
  tracks: PageAudioTrack[],
): { audio: PlannedAudioTrack[]; warnings: string[] } {
  const audio: PlannedAudioTrack[] = [];
  const warnings: string[] = [];
  for (const { src, ...track } of tracks) {
    if (track.end <= track.start) continue;
    const path = projectPathOf(pageUrl, src);
    if (path) audio.push({ ...track, path });
    else warnings.push(`audio not mixed: ${src.slice(0, 200)} is not a file of the project`);
  }
  return { audio, warnings };
}
