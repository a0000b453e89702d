// The fetched file behind an element, checked to be of the kind the element needs.
import type { VargElementJson } from "../../tree.ts";
import { mediaUrlOf, tagOf } from "../props.ts";
import { ComposeError, type ComposeContext, type MediaInfo, type Placement } from "../types.ts";

export function mediaFor(el: VargElementJson, ctx: ComposeContext, at: Placement, kind: MediaInfo["kind"]): MediaInfo {
  const where = at.where ?? "the scene";
  const url = mediaUrlOf(el);
  if (!url) {
    throw new ComposeError(`${tagOf(el)} in ${where} has no media: give it a src (or generate it from its prompt first)`);
  }
  const info = ctx.media(url);
  if (info.kind !== kind) {
    throw new ComposeError(`${tagOf(el)} in ${where} needs ${kind === "audio" ? "an" : "a"} ${kind} file, but ${url} is ${info.kind === "audio" ? "an" : "a"} ${info.kind} (${info.mediaType})`);
  }
  return info;
}

/** Volume 0–10 (the encoder's range), default 1. */
export function volumeOf(value: unknown, el: VargElementJson, at: Placement): number {
  if (value === undefined || value === null) return 1;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0 || value > 10) {
    throw new ComposeError(`${tagOf(el)} volume in ${at.where ?? "the scene"} must be a number from 0 to 10, got ${JSON.stringify(value)}`);
  }
  return value;
}
