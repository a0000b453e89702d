// The prepare phase of a varg render: evaluate the scene in the sandbox (awaited elements get
// their media resolved), fetch and probe every referenced media file into the render's project,
// compile the tree into an HTML composition next to them, and mark the project ready. From
// there the render is planned, captured and finalized like any other project.
import { eq } from "drizzle-orm";
import type { Env } from "../../env.ts";
import { db } from "../../db/client.ts";
import { assets } from "../../db/schema.ts";
import { RenderFailure } from "../../core/errors.ts";
import { r2Keys } from "../../assets/layout.ts";
import { contentTypeFor } from "../../assets/project-paths.ts";
import type { SourceBuilder } from "../../render/prepare.ts";
import type { RenderSpec } from "../../jobs/render-state.ts";
import type { ResolvedMedia, VargElementJson } from "./tree.ts";
import { evaluateScene } from "./sandbox/index.ts";
import { locatedMessage, SandboxError } from "./sandbox/errors.ts";
import { collectMedia } from "./compose/collect.ts";
import { compileScene } from "./compose/compile.ts";
import { ComposeError, type MediaInfo } from "./compose/types.ts";
import { tagOf } from "./compose/props.ts";
import { SceneMedia } from "./media-store.ts";

export const SCENE_BUILDER = "varg-scene";
/** Where the submitted TSX is kept: beside the project's files, not among them. */
export const sceneKey = (assetId: string) => `${r2Keys.assetPrefix(assetId)}scene.tsx`;

/** Media fetched at once per build: enough to overlap downloads, bounded for the Worker. */
const FETCH_PARALLELISM = 4;

const MEDIA_KIND: Record<string, MediaInfo["kind"]> = { image: "image", video: "video", music: "audio", speech: "audio" };

/** What `await Image({src})` and friends give the code: the media's real facts. */
async function resolveElement(el: VargElementJson, media: SceneMedia): Promise<ResolvedMedia> {
  const kind = MEDIA_KIND[el.type];
  const src = el.props.src;
  if (!kind || typeof src !== "string") {
    throw new RenderFailure(
      `awaiting ${tagOf(el)} needs ${kind ? "AI generation from its prompt" : "media"}, which is not available on this deployment yet`,
      "invalid_source",
    );
  }
  const info = await media.fetchMedia({ url: src, kind, where: `awaited ${tagOf(el)}` });
  return { duration: info.duration ?? 0, url: src, mediaType: info.mediaType, width: info.width, height: info.height };
}

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

export const buildScene: SourceBuilder = async (env: Env, spec: RenderSpec, job) => {
  const database = db(env.DB);
  const asset = await database.select().from(assets).where(eq(assets.id, spec.assetId)).get();
  if (!asset) throw new RenderFailure("the scene's project is gone", "internal");
  if (asset.status === "ready") return; // a redelivered prepare step: already built
  const source = await env.BUCKET.get(sceneKey(spec.assetId));
  if (!source) throw new RenderFailure("the scene's source is gone", "internal");
  const code = await source.text();

  const media = new SceneMedia(env, spec.assetId);
  let tree: VargElementJson;
  try {
    ({ tree } = await evaluateScene(code, { resolve: (el) => resolveElement(el, media) }));
  } catch (err) {
    if (err instanceof SandboxError) throw new RenderFailure(`Invalid render code: ${locatedMessage(err)}`, "invalid_source");
    throw err;
  }

  await inBatches(collectMedia(tree), FETCH_PARALLELISM, (ref) => media.fetch(ref));
  const mediaFiles = await media.all();
  let compiled;
  try {
    compiled = compileScene(tree, mediaFiles, await media.allSubtitles());
  } catch (err) {
    if (err instanceof ComposeError) throw new RenderFailure(err.message, "invalid_source");
    throw err;
  }
  let bytes = 0;
  for (const [path, content] of Object.entries(compiled.files)) {
    const body = typeof content === "string" ? new TextEncoder().encode(content) : content;
    bytes += body.length;
    await env.BUCKET.put(r2Keys.assetFile(spec.assetId, path), body, { httpMetadata: { contentType: contentTypeFor(path) } });
  }
  for (const warning of compiled.warnings) await job.addWarning(warning);
  await job.recordPrepared({
    fps: compiled.fps,
    // Frames mode: one still per top-level clip, from the middle of its window.
    stills: spec.output === "stills" ? compiled.clips.map((c) => (c.start + c.end) / 2) : null,
  });
  await database
    .update(assets)
    .set({ status: "ready", fileCount: Object.keys(compiled.files).length + mediaFiles.size, unpackedBytes: bytes })
    .where(eq(assets.id, spec.assetId));
};
