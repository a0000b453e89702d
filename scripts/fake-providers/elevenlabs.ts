// ElevenLabs' public API, as much of it as the adapter uses: speech with character timings
// (POST /text-to-speech/{voice_id}/with-timestamps) and music (POST /music). Errors have
// ElevenLabs' shapes: `{detail: {status, message}}`, FastAPI's `{detail: [...]}` for a body
// that fails validation, and an exhausted quota as HTTP 401 with status "quota_exceeded".
import type { FakeContext, FakeHandler } from "./hub.ts";
import { characterAlignment, musicAudio, speechAudio } from "./media.ts";

const VOICE_ID = /^[A-Za-z0-9]{20}$/;
const MUSIC_MODELS = new Set(["music_v1", "music_v2", "music_v2_5"]);

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });
}

const detail = (status: number, code: string, message: string, headers?: Record<string, string>) => json(status, { detail: { status: code, message } }, headers);

const missingField = (field: string, input: unknown) =>
  json(422, { detail: [{ type: "missing", loc: ["body", field], msg: "Field required", input }] });

const invalidKey = () => detail(401, "invalid_api_key", "Invalid API key");

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms) as unknown as { unref?: () => void };
    timer.unref?.(); // a test that gave up must not wait for the fake
  });
}

/** The misbehaviour a prompt asks for, as ElevenLabs would show it; null to go on normally. */
async function misbehave(text: string, ctx: FakeContext): Promise<Response | "empty" | null> {
  switch (ctx.behaviour(text)) {
    case "429":
      return detail(429, "too_many_concurrent_requests", "You have too many concurrent requests in flight. Your plan allows 2.", { "retry-after": "2" });
    case "402":
      return detail(401, "quota_exceeded", "This request exceeds your quota of 10000. You have 0 credits remaining, while 91 credits are required for this request.");
    case "401":
      return invalidKey();
    case "500":
    case "404": // ElevenLabs answers with the audio itself, never a URL
      return detail(500, "internal_server_error", "An internal server error occurred. Please try again.");
    case "malformed":
      return new Response('{"audio_base64": "SUQzBAAAAAAA', { status: 200, headers: { "content-type": "application/json" } });
    case "empty":
      return "empty";
    case "slow":
      await sleep(ctx.slowMs);
      return null;
    default:
      return null;
  }
}

async function readBody(req: Request): Promise<Record<string, unknown> | null> {
  try {
    const body: unknown = await req.json();
    return body && typeof body === "object" && !Array.isArray(body) ? (body as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

async function speech(req: Request, path: string, voiceId: string, ctx: FakeContext, key: string | null): Promise<Response> {
  const body = await readBody(req);
  const text = typeof body?.text === "string" ? body.text : undefined;
  ctx.record({ method: "POST", path, key, prompt: text, submit: true });
  if (!key) return detail(401, "needs_authorization", "Neither authorization header nor xi-api-key received, please provide one.");
  if (key === "bad-key") return invalidKey();
  if (!body) return json(400, { detail: "There was an error parsing the body" });
  if (text === undefined) return missingField("text", body);
  if (!text.trim()) return detail(400, "empty_text", "The text you provided is empty.");
  if (!VOICE_ID.test(voiceId)) return detail(404, "voice_not_found", `A voice with the voice_id ${voiceId} was not found.`);
  const model = body.model_id ?? "eleven_multilingual_v2";
  if (typeof model !== "string" || !model.startsWith("eleven_")) return detail(400, "model_not_found", `A model with model ID ${String(model)} does not exist.`);
  const format = new URL(path, "http://fake").searchParams.get("output_format") ?? "mp3_44100_128";
  if (!format.startsWith("mp3_")) return detail(400, "invalid_output_format", `This fake only makes mp3, not ${format}.`);

  const trouble = await misbehave(text, ctx);
  const alignment = characterAlignment(text);
  if (trouble === "empty") return json(200, { alignment, normalized_alignment: alignment });
  if (trouble) return trouble;
  const audio = await speechAudio(text, "mp3");
  return json(200, { audio_base64: Buffer.from(audio).toString("base64"), alignment, normalized_alignment: alignment });
}

async function music(req: Request, path: string, ctx: FakeContext, key: string | null): Promise<Response> {
  const body = await readBody(req);
  const prompt = typeof body?.prompt === "string" ? body.prompt : undefined;
  ctx.record({ method: "POST", path, key, prompt, submit: true });
  if (!key) return detail(401, "needs_authorization", "Neither authorization header nor xi-api-key received, please provide one.");
  if (key === "bad-key") return invalidKey();
  if (!body) return json(400, { detail: "There was an error parsing the body" });
  if (!prompt && !body.composition_plan) return detail(400, "invalid_request", "Either prompt or composition_plan must be provided.");
  const model = body.model_id ?? "music_v1";
  if (typeof model !== "string" || !MUSIC_MODELS.has(model)) return detail(400, "model_not_found", `A model with model ID ${String(model)} does not exist.`);
  const lengthMs = body.music_length_ms ?? 30_000;
  if (typeof lengthMs !== "number" || !Number.isInteger(lengthMs) || lengthMs < 3000 || lengthMs > 600_000) {
    return json(422, { detail: [{ type: "value_error", loc: ["body", "music_length_ms"], msg: "Must be between 3000ms and 600000ms", input: lengthMs }] });
  }

  const trouble = await misbehave(prompt ?? "", ctx);
  if (trouble === "empty") return new Response(new Uint8Array(), { status: 200, headers: { "content-type": "audio/mpeg" } });
  if (trouble) return trouble;
  const audio = await musicAudio(lengthMs / 1000);
  return new Response(audio, { status: 200, headers: { "content-type": "audio/mpeg", "song-id": `song_${Date.now().toString(36)}` } });
}

export const elevenlabsFake: FakeHandler = async (req, path, ctx) => {
  const key = req.headers.get("xi-api-key");
  const { pathname } = new URL(path, "http://fake");
  const tts = /^\/text-to-speech\/([^/]+)\/with-timestamps$/.exec(pathname);
  if (req.method === "POST" && tts) return speech(req, path, decodeURIComponent(tts[1]!), ctx, key);
  if (req.method === "POST" && pathname === "/music") return music(req, path, ctx, key);
  ctx.record({ method: req.method, path, key });
  return json(404, { detail: "Not Found" });
};
