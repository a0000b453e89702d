// Fault drills (`npm run faults`, test/e2e/recovery.test.ts). With FAULT_INJECTION set — never
// in wrangler.toml, only by the local drills — the render consumer loses or doubles messages
// on purpose, so that recovery can be shown end to end on the real stack:
//   drop-capture-once  the first delivery of each capture step is acknowledged unrun (lost)
//   duplicate          every step is sent again once before it runs (a duplicated delivery)
import type { Env } from "../env.ts";
import type { RenderMessage } from "./messages.ts";

/** Steps already dropped or doubled: each fault happens once per step. */
const seen = new Set<string>();

/** What the drill does to this delivery: nothing, drop it, or run it and deliver it again. */
export function injectedFault(env: Env, msg: RenderMessage): "drop" | "duplicate" | null {
  const mode = env.FAULT_INJECTION;
  if (mode !== "duplicate" && !(mode === "drop-capture-once" && msg.kind === "capture")) return null;
  const key = `${msg.kind}:${msg.renderId}:${msg.kind === "capture" ? msg.chunkIndex : ""}`;
  if (seen.has(key)) return null;
  seen.add(key);
  return mode === "duplicate" ? "duplicate" : "drop";
}
