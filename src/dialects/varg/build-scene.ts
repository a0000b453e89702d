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
import { limitFacts, renderSettings } from "./scene-facts.ts";
import { limitProblem } from "../../renders/render-limits.ts";
import { configFrom } from "../../config.ts";
import { Generator } from "../../generation/generator.ts";
import { openKeys, type ProviderKeys } from "../../generation/keys.ts";
import { needsGeneration } from "./generate/requests.ts";
import { SceneGeneration, type GenerationMode } from "./generate/scene-generation.ts";

export const SCENE_BUILDER = "varg-scene";
/** Where the submitted TSX is kept: beside the project's files, not among them. */
export const sceneKey = (assetId: string) => `${r2Keys.assetPrefix(assetId)}scene.tsx`;
/** The submit options the build needs (mode), beside the code. Never keys: those are sealed in the RenderJob. */
export const sceneOptionsKey = (assetId: string) => `${r2Keys.assetPrefix(assetId)}scene-options.json`;

export interface SceneOptions {
  mode: GenerationMode;
}

/** Media fetched at once per build: enough to overlap downloads, bounded for the Worker. */
const FETCH_PARALLELISM = 4;

const MEDIA_KIND: Record<string, MediaInfo["kind"]> = { image: "image", video: "video", music: "audio", speech: "audio" };

/** What `await Image({src})` and friends give the code: the media's real facts (generated
 *  first when the element has a prompt). */
async function resolveElement(el: VargElementJson, media: SceneMedia, generation: SceneGeneration): Promise<ResolvedMedia> {
  const kind = MEDIA_KIND[el.type];
  const src = el.props.src;
  if (needsGeneration(el)) return generation.resolveAwaited(el);
  if (!kind || typeof src !== "string") {
    throw new RenderFailure(`awaiting ${tagOf(el)} gives nothing: it has neither a src nor a prompt`, "invalid_source");
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
  const options = await sceneOptions(env, spec.assetId);

  const media = new SceneMedia(env, spec.assetId);
  const tree = await evaluateAndGenerate(env, spec, job, code, options, media);
  const { compiled, fileCount, bytes } = await compileInto(env, spec.assetId, tree, media);
  for (const warning of compiled.warnings) await job.addWarning(warning);
  await job.recordPrepared({
    fps: compiled.fps,
    // Frames mode: one still per top-level clip, from the middle of its window.
    stills: spec.output === "stills" ? compiled.clips.map((c) => (c.start + c.end) / 2) : null,
  });
  await database.update(assets).set({ status: "ready", fileCount, unpackedBytes: bytes }).where(eq(assets.id, spec.assetId));
};

/** Runs the code (generating what it awaits), then generates the rest of the tree's prompts. */
async function evaluateAndGenerate(
  env: Env,
  spec: RenderSpec,
  job: Parameters<SourceBuilder>[2],
  code: string,
  options: SceneOptions,
  media: SceneMedia,
): Promise<VargElementJson> {
  const started = performance.now();
  const generation = new SceneGeneration({
    env,
    assetId: spec.assetId,
    generator: new Generator(env, spec.accountId, await requestKeys(env, spec.renderId, job)),
    media,
    mode: options.mode,
    frame: { width: 1920, height: 1080 },
    onProgress: progressReporter(job),
  });
  let tree: VargElementJson;
  try {
    ({ tree } = await evaluateScene(code, { resolve: (el) => resolveElement(el, media, generation) }));
  } catch (err) {
    if (err instanceof SandboxError) throw new RenderFailure(`Invalid render code: ${locatedMessage(err)}`, "invalid_source");
    throw err;
  }
  // Code that awaits media is first seen whole here: refuse a scene over the limits before
  // generating the rest of it.
  const over = limitProblem(configFrom(env), limitFacts(tree, spec.output !== "stills"));
  if (over) throw new RenderFailure(`scene: ${over.message}`, "invalid_source");
  // Generated media fits the frame the code declared (awaited elements, generated while the
  // code ran, assumed 16:9 unless they named an aspectRatio).
  generation.setFrame(renderSettings(tree));
  await generation.generateTree(tree);
  if (generation.files.length) {
    // One line per build, for npm run bench:generation (no keys, no prompts).
    const cached = generation.files.filter((f) => f.metadata.cached).length;
    console.log(`[varg-generation] ${generation.files.length} assets (${cached} cached) in ${Math.round(performance.now() - started)} ms`);
  }
  await job.recordGenerated(generation.files);
  for (const warning of generation.warnings) await job.addWarning(warning);
  return tree;
}

/** Fetches the tree's media and writes the compiled composition beside it in the project. */
async function compileInto(env: Env, assetId: string, tree: VargElementJson, media: SceneMedia) {
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
    await env.BUCKET.put(r2Keys.assetFile(assetId, path), body, { httpMetadata: { contentType: contentTypeFor(path) } });
  }
  return { compiled, fileCount: Object.keys(compiled.files).length + mediaFiles.size, bytes };
}

async function sceneOptions(env: Env, assetId: string): Promise<SceneOptions> {
  const stored = await env.BUCKET.get(sceneOptionsKey(assetId));
  const options = stored ? ((await stored.json()) as Partial<SceneOptions>) : {};
  return { mode: options.mode === "preview" ? "preview" : "strict" };
}

/** The request's provider keys, opened from the RenderJob where they were sealed at submit. */
async function requestKeys(env: Env, renderId: string, job: Parameters<SourceBuilder>[2]): Promise<ProviderKeys> {
  const sealed = await job.secrets();
  if (!sealed) return {};
  try {
    return await openKeys(configFrom(env).signingSecret, renderId, sealed);
  } catch {
    // The signing secret changed since submit: the keys cannot be read, say so plainly.
    throw new RenderFailure("the provider keys sent with this job can no longer be read (the deployment's SIGNING_SECRET changed); submit it again", "internal");
  }
}

/** Reports generation progress to the RenderJob in order, one update at a time. */
function progressReporter(job: Parameters<SourceBuilder>[2]): (done: number, total: number) => void {
  let chain = Promise.resolve();
  return (done, total) => {
    chain = chain.then(() => job.recordGeneration(done, total)).catch(() => {});
  };
}
