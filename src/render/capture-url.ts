// Per-render capability URLs for the composition page. The browser loads
// `/v1/capture/<token>/<path>`; the token names the asset and render and is signed, so a
// page can reach its own project's files and nothing else's.
import { sign, verify } from "../lib/signing.ts";

const PURPOSE = "capture";
/** Long enough for the slowest chunk; a token is only ever given to our own browser. */
const TOKEN_TTL_SECONDS = 6 * 60 * 60;

export interface CaptureToken {
  assetId: string;
  renderId: string;
}

export async function captureToken(secret: string, t: CaptureToken, now = Date.now()): Promise<string> {
  const exp = Math.floor(now / 1000) + TOKEN_TTL_SECONDS;
  const body = `${t.assetId}.${t.renderId}.${exp}`;
  return `${body}.${await sign(secret, `${PURPOSE}\n${body}`)}`;
}

export async function readCaptureToken(secret: string, token: string, now = Date.now()): Promise<CaptureToken | null> {
  const parts = token.split(".");
  if (parts.length !== 4) return null;
  const [assetId, renderId, exp, sig] = parts as [string, string, string, string];
  if (!/^\d+$/.test(exp) || Number(exp) * 1000 < now) return null;
  if (!(await verify(secret, `${PURPOSE}\n${assetId}.${renderId}.${exp}`, sig))) return null;
  return { assetId, renderId };
}

/** The capability prefix (`…/v1/capture/<token>/`) of a page URL, or null if it has none. */
export function capturePrefix(pageUrl: string): string | null {
  return /^.*\/v1\/capture\/[^/]+\//.exec(pageUrl)?.[0] ?? null;
}

export async function compositionPageUrl(
  secret: string,
  origin: string,
  t: CaptureToken & { entry: string },
): Promise<string> {
  const entry = t.entry.split("/").map(encodeURIComponent).join("/");
  return `${origin}/v1/capture/${await captureToken(secret, t)}/${entry}`;
}
