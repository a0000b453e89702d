// Submitting a scene: check the code in the sandbox (syntax, imports, default <Render>, element
// props) so that bad code is a 400 now, keep the source in R2 under a project that the prepare
// phase fills (build-scene.ts), and create the render.
import { eq } from "drizzle-orm";
import type { Env } from "../../env.ts";
import { configFrom } from "../../config.ts";
import { db } from "../../db/client.ts";
import { assets, type RenderRow } from "../../db/schema.ts";
import { DomainError } from "../../core/errors.ts";
import { newId } from "../../lib/ids.ts";
import { checkOutboundUrl } from "../../lib/url-safety.ts";
import { deletePrefix, r2Keys } from "../../assets/layout.ts";
import { createRender } from "../../renders/create-render.ts";
import type { SubmitRender } from "./schemas.ts";
import type { VargElementJson } from "./tree.ts";
import { evaluateScene } from "./sandbox/index.ts";
import { locatedMessage, SandboxError } from "./sandbox/errors.ts";
import { collectMedia } from "./compose/collect.ts";
import { estimatedFrames, isImageOnly, renderSettings } from "./scene-facts.ts";
import { SCENE_BUILDER, sceneKey } from "./build-scene.ts";

export const DIALECT = "varg";
/** The varg dialect's own request window and concurrency slots, per account. */
export const vargScope = (accountId: string) => `varg:${accountId}`;

/** Marks awaited elements during the submit-time check: their media is only resolved later. */
class Deferred extends Error {}

/** Bad code as the API's `400 Invalid render code`. */
export function invalidCode(err: SandboxError): DomainError {
  const location = err.line !== undefined ? { line: err.line, column: err.column ?? 1 } : undefined;
  return new DomainError("invalid", "invalid_source", locatedMessage(err), "code", {}, location);
}

/**
 * The tree, when the code can be evaluated without resolving media (no `await` of an element);
 * null when it awaits one (checked again, fully, in the prepare phase).
 */
async function checkCode(code: string): Promise<VargElementJson | null> {
  let deferred = false;
  try {
    const { tree, evalMs } = await evaluateScene(code, {
      resolve: async () => {
        deferred = true;
        throw new Deferred("resolved later");
      },
    });
    // One line per submission, so the sandbox's cost can be read from the logs (npm run bench:varg).
    console.log(`[varg-eval] ${evalMs.toFixed(1)} ms for ${code.length} characters`);
    return deferred ? null : tree;
  } catch (err) {
    if (deferred) return null;
    if (err instanceof SandboxError) throw invalidCode(err);
    throw err;
  }
}

/** Media URLs that can never be fetched (private hosts, other schemes) are refused now. */
function checkMediaUrls(env: Env, tree: VargElementJson): void {
  const { allowLocalUrls } = configFrom(env);
  for (const ref of collectMedia(tree)) {
    const check = checkOutboundUrl(ref.url, allowLocalUrls);
    if (!check.ok) throw new DomainError("invalid", "invalid_source", `${ref.where}: src ${ref.url.slice(0, 300)} ${check.reason}`, "code");
  }
}

export async function submitScene(
  env: Env,
  accountId: string,
  body: SubmitRender,
  origin: string,
): Promise<{ row: RenderRow; frames: number | null }> {
  const config = configFrom(env);
  const codeBytes = new TextEncoder().encode(body.code);
  if (codeBytes.length > config.vargMaxCodeBytes) {
    throw new DomainError("invalid", "invalid_source", `code is ${codeBytes.length} bytes; the limit is ${config.vargMaxCodeBytes}`, "code");
  }
  const tree = await checkCode(body.code);
  if (tree) checkMediaUrls(env, tree);
  // An explicit output wins; otherwise an image-only scene gives frames (as the seed says).
  const frames = body.output === "frames" || (body.output === undefined && tree !== null && isImageOnly(tree));
  const fps = tree ? renderSettings(tree).fps : 30;

  // The project starts empty ("building"): the prepare phase compiles the scene into it.
  const assetId = newId.asset();
  try {
    await env.BUCKET.put(sceneKey(assetId), codeBytes, { httpMetadata: { contentType: "text/plain; charset=utf-8" } });
    await db(env.DB).insert(assets).values({
      id: assetId,
      accountId,
      status: "building",
      filename: "scene.tsx",
      mimeType: "text/tsx",
      sizeBytes: codeBytes.length,
      sha256: null,
      expectedSha256: null,
      uploadExpiresAt: null,
      createdAt: Date.now(),
    });
    const row = await createRender(env, {
      id: crypto.randomUUID(),
      dialect: DIALECT,
      accountId,
      assetId,
      entry: "index.html",
      fps,
      // The SDK encodes with x264 medium crf 18: our "standard".
      quality: "standard",
      format: "mp4",
      resolution: "1080p",
      aspectRatio: null,
      variables: {},
      output: frames ? "stills" : "video",
      prepare: SCENE_BUILDER,
      title: null,
      callbackId: null,
      callbackUrl: null,
      origin,
      slots: { scope: vargScope(accountId), max: config.vargMaxConcurrentRenders },
    });
    return { row, frames: tree ? estimatedFrames(tree) : null };
  } catch (err) {
    await deletePrefix(env.BUCKET, r2Keys.assetPrefix(assetId));
    await db(env.DB).delete(assets).where(eq(assets.id, assetId));
    throw err;
  }
}
