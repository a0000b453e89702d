// Turns a varg element tree (the JSON the sandbox produces, as the compiler's tests build it)
// back into a TSX scene the varg SDK can render, with media URLs mapped to local files:
// the same scene through both renderers, for side-by-side comparison (render.sh).
import type { PropValue, VargElementJson } from "../../src/dialects/varg/tree.ts";
import { componentName as tagName, isElement } from "../../src/dialects/varg/tree.ts";

function propValue(value: PropValue, local: (url: string) => string, key: string): string {
  if (isElement(value)) return element(value, local, "");
  if (key === "src" && typeof value === "string") return JSON.stringify(local(value));
  return JSON.stringify(value);
}

function element(el: VargElementJson, local: (url: string) => string, indent: string): string {
  const props = Object.entries(el.props)
    .map(([key, value]) => `${key}={${propValue(value, local, key)}}`)
    .join(" ");
  const open = `${tagName(el.type)}${props ? ` ${props}` : ""}`;
  if (!el.children.length) return `${indent}<${open} />`;
  const inner = el.children
    .map((child) => (isElement(child) ? element(child, local, `${indent}  `) : `${indent}  {${JSON.stringify(child)}}`))
    .join("\n");
  return `${indent}<${open}>\n${inner}\n${indent}</${tagName(el.type)}>`;
}

/** A scene file for the SDK's CLI (`vargai render`): its components are auto-imported. */
export function treeToTsx(tree: VargElementJson, local: (url: string) => string): string {
  return `export default (\n${element(tree, local, "  ")}\n);\n`;
}
