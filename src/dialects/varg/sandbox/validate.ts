// Checks the element tree the VM produced: known element types, prop types as in the varg SDK
// (src/react/types.ts, src/ai-sdk/providers/editly/types.ts), and the rules a render needs.
// The VM output is untrusted (scene code can tamper with the VM's built-ins), so size, depth
// and element count are checked here again before anything walks it.
import { z } from "zod";
import { isElement, type VargElementJson } from "../tree.ts";
import { SandboxError } from "./errors.ts";
import { tagName } from "./vm-source/modules.ts";

// ---- prop schemas; every schema carries a description used in messages ----
const d = <T extends z.ZodType>(schema: T, description: string): T => schema.describe(description);
const list = (values: readonly string[]) => values.map((v) => JSON.stringify(v)).join(", ");
const oneOf = <const T extends readonly [string, ...string[]]>(values: T) => d(z.enum(values), `one of ${list(values)}`);

const num = d(z.number(), "a number");
const nonNeg = d(z.number().min(0), "a number ≥ 0");
const positive = d(z.number().positive(), "a number > 0");
const positiveInt = d(z.number().int().positive(), "a whole number > 0");
const bool = d(z.boolean(), "true or false");
const text = d(z.string(), "a string");
const url = d(z.string().regex(/^https?:\/\/\S+$/i), "an http(s) URL");
const color = d(z.string().min(1), "a color string such as \"#ffffff\"");
const dimension = d(z.number().int().min(2).max(8192), "a whole number of pixels from 2 to 8192");
const sizeValue = d(z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?(%|px)$/)]), 'a number, "N%" or "Npx"');
const aspectRatio = d(z.string().regex(/^\d+(\.\d+)?:\d+(\.\d+)?$/), 'an aspect ratio such as "9:16"');
const jsonObject = d(z.record(z.string(), z.unknown()), "an object");

const POSITIONS = ["top", "top-left", "top-right", "center", "center-left", "center-right", "bottom", "bottom-left", "bottom-right"] as const;
const CROP_POSITIONS = ["center", "top", "bottom", "left", "right", "top-left", "top-right", "bottom-left", "bottom-right"] as const;
const position = d(
  z.union([
    z.enum(POSITIONS),
    z.object({
      x: sizeValue,
      y: sizeValue,
      originX: oneOf(["left", "center", "right"]).optional(),
      originY: oneOf(["top", "center", "bottom"]).optional(),
    }),
  ]),
  `one of ${list(POSITIONS)} or {x, y}`,
);
const resize = oneOf(["contain", "contain-blur", "cover", "stretch"]);
const cropPosition = oneOf(CROP_POSITIONS);
const size = d(z.object({ width: text, height: text }), "{width, height} strings");
const transition = d(
  z.object({ name: text.optional(), duration: nonNeg.optional(), audioOutCurve: text.optional(), audioInCurve: text.optional() }),
  "{name, duration}",
);

const MODEL_EXAMPLE: Record<string, string> = {
  image: 'fal.imageModel("…")',
  video: 'fal.videoModel("…")',
  speech: 'elevenlabs.speechModel("…")',
  music: "elevenlabs.musicModel()",
};
const model = (kind: string) =>
  d(
    z.object({ $model: z.object({ provider: z.string(), kind: z.literal(kind), id: z.string(), options: z.unknown().optional() }) }),
    `${/^[aeiou]/.test(kind) ? "an" : "a"} ${kind} model such as ${MODEL_EXAMPLE[kind]}`,
  );
const element = (...types: [string, ...string[]]) =>
  d(
    z.looseObject({ type: z.enum(types), id: z.string(), props: z.record(z.string(), z.unknown()), children: z.array(z.unknown()) }),
    types.map((t) => `<${tagName(t)}>`).join(" or ") + " element",
  );
const mediaInput = (...types: [string, ...string[]]) =>
  d(z.union([url, element(...types)]), `an http(s) URL or ${types.map((t) => `<${tagName(t)}>`).join("/")} element`);

const positionProps = { left: sizeValue, top: sizeValue, width: sizeValue, height: sizeValue };
const trimProps = { cutFrom: nonNeg, cutTo: nonNeg };

type PropSchemas = Record<string, z.ZodType>;
const PROPS: Record<string, PropSchemas> = {
  render: { width: dimension, height: dimension, fps: d(z.number().positive().max(240), "a number from 1 to 240"), normalize: bool, shortest: bool },
  clip: { duration: d(z.union([z.number().positive(), z.literal("auto")]), 'a number > 0 or "auto"'), transition, ...trimProps },
  overlay: { ...positionProps, volume: nonNeg, keepAudio: bool, start: nonNeg, end: nonNeg },
  image: {
    ...positionProps,
    prompt: d(
      z.union([z.string(), z.object({ text: text.optional(), images: d(z.array(mediaInput("image")), "an array of URLs or <Image> elements").optional() })]),
      "a string or {text, images}",
    ),
    src: url,
    model: model("image"),
    aspectRatio,
    // null turns the default Ken Burns zoom off (as in the SDK).
    zoom: d(z.enum(["in", "out", "left", "right"]).nullable(), `one of "in", "out", "left", "right", or null (no zoom)`),
    resize,
    cropPosition,
    position,
    size,
    removeBackground: bool,
    providerOptions: jsonObject,
  },
  video: {
    ...positionProps,
    ...trimProps,
    prompt: d(
      z.union([
        z.string(),
        z.object({
          text: text.optional(),
          images: d(z.array(mediaInput("image")), "an array of URLs or <Image> elements").optional(),
          audio: mediaInput("speech", "music").optional(),
          video: mediaInput("video").optional(),
        }),
      ]),
      "a string or {text, images, audio, video}",
    ),
    src: url,
    model: model("video"),
    duration: positive,
    volume: nonNeg,
    keepAudio: bool,
    resize,
    cropPosition,
    aspectRatio,
    providerOptions: jsonObject,
  },
  speech: {
    voice: text,
    model: model("speech"),
    id: text,
    volume: nonNeg,
    providerOptions: jsonObject,
    // A segment of a resolved multi-line Speech (s.segments[i]) plays a window of its audio.
    ...trimProps,
    segment: d(z.object({ of: z.string(), index: z.number().int().min(0) }), "a segment reference"),
  },
  "talking-head": {
    image: element("image"),
    audio: element("speech"),
    model: model("video"),
    lipsyncModel: model("video"),
    resolution: oneOf(["480p", "720p", "1080p"]),
    position: d(
      z.union([position, z.object({ left: text.optional(), right: text.optional(), top: text.optional(), bottom: text.optional() })]),
      "a position or {left, right, top, bottom}",
    ),
    size,
  },
  title: {
    text,
    position,
    color,
    fontPath: text,
    fontFamily: text,
    outline: nonNeg,
    outlineColor: color,
    start: nonNeg,
    end: nonNeg,
  },
  subtitle: { text, backgroundColor: color, position, color, start: nonNeg, end: nonNeg, fontFamily: text },
  music: {
    ...trimProps,
    prompt: text,
    model: model("music"),
    src: url,
    start: nonNeg,
    duration: positive,
    volume: nonNeg,
    loop: bool,
    ducking: bool,
  },
  captions: {
    src: mediaInput("speech"),
    srt: url,
    style: oneOf(["tiktok", "karaoke", "bounce", "typewriter"]),
    position: oneOf(["top", "center", "bottom"]),
    color,
    activeColor: color,
    fontSize: positive,
    wordsPerLine: positiveInt,
    withAudio: bool,
    font: text,
  },
  split: { direction: oneOf(["horizontal", "vertical"]) },
  grid: { columns: positiveInt, rows: positiveInt, resize: oneOf(["cover", "contain", "stretch"]) },
  slot: {
    class: text,
    fit: oneOf(["cover", "contain", "contain-blur", "fill"]),
    position: cropPosition,
  },
  slider: { direction: oneOf(["horizontal", "vertical"]) },
  swipe: { direction: oneOf(["left", "right", "up", "down"]), interval: positive },
  packshot: {
    background: d(z.union([z.string(), element("image", "video")]), "a color, an <Image> or a <Video> element"),
    logo: mediaInput("image"),
    logoPosition: position,
    logoSize: sizeValue,
    title: text,
    titleColor: color,
    titlePosition: position,
    cta: text,
    ctaPosition: position,
    ctaColor: color,
    ctaTextColor: color,
    ctaSize: d(z.object({ width: positive, height: positive }), "{width, height} numbers"),
    blinkCta: bool,
    blinkFrequency: positive,
    duration: positive,
  },
};

export const ELEMENT_TYPES = Object.keys(PROPS);

/** A bounded description of a JSON value for messages. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "string") return `string ${JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v)}`;
  if (typeof v === "number" || typeof v === "boolean") return `${typeof v} ${v}`;
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (isElement(v)) return `<${tagName(v.type)}> element`;
  if (typeof v === "object") {
    const m = (v as { $model?: { provider?: unknown; kind?: unknown; id?: unknown } }).$model;
    if (m && typeof m === "object" && typeof m.provider === "string" && typeof m.kind === "string") {
      return `${m.provider}.${m.kind}Model(${m.id ? JSON.stringify(m.id) : ""})`;
    }
    const keys = Object.keys(v);
    return `object {${keys.slice(0, 5).join(", ")}${keys.length > 5 ? ", …" : ""}}`;
  }
  return typeof v;
}

/** The innermost description along `path` (and how much of the path it covers). */
function describedAt(schema: z.ZodType, path: PropertyKey[]): { description?: string; depth: number } {
  let current: z.ZodType | undefined = schema;
  let best: { description?: string; depth: number } = { description: schema.description, depth: 0 };
  for (let i = 0; i <= path.length && current; i++) {
    while (current instanceof z.ZodOptional || current instanceof z.ZodNullable) current = current.unwrap() as z.ZodType;
    if (current.description) best = { description: current.description, depth: i };
    if (i === path.length) break;
    const key = path[i];
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, z.ZodType>)[String(key)];
    else if (current instanceof z.ZodArray) current = current.element as z.ZodType;
    else break;
  }
  return best;
}

function subPath(prop: string, path: PropertyKey[]): string {
  let out = prop;
  for (const key of path) out += typeof key === "number" ? `[${key}]` : `.${String(key)}`;
  return out;
}

function valueAt(value: unknown, path: PropertyKey[]): unknown {
  let v = value;
  for (const key of path) v = v !== null && typeof v === "object" ? (v as Record<PropertyKey, unknown>)[key] : undefined;
  return v;
}

/** Where an element is, for messages: `<Clip> at render > clip[1]`. */
function label(el: VargElementJson, path: string): string {
  return path ? `<${tagName(el.type)}> at ${path}` : `<${tagName(el.type)}>`;
}

function propError(el: VargElementJson, path: string, prop: string, schema: z.ZodType, value: unknown, issue: z.core.$ZodIssue): SandboxError {
  if (issue.code === "custom") return new SandboxError(`${label(el, path)}: ${issue.message}`);
  const { description, depth } = describedAt(schema, issue.path);
  const at = issue.path.slice(0, depth);
  const got = valueAt(value, at);
  const expected = description ?? issue.message;
  return new SandboxError(`${label(el, path)}: prop "${subPath(prop, at)}" must be ${expected}, got ${got === undefined ? "nothing" : describeValue(got)}`);
}

const hasText = (el: VargElementJson) => el.children.some((c) => typeof c === "string" && c.trim() !== "");

/** Rules about an element as a whole (beyond single props). */
function checkElementRules(el: VargElementJson, where: string): void {
  const p = el.props;
  const fail = (message: string) => {
    throw new SandboxError(`${where}: ${message}`);
  };
  switch (el.type) {
    case "image":
    case "video":
    case "music":
      if (p.src === undefined && p.prompt === undefined) fail('needs a "src" URL or a "prompt" to generate it from');
      if (el.type !== "image" && p.cutTo !== undefined && p.duration !== undefined) fail('"cutTo" and "duration" cannot both be set');
      break;
    case "speech":
      if (!hasText(el)) fail("needs the text to speak as its children");
      break;
    case "captions":
      if (p.src === undefined && p.srt === undefined) fail('needs "src" (a <Speech> element or a subtitle URL) or "srt"');
      break;
    case "title":
    case "subtitle":
      if (!hasText(el) && typeof p.text !== "string") fail('needs text: children or a "text" prop');
      break;
  }
  if (el.type === "speech" || el.type === "title" || el.type === "subtitle") {
    for (const c of el.children) if (typeof c !== "string") fail(`children must be text, got ${describeValue(c)}`);
  }
  if (typeof p.start === "number" && typeof p.end === "number" && p.end <= p.start) fail(`"end" (${p.end}) must be after "start" (${p.start})`);
  if (typeof p.cutFrom === "number" && typeof p.cutTo === "number" && p.cutTo <= p.cutFrom) {
    fail(`"cutTo" (${p.cutTo}) must be after "cutFrom" (${p.cutFrom})`);
  }
}

interface WalkState {
  count: number;
  maxElements: number;
}

const MAX_DEPTH = 64;

function checkElement(el: unknown, path: string, state: WalkState, depth: number): void {
  if (!isElement(el) || el.props === null || typeof el.props !== "object" || Array.isArray(el.props)) {
    throw new SandboxError(`${path || "value"} is not an element: got ${describeValue(el)}`);
  }
  if (++state.count > state.maxElements) throw new SandboxError(`the scene has more than ${state.maxElements} elements`);
  if (depth > MAX_DEPTH) throw new SandboxError(`the element tree is nested more than ${MAX_DEPTH} levels deep at ${path}`);
  const schemas = PROPS[el.type];
  if (!schemas) {
    throw new SandboxError(
      `${path ? `element at ${path}` : "element"} has unknown type ${JSON.stringify(el.type)}: components are ${ELEMENT_TYPES.map((t) => `<${tagName(t)}>`).join(", ")}`,
    );
  }
  const where = label(el, path);
  for (const [prop, value] of Object.entries(el.props)) {
    const schema = schemas[prop];
    if (schema && value !== undefined) {
      const result = schema.safeParse(value);
      if (!result.success) throw propError(el, path, prop, schema, value, result.error.issues[0]!);
    }
    // Elements inside props (prompt.images, Captions src, …) are elements too.
    forEachElementIn(value, `${path ? `${path} > ` : ""}${prop}`, (child, childPath) => checkElement(child, childPath, state, depth + 1));
  }
  checkElementRules(el, where);
  const counts: Record<string, number> = {};
  el.children.forEach((child, i) => {
    if (typeof child === "string") return;
    if (!isElement(child)) throw new SandboxError(`child ${i} of ${where} is not an element: got ${describeValue(child)}`);
    const index = (counts[child.type] = (counts[child.type] ?? -1) + 1);
    checkElement(child, `${path ? `${path} > ` : ""}${child.type}[${index}]`, state, depth + 1);
  });
}

function forEachElementIn(value: unknown, path: string, visit: (el: VargElementJson, path: string) => void): void {
  if (value === null || typeof value !== "object") return;
  if (isElement(value)) return visit(value, path);
  if (Array.isArray(value)) value.forEach((v, i) => forEachElementIn(v, `${path}[${i}]`, visit));
  else if (!("$model" in value)) for (const [k, v] of Object.entries(value)) forEachElementIn(v, `${path}.${k}`, visit);
}

/** JSON text from the VM → parsed value, after checking size and nesting without recursion. */
export function parseBounded(json: string, maxBytes: number): unknown {
  const bytes = new TextEncoder().encode(json).length;
  if (bytes > maxBytes) throw new SandboxError(`the scene is larger than ${maxBytes} bytes of JSON`);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      // Elements nest as element → children/props → value: a few levels per element level.
      if (++depth > MAX_DEPTH * 4) throw new SandboxError(`the scene is nested too deeply`);
    } else if (c === 93 || c === 125) depth--;
  }
  try {
    return JSON.parse(json);
  } catch {
    throw new SandboxError("the scene could not be serialized");
  }
}

/** Validates a whole scene: a <Render> root with at least one <Clip>, every element checked. */
export function validateTree(tree: unknown, maxElements: number): VargElementJson {
  if (!isElement(tree) || tree.type !== "render") {
    throw new SandboxError(`the default export must be a <Render> element, got ${describeValue(tree)}`);
  }
  checkElement(tree, "render", { count: 0, maxElements }, 0);
  if (!tree.children.some((c) => isElement(c) && c.type === "clip")) {
    throw new SandboxError("<Render> needs at least one <Clip> child (the SDK refuses a render without clips)");
  }
  return tree;
}

/** Validates an element the code awaits, before the host resolves it. */
export function validateAwaited(value: unknown, maxElements: number): VargElementJson {
  if (!isElement(value)) throw new SandboxError(`an awaited value is not an element: got ${describeValue(value)}`);
  try {
    checkElement(value, "", { count: 0, maxElements }, 0);
  } catch (err) {
    if (err instanceof SandboxError) throw new SandboxError(`awaited ${err.message}`);
    throw err;
  }
  return value;
}
