// What a render request is checked against, read from the entry page without a browser:
// the root's authored size (for aspect_ratio and the size limits), its declared duration (for
// the length limits) and its declared variables.
//
// Render-time variables are checked against what the composition declares in
// `data-composition-variables` (on <html> or the root [data-composition-id] element), with
// the same rules as the HyperFrames tooling: undeclared ids, wrong types and enum values out
// of range are errors; a composition that declares nothing accepts anything.
import { z } from "zod";
import type { JsonValue } from "../jobs/render-state.ts";

const Declaration = z
  .object({
    id: z.string(),
    type: z.enum(["string", "number", "color", "boolean", "enum", "font", "image"]),
    options: z.array(z.object({ value: z.string() }).passthrough()).optional(),
  })
  .passthrough();
export type VariableDeclaration = z.infer<typeof Declaration>;

const ENTITIES: Record<string, string> = { "&quot;": '"', "&#34;": '"', "&#39;": "'", "&apos;": "'", "&lt;": "<", "&gt;": ">", "&amp;": "&" };

function parseDeclarations(raw: string): VariableDeclaration[] {
  for (const text of [raw, raw.replace(/&(quot|#34|#39|apos|lt|gt|amp);/g, (e) => ENTITIES[e] ?? e)]) {
    try {
      const parsed = z.array(Declaration).safeParse(JSON.parse(text));
      if (parsed.success) return parsed.data;
    } catch {
      // try the entity-decoded form
    }
  }
  return [];
}

export interface CompositionMeta {
  width: number | null;
  height: number | null;
  /** data-duration in seconds; null when the page's timelines decide it (known at planning). */
  duration: number | null;
  variables: VariableDeclaration[];
}

/** Reads the entry page's HTML once, streaming it through HTMLRewriter. */
export async function readCompositionMeta(html: Response): Promise<CompositionMeta> {
  const found: string[] = [];
  const meta: CompositionMeta = { width: null, height: null, duration: null, variables: [] };
  let rootSeen = false;
  const collect = (el: Element) => {
    const attr = el.getAttribute("data-composition-variables");
    if (attr) found.push(attr);
  };
  const dimension = (value: string | null) => {
    const n = Number(value);
    return value !== null && Number.isFinite(n) && n > 0 ? n : null;
  };
  await new HTMLRewriter()
    .on("html", { element: collect })
    .on("[data-composition-id]", {
      element(el) {
        if (el.tagName === "html" || rootSeen) return;
        rootSeen = true;
        meta.width = dimension(el.getAttribute("data-width"));
        meta.height = dimension(el.getAttribute("data-height"));
        meta.duration = dimension(el.getAttribute("data-duration"));
        collect(el);
      },
    })
    .transform(html)
    .arrayBuffer();
  const byId = new Map<string, VariableDeclaration>();
  for (const decl of found.flatMap(parseDeclarations)) byId.set(decl.id, decl);
  meta.variables = [...byId.values()];
  return meta;
}

const RATIOS: Record<string, number> = { "16:9": 16 / 9, "9:16": 9 / 16, "1:1": 1 };

/** Null when the requested ratio fits the authored size (5% tolerance, as the CLI uses). */
export function aspectRatioProblem(requested: string, meta: CompositionMeta): string | null {
  if (!meta.width || !meta.height) return null;
  const ratio = meta.width / meta.height;
  const wanted = RATIOS[requested];
  if (wanted === undefined || Math.abs(ratio - wanted) <= 0.05) return null;
  const actual = Object.entries(RATIOS).find(([, r]) => Math.abs(ratio - r) <= 0.05)?.[0];
  return `aspect_ratio ${requested} does not match the composition (${meta.width}×${meta.height}${actual ? `, which is ${actual}` : ""})`;
}

function typeName(value: JsonValue): string {
  return value === null ? "null" : Array.isArray(value) ? "array" : typeof value;
}

function isObject(value: JsonValue): value is { [key: string]: JsonValue } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** One problem per offending variable, each naming it; empty when all is well. */
export function variableProblems(values: Record<string, JsonValue>, declarations: VariableDeclaration[]) {
  if (declarations.length === 0) return [];
  const byId = new Map(declarations.map((d) => [d.id, d]));
  const problems: { id: string; message: string }[] = [];
  for (const [id, value] of Object.entries(values)) {
    const decl = byId.get(id);
    const problem = (message: string) => problems.push({ id, message: `variable '${id}' ${message}` });
    if (!decl) {
      problem(`is not declared by the composition (declared: ${[...byId.keys()].join(", ")})`);
      continue;
    }
    const got = typeName(value);
    switch (decl.type) {
      case "string":
      case "color":
        if (typeof value !== "string") problem(`must be a ${decl.type === "color" ? "color " : ""}string, got ${got}`);
        break;
      case "number":
        if (typeof value !== "number" || !Number.isFinite(value)) problem(`must be a number, got ${got}`);
        break;
      case "boolean":
        if (typeof value !== "boolean") problem(`must be a boolean, got ${got}`);
        break;
      case "enum": {
        const allowed = (decl.options ?? []).map((o) => o.value);
        if (typeof value !== "string") problem(`must be one of ${allowed.join(", ")}, got ${got}`);
        else if (!allowed.includes(value)) problem(`must be one of ${allowed.join(", ")}, got '${value}'`);
        break;
      }
      case "font":
        if (typeof value !== "string" && !(isObject(value) && typeof value.name === "string" && typeof value.source === "string")) {
          problem(`must be a font name or {name, source}, got ${got}`);
        }
        break;
      case "image":
        if (typeof value !== "string" && !(isObject(value) && typeof value.url === "string")) {
          problem(`must be an image URL or {url}, got ${got}`);
        }
        break;
    }
  }
  return problems;
}
