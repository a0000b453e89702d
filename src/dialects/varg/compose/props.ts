// Reading element props safely: every value that shapes the page is checked here (numbers in
// range, known keywords, sizes) and a bad one fails the job with a ComposeError naming the
// element and where it is.
import { componentName, isElement, type PropValue, type VargElementJson } from "../tree.ts";
import { ComposeError } from "./types.ts";

/** "<Image>", "<Title>" — the element as the user wrote it. */
export function tagOf(el: VargElementJson): string {
  return `<${componentName(el.type)}>`;
}

export interface NumberRule {
  min?: number;
  max?: number;
  /** Zero is not a value (the SDK treats a falsy duration as unset). */
  positive?: boolean;
}

/** A numeric prop, undefined when absent or null, else a finite number within the rule. */
export function numberProp(el: VargElementJson, key: string, where: string, rule: NumberRule = {}): number | undefined {
  const value = el.props[key];
  if (value === undefined || value === null) return undefined;
  const { min = -Infinity, max = Infinity } = rule;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max || (rule.positive && value <= 0)) {
    const range = rule.positive ? `a number above 0${max < Infinity ? ` and up to ${max}` : ""}` : `a number from ${min} to ${max}`;
    throw new ComposeError(`${tagOf(el)} ${key} in ${where} must be ${range}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A keyword prop, undefined when absent or null. */
export function enumProp<T extends string>(el: VargElementJson, key: string, allowed: readonly T[], where: string): T | undefined {
  const value = el.props[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
  throw new ComposeError(`${tagOf(el)} ${key} in ${where} must be one of ${allowed.join(", ")}, got ${JSON.stringify(value)}`);
}

export function booleanProp(el: VargElementJson, key: string): boolean {
  return el.props[key] === true;
}

/**
 * A size or position (SizeValue in the SDK: a number of pixels, "50%" of `base`, "120px"),
 * in pixels; undefined when absent. As the SDK's parseSize: a bare numeric string is pixels.
 */
export function sizeProp(el: VargElementJson, key: string, base: number, where: string, value: PropValue | undefined = el.props[key]): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number" && Number.isFinite(value)) return Math.round(value);
  if (typeof value === "string") {
    const m = /^\s*(-?\d+(?:\.\d+)?)\s*(%|px)?\s*$/.exec(value);
    if (m) return Math.round(m[2] === "%" ? (Number(m[1]) / 100) * base : Number(m[1]));
  }
  throw new ComposeError(`${tagOf(el)} ${key} in ${where} must be pixels (120, "120px") or a percentage ("50%"), got ${JSON.stringify(value)}`);
}

/** The text of an element: its text children (as the SDK's getTextContent), else its `text` prop. */
export function textOf(el: VargElementJson): string {
  const fromChildren = el.children.map((c) => (typeof c === "string" ? c : isElement(c) ? textOf(c) : "")).join("");
  if (fromChildren) return fromChildren;
  return typeof el.props.text === "string" ? el.props.text : "";
}

/** The media URL an element renders: its `src`, else what generation or `await` resolved it to. */
export function mediaUrlOf(el: VargElementJson): string | undefined {
  if (typeof el.props.src === "string" && el.props.src) return el.props.src;
  return el.resolved?.url || undefined;
}

/** Element children, without text. */
export function childElements(el: VargElementJson): VargElementJson[] {
  return el.children.filter(isElement);
}
