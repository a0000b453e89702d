// ElevenLabs: speech with character timings (/text-to-speech/{voice}/with-timestamps, JSON with
// base64 audio) and music (/music, binary audio). Voice names and models follow the varg SDK,
// so a script sounds the same whether the SDK or this service runs it.
import { ProviderError, type GeneratedMedia, type GenerationKind, type GenerationRequest, type JsonValue, type ProviderAdapter, type ProviderContext, type WordTiming } from "../types.ts";
import { base64ToBytes } from "../../lib/bytes.ts";
import { errorFromResponse, providerFetch, quote, readJson } from "./http.ts";

const PROVIDER = "ElevenLabs";

/** The SDK's friendly names for premade voices; anything else is sent as a voice id. */
export const ELEVENLABS_VOICES: Record<string, string> = {
  adam: "pNInz6obpgDQGcFmaJgB",
  alice: "Xb7hH8MSUJpSbSDYk0k2",
  bella: "hpp4J3VqNfWAUOO0d1Us",
  bill: "pqHfZKP75CvOlQylNhV4",
  brian: "nPczCjzI2devNBz1zQrb",
  callum: "N2lVS1w4EtoT3dr4eOWO",
  charlie: "IKne3meq5aSn9XLyUdCD",
  chris: "iP95p4xoKVk53GoZ742B",
  daniel: "onwK4e9ZLuTAKqWW03F9",
  eric: "cjVigY5qzO86Huf0OWal",
  george: "JBFqnCBsd6RMkjVDRZzb",
  harry: "SOYHLrjzK2X1ezoPC6cr",
  jessica: "cgSgspJ2msm6clMCkdW9",
  laura: "FGY2WhTYpPnrIDTdsKH5",
  liam: "TX3LPaxmHKxFdv7VOQHJ",
  lily: "pFZP5JQG7iQjIQuC4Bku",
  matilda: "XrExE9yKIg1WjnnlVkGX",
  river: "SAz9YHcvj6GT2YYXdXww",
  roger: "CwhRBWXzGAHq8TQ4Fs17",
  sarah: "EXAVITQu4vr4xnSDxMaL",
  will: "bIHbv24MWmeRgasZH58o",
  // Legacy premade voices: the SDK's map dropped these, but its docs and voice schemas still
  // name them (voice="josh" in the README), so scripts use them.
  rachel: "21m00Tcm4TlvDq8ikWAM", // the SDK's default
  domi: "AZnzlk1XvdvUeBnXmlld",
  antoni: "ErXwobaYiN019PkySvjV",
  elli: "MF3mGyEYCl7XYWbV9V6O",
  josh: "TxGEqnHWrfWFTfGW9XjX",
  arnold: "VR6AewLTigWG4xSOukaG",
  sam: "yoZ06aMxZJJ28mfd3POQ",
};
const DEFAULT_VOICE = "rachel";

/** The SDK's default speech model (ELEVENLABS_DEFAULTS.speechModel) and its legacy aliases. */
const DEFAULT_SPEECH_MODEL = "eleven_turbo_v2";
const SPEECH_ALIASES: Record<string, string> = {
  multilingual_v2: "eleven_multilingual_v2",
  turbo_v2: "eleven_turbo_v2",
  turbo: "eleven_turbo_v2",
};
const DEFAULT_MUSIC_MODEL = "music_v1";

/** ElevenLabs documents music_length_ms as 3 000–600 000 ms (3 s to 10 min). */
const MUSIC_MIN_MS = 3_000;
const MUSIC_MAX_MS = 600_000;
const DEFAULT_MUSIC_SECONDS = 30;

const OUTPUT_FORMAT = "mp3_44100_128";

function speechModelId(model: string): string {
  return SPEECH_ALIASES[model] ?? (model || DEFAULT_SPEECH_MODEL);
}

function musicModelId(model: string): string {
  return model || DEFAULT_MUSIC_MODEL;
}

/** A friendly name ("Rachel") becomes its voice id; an id (or a name we do not know) passes through. */
export function elevenlabsVoiceId(voice: string | undefined): string {
  const name = (voice ?? "").trim() || DEFAULT_VOICE;
  return ELEVENLABS_VOICES[name.toLowerCase()] ?? name;
}

/** The length asked for (default 30 s), clamped to what the API accepts. */
export function musicLengthMs(durationSeconds: number | undefined): number {
  const seconds = durationSeconds !== undefined && Number.isFinite(durationSeconds) && durationSeconds > 0 ? durationSeconds : DEFAULT_MUSIC_SECONDS;
  return Math.min(MUSIC_MAX_MS, Math.max(MUSIC_MIN_MS, Math.round(seconds * 1000)));
}

export interface CharacterAlignment {
  characters: string[];
  character_start_times_seconds: number[];
  character_end_times_seconds: number[];
}

/**
 * Words from ElevenLabs' per-character timings: a word is a run of non-space characters, from
 * the start of its first character to the end of its last (punctuation stays attached, as the
 * SDK's parseElevenLabsAlignment does for space-separated languages).
 */
export function wordsFromAlignment(alignment: CharacterAlignment): WordTiming[] {
  const { characters, character_start_times_seconds: starts, character_end_times_seconds: ends } = alignment;
  const words: WordTiming[] = [];
  let word = "";
  let start = 0;
  let end = 0;
  for (let i = 0; i < characters.length; i++) {
    const char = characters[i]!;
    if (/^\s*$/.test(char)) {
      if (word) words.push({ word, start, end });
      word = "";
      continue;
    }
    if (!word) start = starts[i]!;
    word += char;
    end = ends[i]!;
  }
  if (word) words.push({ word, start, end });
  return words;
}

function isAlignment(value: unknown): value is CharacterAlignment {
  if (!value || typeof value !== "object") return false;
  const a = value as Partial<CharacterAlignment>;
  const numbers = (xs: unknown): xs is number[] => Array.isArray(xs) && xs.every((x) => typeof x === "number" && Number.isFinite(x));
  return (
    Array.isArray(a.characters) &&
    a.characters.every((c) => typeof c === "string") &&
    numbers(a.character_start_times_seconds) &&
    numbers(a.character_end_times_seconds) &&
    a.character_start_times_seconds.length === a.characters.length &&
    a.character_end_times_seconds.length === a.characters.length
  );
}

/** Extra factory arguments (voice_settings, seed, …) go into the request body. */
function extraFields(options: JsonValue | undefined): Record<string, JsonValue> {
  return options && typeof options === "object" && !Array.isArray(options) ? options : {};
}

function redact(text: string, key: string): string {
  return key ? text.split(key).join("[redacted]") : text;
}

/**
 * A failed answer as a ProviderError. ElevenLabs reports an exhausted quota as HTTP 401 with
 * `detail.status: "quota_exceeded"`, which the shared mapping would call a rejected key.
 */
async function failure(res: Response, what: string, key: string): Promise<ProviderError> {
  let body = "";
  try {
    body = redact(await res.text(), key);
  } catch {
    // the body only feeds the message
  }
  if (res.status === 401 && /"status"\s*:\s*"quota_exceeded"/.test(body)) {
    return new ProviderError(`${PROVIDER} refused ${what} for lack of quota or credit (HTTP 401): ${quote(body)}`, "quota_exceeded", 401);
  }
  return errorFromResponse(PROVIDER, what, new Response(body, { status: res.status, headers: res.headers }));
}

async function post(ctx: ProviderContext, what: string, url: string, body: unknown): Promise<Response> {
  const res = await providerFetch(ctx, PROVIDER, what, url, {
    method: "POST",
    headers: { "xi-api-key": ctx.key, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw await failure(res, what, ctx.key);
  return res;
}

interface TimestampedSpeech {
  audio_base64?: unknown;
  alignment?: unknown;
  normalized_alignment?: unknown;
}

async function speak(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia> {
  const model = speechModelId(request.model);
  const voiceId = elevenlabsVoiceId(request.voice);
  const url = `${ctx.baseUrl}/text-to-speech/${encodeURIComponent(voiceId)}/with-timestamps?output_format=${OUTPUT_FORMAT}`;
  const res = await post(ctx, "speech", url, { ...extraFields(request.options), text: request.prompt, model_id: model });
  const answer = await readJson<TimestampedSpeech | null>(ctx, PROVIDER, "speech", res);
  const audio = typeof answer?.audio_base64 === "string" ? answer.audio_base64 : "";
  let bytes: Uint8Array;
  try {
    bytes = base64ToBytes(audio);
  } catch {
    throw new ProviderError(`${PROVIDER} returned speech audio that is not valid base64`, "provider_error");
  }
  if (bytes.length === 0) throw new ProviderError(`${PROVIDER} returned no audio for speech`, "provider_error");
  // Timings of the text as written (normalized_alignment spells numbers out, say).
  const words = isAlignment(answer?.alignment) ? wordsFromAlignment(answer.alignment) : undefined;
  return { bytes, mediaType: "audio/mpeg", words, endpoint: model };
}

async function compose(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia> {
  const model = musicModelId(request.model);
  const url = `${ctx.baseUrl}/music?output_format=${OUTPUT_FORMAT}`;
  const res = await post(ctx, "music", url, {
    ...extraFields(request.options),
    prompt: request.prompt,
    music_length_ms: musicLengthMs(request.duration),
    model_id: model,
  });
  // The audio comes back as the body itself; JSON here means an answer that is not music.
  const contentType = res.headers.get("content-type") ?? "";
  if (/json|text\//i.test(contentType)) {
    const text = redact(await res.text().catch(() => ""), ctx.key);
    throw new ProviderError(`${PROVIDER} answered music with ${contentType} instead of audio: ${quote(text) || "(empty)"}`, "provider_error");
  }
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    if (ctx.signal.aborted) throw new ProviderError(`${PROVIDER} did not finish music in time`, "timeout");
    throw new ProviderError(`${PROVIDER} broke off the music audio: ${err instanceof Error ? err.message : String(err)}`, "provider_error");
  }
  if (bytes.length === 0) throw new ProviderError(`${PROVIDER} returned no audio for music`, "provider_error");
  return { bytes, mediaType: contentType.startsWith("audio/") ? contentType : "audio/mpeg", endpoint: model };
}

const MODEL_ID = /^[a-z0-9_.-]+$/i;

function unsupported(kind: GenerationKind, model: string): string | null {
  if (kind === "image" || kind === "video") return `ElevenLabs makes speech and music only, not ${kind === "image" ? "images" : "videos"}.`;
  if (!model) return null;
  if (kind === "speech" && !SPEECH_ALIASES[model] && !(model.startsWith("eleven_") && MODEL_ID.test(model))) {
    return `"${model}" is not an ElevenLabs speech model (try eleven_turbo_v2, eleven_multilingual_v2, eleven_flash_v2_5 or eleven_v3).`;
  }
  if (kind === "music" && !(model.startsWith("music_") && MODEL_ID.test(model))) {
    return `"${model}" is not an ElevenLabs music model (try music_v1).`;
  }
  return null;
}

export const elevenlabsAdapter: ProviderAdapter = {
  name: "elevenlabs",
  unsupported,

  endpointFor(request: GenerationRequest): string {
    if (request.kind === "music") return musicModelId(request.model);
    if (request.kind === "speech") return speechModelId(request.model);
    return request.model || request.kind;
  },

  async generate(request: GenerationRequest, ctx: ProviderContext): Promise<GeneratedMedia> {
    const refusal = unsupported(request.kind, request.model);
    if (refusal) throw new ProviderError(refusal, "provider_error");
    return request.kind === "music" ? compose(request, ctx) : speak(request, ctx);
  },
};
