// The bundled fonts (src/render/fonts/), served to capture browsers from the Worker's own
// origin: open-licensed, public, the same for every render, so no key and no signature.
import { Hono } from "hono";
import { describeRoute } from "hono-openapi";
import type { AppEnv } from "../env.ts";
import { FONT_FILES } from "../render/fonts/font-files.ts";

export const fontFileRoutes = new Hono<AppEnv>();

fontFileRoutes.get(
  "/:file",
  describeRoute({
    tags: ["Capability URLs"],
    summary: "Internal: a bundled font file (Latin subset, woff2), loaded by composition pages during capture",
    responses: {
      200: { description: "The font.", content: { "font/woff2": { schema: { type: "string", format: "binary" } } } },
      404: { description: "Not a bundled font." },
    },
  }),
  (c) => {
    const file = c.req.param("file");
    const bytes = Object.hasOwn(FONT_FILES, file) ? FONT_FILES[file] : undefined;
    if (!bytes) return c.text(`${file} is not a bundled font`, 404);
    return new Response(bytes, {
      headers: {
        "content-type": "font/woff2",
        // The versions are pinned: a file name always has the same bytes within a deployment.
        "cache-control": "public, max-age=86400",
        "access-control-allow-origin": "*",
      },
    });
  },
);
