// How many chunks a render gets. CHUNK_FRAMES, when set, fixes the chunk size as it always did
// (tests, the bench, an operator's override); otherwise the cost model (cloud-model/) picks the
// count with the least predicted wall time for where the service runs — Cloudflare's limits,
// or this machine's shared cores — within MAX_CHUNKS. Either way the frames are split evenly.
import type { Config } from "../config.ts";
import type { ChunkEntry } from "../jobs/render-state.ts";
import { chunkLedger, planChunks, splitFrames } from "./chunks.ts";
import { MEASURED } from "./cloud-model/measured.ts";
import { cloudflareProfile, localProfile, type Profile } from "./cloud-model/profiles.ts";
import { chooseChunks } from "./cloud-model/choose.ts";

export function profileFor(config: Config): Profile {
  const name = config.renderProfile ?? (config.encoderLocalOrigin ? "local" : "cloudflare");
  return name === "local" ? localProfile(MEASURED, config.localCores) : cloudflareProfile(MEASURED);
}

/** The new plan's chunk ledger for `frames` output frames of `pixels` pixels each; `idleBrowsers`
 *  are already running (the pool's), so their chunks need no launch. */
export function plannedChunks(config: Config, renderId: string, frames: number, pixels: number, idleBrowsers = 0): ChunkEntry[] {
  if (config.chunkFrames !== undefined) return chunkLedger(planChunks(frames, config.chunkFrames, config.maxChunks));
  const profile = { ...profileFor(config), idleBrowsers };
  const { chunks, prediction } = chooseChunks(profile, MEASURED, { frames, pixels }, config.maxChunks);
  // One line per plan, so a deployment's logs show the model's guess beside what happened.
  console.log(
    `[chunk-plan] ${JSON.stringify({ renderId, frames, chunks, profile: profile.name, idleBrowsers, predictedS: Number(prediction.wallS.toFixed(1)) })}`,
  );
  return chunkLedger(splitFrames(frames, chunks));
}
