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
import { estimatedFrames, isImageOnly, limitFacts, renderSettings } from "./scene-facts.ts";
import { limitProblem } from "../../renders/render-limits.ts";
import { SCENE_BUILDER, sceneKey, sceneOptionsKey, type SceneOptions } from "./build-scene.ts";
import { sealKeys, type ProviderKeys } from "../../generation/keys.ts";
import { refusal } from "../../generation/generator.ts";
import { PROVIDER_NAMES } from "../../generation/providers/index.ts";
import { findGenerations } from "./generate/find.ts";
import { requestFor } from "./generate/requests.ts";

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

/** providerKeys must name providers this service knows (a typo would silently fall back). */
function checkProviderKeys(keys: ProviderKeys): void {
  for (const name of Object.keys(keys)) {
    if (!(PROVIDER_NAMES as string[]).includes(name)) {
      throw new DomainError("invalid", "invalid_parameter", `providerKeys.${name}: not a provider this service calls (it knows ${PROVIDER_NAMES.join(", ")})`, `providerKeys.${name}`);
    }
  }
}

/** Generations that can never run (unknown provider or model; no key, unless previewing) are a 400 now. */
function checkGenerations(env: Env, tree: VargElementJson, keys: ProviderKeys, mode: SubmitRender["mode"]): void {
  const { allowLocalUrls } = configFrom(env);
  const frame = renderSettings(tree);
  for (const site of findGenerations(tree)) {
    const { request, imageInputs } = requestFor(site.el, { ...frame, clipSeconds: site.clipSeconds });
    // Without a key, preview mode still renders, with a placeholder.
    const why = refusal(request, keys, env, mode === "strict");
    if (why) {
      throw new DomainError("invalid", "invalid_source", `${site.where}: cannot generate ${request.kind} with ${request.provider}${request.model ? ` model "${request.model}"` : ""}: ${why}`, "code");
    }
    for (const input of imageInputs) {
      if (typeof input !== "string") continue;
      const check = checkOutboundUrl(input, allowLocalUrls);
      if (!check.ok) throw new DomainError("invalid", "invalid_source", `${site.where}: prompt image ${input.slice(0, 300)} ${check.reason}`, "code");
    }
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
  checkProviderKeys(body.providerKeys);
  const tree = await checkCode(body.code);
  if (tree) {
    checkMediaUrls(env, tree);
    checkGenerations(env, tree, body.providerKeys, body.mode);
  }
  // An explicit output wins; otherwise an image-only scene gives frames (as the seed says).
  const frames = body.output === "frames" || (body.output === undefined && tree !== null && isImageOnly(tree));
  const over = tree && limitProblem(config, limitFacts(tree, !frames));
  if (over) throw new DomainError("invalid", "invalid_source", `scene: ${over.message}`, "code");
  const fps = tree ? renderSettings(tree).fps : 30;

  // The project starts empty ("building"): the prepare phase compiles the scene into it.
  const assetId = newId.asset();
  const renderId = crypto.randomUUID();
  // The keys reach the prepare phase sealed for this render only (never in D1, R2 or logs).
  const secrets = Object.keys(body.providerKeys).length ? await sealKeys(config.signingSecret, renderId, body.providerKeys) : undefined;
  const options: SceneOptions = { mode: body.mode };
  try {
    await env.BUCKET.put(sceneKey(assetId), codeBytes, { httpMetadata: { contentType: "text/plain; charset=utf-8" } });
    await env.BUCKET.put(sceneOptionsKey(assetId), JSON.stringify(options), { httpMetadata: { contentType: "application/json" } });
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
      id: renderId,
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
      secrets,
    });
    return { row, frames: tree ? estimatedFrames(tree) : null };
  } catch (err) {
    await deletePrefix(env.BUCKET, r2Keys.assetPrefix(assetId));
    await db(env.DB).delete(assets).where(eq(assets.id, assetId));
    throw err;
  }
}
