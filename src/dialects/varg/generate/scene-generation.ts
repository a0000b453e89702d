// The generation phase of one varg render: every element made from a prompt becomes media in
// the render's project, before the scene is compiled. Elements the code awaits are generated
// while the code runs (`resolve`); the rest after it (`generateTree`). Independent generations
// run in parallel (the Generator bounds the calls in flight); one that feeds another (an Image
// in a Video's prompt) is awaited by it. Each result is registered with SceneMedia under a
// `generated:` URL of its own, which the tree then carries as `resolved.url`.
//
// strict mode: the first failure fails the render, with the category the provider's answer
// implies and a message naming the element, its clip and the model. preview mode: a failed
// generation becomes a labelled placeholder of the right size and length, and a warning.
import type { Env } from "../../../env.ts";
import { configFrom } from "../../../config.ts";
import { RenderFailure } from "../../../core/errors.ts";
import { fetchLimited, FetchProblem } from "../../../lib/safe-fetch.ts";
import { r2Keys } from "../../../assets/layout.ts";
import type { OutputFile } from "../../../jobs/render-state.ts";
import { adapterFor, GenerationRefused, type Generator } from "../../../generation/generator.ts";
import { ProviderError, type GenerationRequest, type InputFile, type WordTiming } from "../../../generation/types.ts";
import { forEachElement, isElement, type ResolvedMedia, type VargElementJson } from "../tree.ts";
import { tagOf } from "../compose/props.ts";
import type { MediaInfo } from "../compose/types.ts";
import type { SceneMedia } from "../media-store.ts";
import { findGenerations } from "./find.ts";
import { IDLE_ANIMATION_PROMPT, LIPSYNC_NEEDS_VIDEO, requestFor, type MediaInput } from "./requests.ts";
import { estimateWords, segmentsOf, type SpeechSegment } from "./speech-timing.ts";
import { placeholderSvg } from "./placeholder-image.ts";

export type GenerationMode = "strict" | "preview";

const MEDIA_KIND: Record<string, MediaInfo["kind"]> = { image: "image", video: "video", speech: "audio", music: "audio", "talking-head": "video" };
/** Placeholder lengths when nothing says how long (seconds). */
const PLACEHOLDER_VIDEO_SECONDS = 5;
const PLACEHOLDER_MUSIC_SECONDS = 3600;

export interface SceneGenerationOptions {
  env: Env;
  assetId: string;
  generator: Generator;
  media: SceneMedia;
  mode: GenerationMode;
  /** The render's frame (from the code's <Render>; 1920×1080 until known). */
  frame: { width: number; height: number };
  /** Called whenever the count of known or finished generations changes. */
  onProgress(done: number, total: number): void;
}

interface Outcome {
  resolved: ResolvedMedia;
  /** The bytes, for a generation another one starts from (null for placeholders). */
  input: InputFile | null;
}

export class SceneGeneration {
  private readonly options: SceneGenerationOptions;
  private readonly outcomes = new Map<string, Promise<Outcome>>();
  private done = 0;
  /** Generated assets, for the job's files[] (in the order they finished). */
  readonly files: OutputFile[] = [];
  readonly warnings: string[] = [];

  constructor(options: SceneGenerationOptions) {
    this.options = { ...options };
  }

  /** The frame generated media should fit, once the code's <Render> is known. */
  setFrame(frame: { width: number; height: number }): void {
    this.options.frame = { width: frame.width, height: frame.height };
  }

  /** What awaiting an element in the code gives (`const s = await Speech(…)`). */
  resolveAwaited(el: VargElementJson): Promise<ResolvedMedia> {
    return this.outcome(el, `awaited ${tagOf(el)}`).then((o) => o.resolved);
  }

  /** Generates every element of the tree that still needs it and attaches the results. */
  async generateTree(tree: VargElementJson): Promise<void> {
    const sites = findGenerations(tree);
    const results = await Promise.allSettled(sites.map((s) => this.outcome(s.el, s.where, s.clipSeconds)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
    const byId = new Map<string, ResolvedMedia>();
    for (const [id, outcome] of this.outcomes) byId.set(id, (await outcome).resolved);
    // Every copy of a generated element (one id may appear many times) gets its media.
    forEachElement(tree, (el) => {
      const media = byId.get(el.id);
      if (media && !el.resolved) el.resolved = media;
    });
  }

  private outcome(el: VargElementJson, where: string, clipSeconds?: number): Promise<Outcome> {
    let pending = this.outcomes.get(el.id);
    if (!pending) {
      pending = this.produce(el, where, clipSeconds);
      this.outcomes.set(el.id, pending);
      this.report();
      pending.then(
        () => {
          this.done++;
          this.report();
        },
        () => {},
      );
    }
    return pending;
  }

  private report(): void {
    this.options.onProgress(this.done, this.outcomes.size);
  }

  private async produce(el: VargElementJson, where: string, clipSeconds?: number): Promise<Outcome> {
    const { env, media, generator, mode } = this.options;
    const asked = requestFor(el, { ...this.options.frame, clipSeconds });
    const { request, imageInputs, audioInput, videoInput, animateWith, lines } = asked;
    // A model left to the provider's default is listed by the model that default is.
    const modelLabel = request.model ? asked.modelLabel : `${request.provider}:${adapterFor(request.provider)?.endpointFor({ ...request, images: [] }) ?? "default"}`;
    const kind = MEDIA_KIND[el.type]!;
    const failure = (message: string, category: RenderFailure["category"]) =>
      new RenderFailure(`${request.kind[0]!.toUpperCase()}${request.kind.slice(1)} generation failed for ${where} (${modelLabel}): ${message}`, category);

    try {
      const talking = el.type === "talking-head";
      if (request.kind !== "speech" && !talking && !audioInput && !videoInput && !request.prompt.trim()) throw new GenerationRefused("its prompt has no text");
      if (talking && (imageInputs.length === 0 || !audioInput)) throw new GenerationRefused("a TalkingHead needs an image (an <Image>) and audio (a <Speech>)");
      const [images, audio, video] = await Promise.all([
        Promise.all(imageInputs.map((input, i) => this.inputFile(input, `${talking ? "the image" : `image ${i + 1} of the prompt`} of ${where}`))),
        audioInput ? this.inputFile(audioInput, `the audio of ${where}`) : undefined,
        videoInput ? this.inputFile(videoInput, `the video of ${where}`) : undefined,
      ]);
      if (images.some((i) => i === null) || audio === null || video === null) throw new GenerationRefused("an input it starts from could not be generated");
      let full: GenerationRequest = { ...request, images: images as InputFile[], audio, video };
      if (animateWith && request.provider === "fal" && LIPSYNC_NEEDS_VIDEO.has(request.model)) {
        // This lipsync model works on a video: animate the image first (as the SDK does).
        const animated = await generator.generate({ ...animateWith, kind: "video", prompt: IDLE_ANIMATION_PROMPT, images: full.images, aspectRatio: request.aspectRatio });
        full = { ...full, images: [], video: { bytes: animated.bytes, mediaType: animated.mediaType } };
      }
      const result = await generator.generate(full);
      const url = `generated:${result.hash.slice(0, 32)}`;
      const info = await media.add({ url, kind, where }, result.bytes, (what) => failure(`the provider's result ${what}`, "provider_error"));
      const duration = info.duration ?? 0;
      let words: WordTiming[] | undefined;
      let segments: SpeechSegment[] | undefined;
      if (request.kind === "speech") {
        words = result.words?.length ? result.words : estimateWords(request.prompt, duration);
        if (!result.words?.length) this.warn(`${where}: ${modelLabel} gave no word timings; captions spread the words evenly`);
        if (lines) segments = segmentsOf(words, lines, duration);
      }
      this.files.push({
        key: r2Keys.assetFile(this.options.assetId, info.path),
        mediaType: info.mediaType,
        metadata: { type: request.kind, model: modelLabel, prompt: request.prompt.slice(0, 2000), duration: info.duration ?? null, cached: result.cached },
      });
      return {
        resolved: { duration, url, mediaType: info.mediaType, width: info.width, height: info.height, words, segments },
        input: { bytes: result.bytes, mediaType: info.mediaType },
      };
    } catch (err) {
      let reason: string;
      let category: RenderFailure["category"];
      if (err instanceof ProviderError) [reason, category] = [err.message, err.category];
      else if (err instanceof GenerationRefused) [reason, category] = [err.message, "invalid_source"];
      else if (err instanceof RenderFailure && mode === "preview") [reason, category] = [err.message, err.category];
      else throw err;
      if (mode === "strict") throw failure(reason, category);
      this.warn(`${where}: ${modelLabel} failed (${reason}); a placeholder stands in (preview mode)`);
      return { resolved: await this.placeholder(el, request, where, reason), input: null };
    }
  }

  /** The bytes of a file a generation starts from: generated first, or fetched. */
  private async inputFile(input: MediaInput, where: string): Promise<InputFile | null> {
    if (isElement(input)) {
      if (typeof input.props.src !== "string") return (await this.outcome(input, where)).input;
      input = input.props.src;
    }
    const config = configFrom(this.options.env);
    try {
      const file = await fetchLimited(input, { maxBytes: config.maxMediaBytes, timeoutMs: config.urlFetchTimeoutMs, allowLocal: config.allowLocalUrls });
      return { bytes: file.bytes, mediaType: file.contentType.split(";")[0] || "application/octet-stream" };
    } catch (err) {
      if (err instanceof FetchProblem) throw new RenderFailure(`${where}: ${input.slice(0, 300)} ${err.message}`, "invalid_source");
      throw err;
    }
  }

  private async placeholder(el: VargElementJson, request: ReturnType<typeof requestFor>["request"], where: string, reason: string): Promise<ResolvedMedia> {
    const url = `placeholder:${el.id}`;
    const { width, height } = placeholderSize(request.aspectRatio, this.options.frame);
    const kind = MEDIA_KIND[el.type]!;
    let duration = 0;
    let words: WordTiming[] | undefined;
    if (request.kind === "video") duration = request.duration ?? PLACEHOLDER_VIDEO_SECONDS;
    if (request.kind === "music") duration = request.duration ?? PLACEHOLDER_MUSIC_SECONDS;
    if (request.kind === "speech") {
      words = estimateWords(request.prompt, 0);
      duration = words.at(-1)?.end ?? 1;
    }
    const label = `${where}: ${request.kind} not generated — ${reason.slice(0, 200)}`;
    await this.options.media.placeholder(
      url,
      { kind, mediaType: kind === "audio" ? "audio/placeholder" : "image/svg+xml", duration: duration || undefined, width, height, label },
      kind === "audio" ? undefined : placeholderSvg(width, height, label),
    );
    return { duration, url, mediaType: "application/x-placeholder", width, height, words };
  }

  private warn(message: string): void {
    if (!this.warnings.includes(message)) this.warnings.push(message);
  }
}

function placeholderSize(aspectRatio: string | undefined, frame: { width: number; height: number }): { width: number; height: number } {
  const m = /^(\d+(?:\.\d+)?):(\d+(?:\.\d+)?)$/.exec(aspectRatio ?? "");
  if (!m) return frame;
  const ratio = Number(m[1]) / Number(m[2]);
  return ratio >= frame.width / frame.height
    ? { width: frame.width, height: Math.round(frame.width / ratio) }
    : { width: Math.round(frame.height * ratio), height: frame.height };
}
