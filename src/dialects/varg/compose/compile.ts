// The varg compiler: an element tree (plus its fetched media) becomes a HyperFrames HTML
// composition that the one engine renders. Layout of the page:
//
//   #vg-root [data-composition-id="varg" data-width data-height data-duration]
//     .vg-backdrop   timed, behind everything: the colour a transition fades through
//     .vg-clip       one per clip, timed to its window (z-index in timeline order)
//       .vg-wrap     the incoming transition's animation
//         .vg-wrap   the outgoing transition's animation
//           .vg-stage  the clip's layers: full-frame media, then video overlays, then images
//     .vg-overlays   Render-level <Overlay>s
//     .vg-titles     Titles and Subtitles (drawn after the transitions, as drawtext is)
//     .vg-captions   Captions (burned last, as the SDK's ASS pass is)
//     <audio>        Music, Speech
//
// Timing follows the SDK's editly layout (timeline.ts); nested clips are flattened as the
// SDK's flattenClip does (render.ts): a container clip's Overlays go to each of its clips, its
// Captions, Speech and Music start with its first clip.
import { isElement, type VargElementJson } from "../tree.ts";
import { renderElement, videoLengthOf } from "./components/index.ts";
import { BASE_CSS } from "./components/fit.ts";
import { hasBox } from "./components/image.ts";
import { musicLength, speechLength } from "./components/audio.ts";
import { videoTrim } from "./components/video.ts";
import { escapeHtml, px, sec } from "./escape.ts";
import { childElements, numberProp, tagOf } from "./props.ts";
import { TEXT_LAYOUT_SCRIPT } from "./text-layout.ts";
import { DEFAULT_TRANSITION_NAME, DEFAULT_TRANSITION_SECONDS, layoutClips, type ClipTimingInput, type Transition } from "./timeline.ts";
import { MASK_PROPERTY_CSS, checkTransitionName, transitionCss } from "./transitions.ts";
import { ComposeError, type ClipInfo, type CompiledScene, type ComposeContext, type MediaInfo, type Placement } from "./types.ts";

type Lookup<T> = Map<string, T> | Record<string, T>;
const lookup = <T>(table: Lookup<T> | undefined, key: string): T | undefined =>
  table instanceof Map ? table.get(key) : table && Object.hasOwn(table, key) ? table[key] : undefined;

interface Leaf {
  el: VargElementJson;
  where: string;
  /** Its layers: own non-clip children, then Overlays inherited from container clips. */
  children: VargElementJson[];
}

interface Anchored {
  el: VargElementJson;
  where: string;
  /** Leaf indices the container spans. */
  first: number;
  last: number;
}

/** flattenClip: leaf clips in order, and what container clips hold besides clips. */
function flatten(render: VargElementJson, warn: (m: string) => void) {
  const leaves: Leaf[] = [];
  const anchored: Anchored[] = [];
  const visit = (clip: VargElementJson, where: string, inherited: VargElementJson[]) => {
    const kids = childElements(clip);
    const clips = kids.filter((k) => k.type === "clip");
    const others = kids.filter((k) => k.type !== "clip");
    if (!clips.length) {
      leaves.push({ el: clip, where, children: [...others, ...inherited] });
      return;
    }
    const first = leaves.length;
    const overlays = [...others.filter((k) => k.type === "overlay"), ...inherited];
    clips.forEach((child, i) => visit(child, `${where}.${i + 1}`, overlays));
    for (const el of others) {
      if (el.type === "captions" || el.type === "speech" || el.type === "music") {
        anchored.push({ el, where, first, last: leaves.length - 1 });
      } else if (el.type !== "overlay") {
        warn(`${tagOf(el)} in ${where} is not rendered: a clip holding clips only places Overlays, Captions, Speech and Music`);
      }
    }
  };
  const renderLevel: VargElementJson[] = [];
  let top = 0;
  for (const child of childElements(render)) {
    if (child.type === "clip") visit(child, `clip ${++top}`, []);
    else if (["overlay", "captions", "speech", "music"].includes(child.type)) renderLevel.push(child);
    else warn(`${tagOf(child)} directly in <Render> is not rendered (put it in a <Clip>)`);
  }
  return { leaves, anchored, renderLevel };
}

function renderSize(render: VargElementJson) {
  const where = "<Render>";
  // editly rounds the frame to even sizes (multipleOf2) for yuv420p.
  const even = (v: number) => Math.max(2, Math.round(v / 2) * 2);
  return {
    width: even(numberProp(render, "width", where, { min: 16, max: 7680 }) ?? 1920),
    height: even(numberProp(render, "height", where, { min: 16, max: 7680 }) ?? 1080),
    fps: numberProp(render, "fps", where, { min: 1, max: 240 }) ?? 30,
  };
}

/** A clip's `transition` prop: null for none; "none" or duration 0 is a cut. */
function transitionOf(clip: VargElementJson, where: string): Transition | null {
  const value = clip.props.transition;
  if (value === undefined || value === null) return null;
  if (typeof value !== "object" || Array.isArray(value) || isElement(value)) {
    throw new ComposeError(`<Clip> transition in ${where} must be an object like { name: "fade", duration: 0.5 }, got ${JSON.stringify(value)}`);
  }
  const spec = value as Record<string, unknown>;
  const name = spec.name === undefined || spec.name === null ? DEFAULT_TRANSITION_NAME : spec.name;
  if (typeof name !== "string") throw new ComposeError(`<Clip> transition name in ${where} must be a string, got ${JSON.stringify(name)}`);
  const duration = spec.duration === undefined || spec.duration === null ? DEFAULT_TRANSITION_SECONDS : spec.duration;
  if (typeof duration !== "number" || !Number.isFinite(duration) || duration < 0 || duration > 60) {
    throw new ComposeError(`<Clip> transition duration in ${where} must be seconds from 0 to 60, got ${JSON.stringify(duration)}`);
  }
  // editly concatenates a "none" transition; its overlap would be a gap, so it is a plain cut here.
  if (name === "none" || duration === 0) return { name: "none", duration: 0 };
  return { name, duration };
}

/** `duration`: seconds, or undefined for "auto" / absent / 0 (the SDK's `!clip.duration`). */
function explicitDuration(clip: VargElementJson, where: string): number | undefined {
  const value = clip.props.duration;
  if (value === "auto" || value === undefined || value === null || value === 0) return undefined;
  return numberProp(clip, "duration", where, { positive: true, max: 3600 });
}

/** The trimmed length of a clip's first video layer, as editly's processClips finds it. */
function firstVideoLength(children: VargElementJson[], ctx: ComposeContext, at: Placement): number | undefined {
  for (const el of children) {
    if (el.type === "video") return videoTrim(el, ctx.media(mediaUrl(el, at)), at).length;
    if (el.type === "talking-head") return ctx.media(mediaUrl(el, at)).duration;
    if (el.type === "overlay") {
      const video = childElements(el).find((c) => c.type === "video");
      if (video) return ctx.media(mediaUrl(video, at)).duration;
    }
    if (el.type === "split" || el.type === "grid" || el.type === "slot") {
      const inner = firstVideoLength(childElements(el), ctx, { ...at, clip: undefined });
      if (inner !== undefined) return inner;
    }
    const length = videoLengthOf(el, ctx);
    if (length !== undefined) return length;
  }
  return undefined;
}

function mediaUrl(el: VargElementJson, at: Placement): string {
  const url = typeof el.props.src === "string" && el.props.src ? el.props.src : el.resolved?.url;
  if (!url) throw new ComposeError(`${tagOf(el)} in ${at.where} has no media: give it a src (or generate it from its prompt first)`);
  return url;
}

/** The longest sound among a clip's own Speech and Music (for content-length clips without video). */
function audioLength(children: VargElementJson[], ctx: ComposeContext, at: Placement): number | undefined {
  const lengths = children.flatMap((el) =>
    el.type === "speech" ? [speechLength(el, ctx, at)] : el.type === "music" ? [(numberProp(el, "start", at.where!, { min: 0 }) ?? 0) + musicLength(el, ctx, at)] : [],
  );
  const finite = lengths.filter((l) => Number.isFinite(l) && l > 0);
  return finite.length ? Math.max(...finite) : undefined;
}

/** Stacking inside a clip, as editly composites: full-frame layers, then video overlays, then image overlays. */
function stageTier(el: VargElementJson): number {
  if (el.type === "video") return hasBox(el.props) ? 1 : 0;
  if (el.type === "image" || el.type === "overlay") return hasBox(el.props) ? 2 : 0;
  return 0;
}

export function compileScene(tree: VargElementJson, media: Lookup<MediaInfo>, subtitles?: Lookup<string>): CompiledScene {
  if (!isElement(tree) || tree.type !== "render") {
    throw new ComposeError(`the scene must export a <Render> element, got ${isElement(tree) ? tagOf(tree) : JSON.stringify(tree)?.slice(0, 60)}`);
  }
  const { width, height, fps } = renderSize(tree);
  const warnings: string[] = [];
  const css: string[] = [];
  const cssSeen = new Set<string>();
  let ids = 0;
  const ctx: ComposeContext = {
    width,
    height,
    fps,
    duration: Number.NaN,
    media(url) {
      const info = lookup(media, url);
      if (!info) throw new ComposeError(`the media ${url} was not fetched`);
      return info;
    },
    subtitles(url) {
      const text = lookup(subtitles, url);
      if (text === undefined) throw new ComposeError(`the subtitles ${url} were not fetched`);
      return text;
    },
    addCss(rule) {
      if (!cssSeen.has(rule)) {
        cssSeen.add(rule);
        css.push(rule);
      }
    },
    nextId: (prefix) => `${prefix.replace(/[^a-z0-9-]/gi, "")}-${++ids}`,
    render: (el, at) => renderElement(el, ctx, at),
    warn: (message) => {
      if (!warnings.includes(message)) warnings.push(message);
    },
  };
  if (tree.props.shortest === true) ctx.warn("<Render> shortest is ignored: the video lasts as long as its clips");

  const { leaves, anchored, renderLevel } = flatten(tree, ctx.warn);
  if (!leaves.length) throw new ComposeError("a <Render> needs at least one <Clip>");

  // Lay the clips out.
  const cuts = leaves.map(({ el, where }) => ({
    cutFrom: numberProp(el, "cutFrom", where, { min: 0 }),
    cutTo: numberProp(el, "cutTo", where, { min: 0 }),
  }));
  const transitions = leaves.map(({ el, where }) => transitionOf(el, where));
  const inputs: ClipTimingInput[] = leaves.map((leaf, i) => {
    const probe: Placement = { start: 0, duration: 0, where: leaf.where, clip: { index: i, start: 0, duration: 0, inSeconds: 0, outSeconds: 0, ownTransitionSeconds: 0, ...definedOnly(cuts[i]!) } };
    const duration = explicitDuration(leaf.el, leaf.where);
    const videoDuration = firstVideoLength(leaf.children, ctx, probe);
    const audioDuration = duration === undefined && videoDuration === undefined ? audioLength(leaf.children, ctx, probe) : undefined;
    return { ...definedOnly({ duration, videoDuration, audioDuration }), transition: transitions[i]!, where: leaf.where };
  });
  inputs.forEach((input, i) => {
    if (input.transition && input.transition.duration > 0 && i < inputs.length - 1) checkTransitionName(input.transition.name, input.where);
  });
  const timeline = layoutClips(inputs);
  ctx.duration = timeline.total;
  ctx.addCss(BASE_CSS);

  const backdrops: string[] = [];
  const preload = new Set<string>();
  const titles: string[] = [];
  const captions: string[] = [];
  const audio: string[] = [];
  const wrappers = leaves.map(() => ({ in: { style: "", className: "" }, out: { style: "", className: "" } }));
  timeline.clips.forEach((clip, i) => {
    if (!clip.next) return;
    const start = clip.end - clip.next.duration;
    const tx = transitionCss(clip.next.name, `vg-tx${i + 1}`, start, clip.next.duration, { width, height });
    ctx.addCss(tx.css);
    wrappers[i]!.out = tx.a;
    wrappers[i + 1]!.in = tx.b;
    if (tx.backdrop) backdrops.push(`<div class="vg-backdrop" data-start="${sec(start)}" data-duration="${sec(clip.next.duration)}" style="background: ${tx.backdrop};"></div>`);
    for (const url of tx.preload) preload.add(url);
  });

  const clipHtml = timeline.clips.map((clip, i) => {
    const leaf = leaves[i]!;
    const info: ClipInfo = {
      index: i,
      start: clip.start,
      duration: clip.duration,
      inSeconds: clip.inSeconds,
      outSeconds: clip.outSeconds,
      ownTransitionSeconds: clip.ownTransition?.duration ?? 0,
      ...definedOnly(cuts[i]!),
    };
    const at: Placement = { start: clip.start, duration: clip.duration, clip: info, where: leaf.where };
    const stage: Array<{ tier: number; html: string }> = [];
    for (const el of leaf.children) {
      if (el.type === "title" || el.type === "subtitle") titles.push(renderElement(el, ctx, at));
      else if (el.type === "captions") captions.push(renderElement(el, ctx, at));
      else if (el.type === "music" || el.type === "speech") audio.push(renderElement(el, ctx, at));
      else stage.push({ tier: stageTier(el), html: renderElement(el, ctx, at) });
    }
    stage.sort((a, b) => a.tier - b.tier);
    const w = wrappers[i]!;
    const wrap = (part: { style: string; className: string }, inner: string) =>
      `<div class="vg-wrap${part.className ? ` ${part.className}` : ""}"${part.style ? ` style="${part.style}"` : ""}>${inner}</div>`;
    return (
      `<div class="vg-clip" id="vg-clip-${i + 1}" data-start="${sec(clip.start)}" data-duration="${sec(clip.duration)}" style="z-index: ${10 + i};">` +
      wrap(w.in, wrap(w.out, `<div class="vg-stage">${stage.map((s) => s.html).join("")}</div>`)) +
      `</div>`
    );
  });

  // Container-level Captions, Speech and Music start with the container's first clip.
  for (const item of anchored) {
    const first = timeline.clips[item.first]!;
    const last = timeline.clips[item.last]!;
    const at: Placement = { start: first.start, duration: last.end - first.start, where: item.where };
    (item.el.type === "captions" ? captions : audio).push(renderElement(item.el, ctx, at));
  }
  const whole: Placement = { start: 0, duration: timeline.total, where: "<Render>" };
  const overlays: string[] = [];
  for (const el of renderLevel) {
    const html = renderElement(el, ctx, whole);
    (el.type === "overlay" ? overlays : el.type === "captions" ? captions : audio).push(html);
  }

  const layer = (className: string, z: number, parts: string[]) =>
    parts.some(Boolean) ? `<div class="${className}" style="position: absolute; inset: 0; z-index: ${z}; pointer-events: none;">${parts.join("")}</div>` : "";
  const page = `<!doctype html>
<html><head><meta charset="utf-8"><title>varg</title>
<style>
html, body { margin: 0; padding: 0; background: #000; }
#vg-root { position: relative; width: ${px(width)}; height: ${px(height)}; overflow: hidden; background: #000; }
.vg-backdrop { position: absolute; inset: 0; z-index: 1; }
.vg-clip, .vg-wrap, .vg-stage { position: absolute; inset: 0; }
.vg-stage { overflow: hidden; background: #000; }
${MASK_PROPERTY_CSS}
${css.join("\n")}
</style></head><body>
<div id="vg-root" data-composition-id="varg" data-width="${width}" data-height="${height}" data-duration="${sec(timeline.total)}" data-no-timeline>
${backdrops.join("\n")}
${clipHtml.join("\n")}
${layer("vg-overlays", 5000, overlays)}
${layer("vg-titles", 6000, titles)}
${layer("vg-captions", 7000, captions)}
${audio.join("\n")}
${preload.size ? `<div style="display: none">${[...preload].map((u) => `<img src="${escapeHtml(u)}" alt="">`).join("")}</div>` : ""}
</div>
<script>${TEXT_LAYOUT_SCRIPT}</script>
</body></html>
`;
  return {
    files: { "index.html": page },
    width,
    height,
    fps,
    duration: timeline.total,
    clips: timeline.clips.map((c) => ({ index: c.index, start: c.start, end: c.end })),
    warnings,
  };
}

/** An object without its undefined fields (exactOptionalPropertyTypes-friendly spreads). */
function definedOnly<T extends Record<string, unknown>>(obj: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as never;
}

