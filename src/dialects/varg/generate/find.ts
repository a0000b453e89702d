// Every element a scene generates, once each (the same element used twice — placed in a clip
// and fed to a Video's prompt — has one id), with where it is as a user would say it
// ("<Image> in clip 2") and the seconds of the clip it plays in (a generated video's length).
import { isElement, type PropValue, type VargElementJson } from "../tree.ts";
import { tagOf } from "../compose/props.ts";
import { needsGeneration } from "./requests.ts";

export interface GenerationSite {
  el: VargElementJson;
  where: string;
  clipSeconds?: number;
}

export function findGenerations(tree: VargElementJson): GenerationSite[] {
  const sites = new Map<string, GenerationSite>();

  const visit = (el: VargElementJson, context: string, clipSeconds: number | undefined) => {
    const here = `${tagOf(el)}${context ? ` in ${context}` : ""}`;
    if (needsGeneration(el) && !sites.has(el.id)) sites.set(el.id, { el, where: here, clipSeconds });
    for (const [key, value] of Object.entries(el.props)) {
      const inner = key === "prompt" ? `the prompt of ${here}` : here;
      visitValue(value, inner, key === "prompt" ? undefined : clipSeconds);
    }
    for (const child of el.children) {
      if (!isElement(child)) continue;
      if (child.type === "clip") continue; // clips are numbered by visitClip
      visit(child, el.type === "render" ? "<Render>" : here, clipSeconds);
    }
  };
  const visitValue = (value: PropValue, context: string, clipSeconds: number | undefined) => {
    if (isElement(value)) visit(value, context, clipSeconds);
    else if (Array.isArray(value)) value.forEach((v) => visitValue(v, context, clipSeconds));
    else if (value && typeof value === "object" && !("$model" in value)) Object.values(value).forEach((v) => visitValue(v, context, clipSeconds));
  };
  const visitClip = (clip: VargElementJson, label: string) => {
    const seconds = typeof clip.props.duration === "number" ? clip.props.duration : undefined;
    let nested = 0;
    for (const child of clip.children) {
      if (!isElement(child)) continue;
      if (child.type === "clip") visitClip(child, `${label}.${++nested}`);
      else visit(child, label, seconds);
    }
  };

  let clips = 0;
  if (tree.type === "render") {
    for (const value of Object.values(tree.props)) visitValue(value, "<Render>", undefined);
    for (const child of tree.children) {
      if (!isElement(child)) continue;
      if (child.type === "clip") visitClip(child, `clip ${++clips}`);
      else visit(child, "<Render>", undefined);
    }
  } else {
    visit(tree, "", undefined);
  }
  return [...sites.values()];
}
