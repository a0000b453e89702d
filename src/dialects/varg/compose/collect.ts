// Every media file a scene renders, for the fetch step: the `src` of Images, Videos, Music and
// Speech (or what generation / `await` resolved them to), Captions' SRT (`srt` or a string
// `src`) and the Speech a Captions reads, Packshot logos and backgrounds. Inputs of AI
// generation (a `prompt`'s images) are not rendered and not collected.
import { isElement, type PropValue, type VargElementJson } from "../tree.ts";
import { mediaUrlOf, tagOf } from "./props.ts";
import type { MediaRef } from "./types.ts";

const KIND: Record<string, MediaRef["kind"]> = { image: "image", video: "video", music: "audio", speech: "audio", "talking-head": "video" };
/** Props that hold what generation consumes, never what is shown. */
const GENERATION_PROPS = new Set(["prompt", "model", "providerOptions"]);

export function collectMedia(tree: VargElementJson): MediaRef[] {
  const refs: MediaRef[] = [];
  const seen = new Set<string>();
  const add = (url: string, kind: MediaRef["kind"], where: string) => {
    const key = `${kind} ${url}`;
    if (seen.has(key)) return;
    seen.add(key);
    refs.push({ url, kind, where });
  };

  const visit = (el: VargElementJson, context: string) => {
    const here = `${tagOf(el)}${context ? ` in ${context}` : ""}`;
    const kind = KIND[el.type];
    if (kind) {
      const url = mediaUrlOf(el);
      if (url) add(url, kind, here);
    }
    if (el.type === "captions") {
      for (const key of ["srt", "src"] as const) {
        const value = el.props[key];
        if (typeof value === "string" && value) add(value, "subtitles", here);
      }
    }
    if (el.type === "packshot" && typeof el.props.logo === "string" && el.props.logo) add(el.props.logo, "image", here);
    // Elements held in props (Captions src={speech}, Packshot background={<Image/>}).
    for (const [key, value] of Object.entries(el.props)) {
      if (!GENERATION_PROPS.has(key)) visitValue(value, here);
    }
    for (const child of el.children) {
      if (isElement(child)) visit(child, childContext(el, context));
    }
  };
  const visitValue = (value: PropValue, context: string) => {
    if (isElement(value)) visit(value, context);
    else if (Array.isArray(value)) value.forEach((v) => visitValue(v, context));
  };

  // Where a child is, said as a user would: "clip 2", "<Overlay> in clip 2", "<Render>".
  const childContext = (parent: VargElementJson, context: string) =>
    parent.type === "render" ? "<Render>" : `${tagOf(parent)}${context ? ` in ${context}` : ""}`;
  // Clips are numbered as the compiler numbers them: "clip 2", nested "clip 2.1".
  const visitClip = (clip: VargElementJson, label: string) => {
    let nested = 0;
    for (const child of clip.children) {
      if (!isElement(child)) continue;
      if (child.type === "clip") visitClip(child, `${label}.${++nested}`);
      else visit(child, label);
    }
  };
  let clipCount = 0;
  if (tree.type === "render") {
    for (const child of tree.children) {
      if (!isElement(child)) continue;
      if (child.type === "clip") visitClip(child, `clip ${++clipCount}`);
      else visit(child, "<Render>");
    }
  } else {
    visit(tree, "");
  }
  return refs;
}
