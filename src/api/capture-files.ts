// Serves a render's project files to its own capture browser under the per-render
// capability URL (see src/render/capture-url.ts). No API key: the signed token is the key,
// and it only opens the one asset it names.
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";
import { configFrom } from "../config.ts";
import { readCaptureToken } from "../render/capture-url.ts";
import { r2Keys } from "../assets/layout.ts";
import { checkProjectPath } from "../assets/project-paths.ts";
import { r2ObjectResponse } from "../lib/r2-response.ts";

export const captureFileRoutes = new Hono<AppEnv>();

captureFileRoutes.get("/:token/*", async (c) => {
  const token = await readCaptureToken(configFrom(c.env).signingSecret, c.req.param("token"));
  if (!token) return c.text("capture token is invalid or expired", 403);
  const rest = new URL(c.req.url).pathname.split("/").slice(4).join("/");
  const path = checkProjectPath(decodeURIComponent(rest));
  if (!path.ok) return c.text("bad path", 400);
  // Ranges matter here: the browser fetches <video>/<audio> in ranges to seek in them.
  const res = await r2ObjectResponse(c.env.BUCKET, r2Keys.assetFile(token.assetId, path.path), c.req.raw, "no-store");
  return res ?? c.text(`${path.path} is not part of this project`, 404);
});
