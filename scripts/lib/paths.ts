import { fileURLToPath } from "node:url";
import path from "node:path";

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Where `npm start` keeps local Miniflare state (D1, R2, DOs, queues) and the dev key. */
export const localStateDir = path.join(projectRoot, ".reelflare/state");

/** Environment for wrangler and friends: offline-friendly, and Chromium from our shim. */
export function toolEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CACHE_HOME: path.join(projectRoot, ".cache"),
    CLOUDFLARE_CF_FETCH_ENABLED: "false",
    WRANGLER_SEND_METRICS: "false",
    ...extra,
  };
}
