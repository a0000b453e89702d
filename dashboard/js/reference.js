// @ts-check
// The API reference: this deployment's /openapi.json as a page, with no script or style from
// anywhere else (so it works offline). Operations grouped by tag; schemas as nested lists.

const el = (/** @type {string} */ tag, /** @type {Record<string, any>} */ props = {}, /** @type {(Node | string)[]} */ ...children) => {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
};

/** Text with `code` spans, as the document's descriptions write them. @param {string} text */
const rich = (text) => text.split("`").map((part, i) => (i % 2 ? el("code", { textContent: part }) : part));

/**
 * Resolves a local $ref.
 * @param {any} doc @param {any} schema
 */
const deref = (doc, schema) => (schema?.$ref ? schema.$ref.slice(2).split("/").reduce((/** @type {any} */ at, /** @type {string} */ key) => at?.[key], doc) : schema);

/** @param {any} doc @param {any} schema @returns {string} */
function typeOf(doc, schema) {
  schema = deref(doc, schema) ?? {};
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((/** @type {unknown} */ v) => JSON.stringify(v)).join(" | ");
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((/** @type {any} */ s) => typeOf(doc, s)).join(" | ");
  if (schema.type === "array") return `${typeOf(doc, schema.items)}[]`;
  if (schema.type === "object" && !schema.properties) return "object";
  return [schema.type ?? "any", schema.format ? `(${schema.format})` : ""].join(" ").trim();
}

/** @param {any} doc @param {any} schema @param {number} depth @returns {HTMLElement | null} */
function schemaTree(doc, schema, depth = 0) {
  schema = deref(doc, schema);
  if (!schema || depth > 6) return null;
  const variants = schema.oneOf ?? schema.anyOf;
  if (variants?.some((/** @type {any} */ s) => deref(doc, s)?.properties)) {
    return el("ul", {}, ...variants.map((/** @type {any} */ s, /** @type {number} */ i) => el("li", {}, `one of (${i + 1}):`, schemaTree(doc, s, depth + 1) ?? "")));
  }
  if (schema.type === "array" && deref(doc, schema.items)?.properties) return schemaTree(doc, schema.items, depth);
  if (!schema.properties) return null;
  const required = new Set(schema.required ?? []);
  return el(
    "ul",
    {},
    ...Object.entries(schema.properties).map(([name, raw]) => {
      const prop = deref(doc, raw);
      const notes = [required.has(name) ? "required" : null, prop.default !== undefined ? `default ${JSON.stringify(prop.default)}` : null, prop.minimum !== undefined ? `≥ ${prop.minimum}` : null, prop.maximum !== undefined ? `≤ ${prop.maximum}` : null].filter(Boolean).join(", ");
      return el("li", {}, el("code", { textContent: name }), `: ${typeOf(doc, prop)}`, notes ? ` (${notes})` : "", ...(prop.description ? [" — ", ...rich(prop.description)] : []), schemaTree(doc, prop, depth + 1) ?? "");
    }),
  );
}

/** @param {any} doc @param {string} method @param {string} path @param {any} op */
function operation(doc, method, path, op) {
  const id = op.operationId;
  const parts = [el("h2", { id }, el("code", { textContent: `${method.toUpperCase()} ${path}` })), el("p", { textContent: op.summary ?? "" })];
  if (op.description) parts.push(el("p", { className: "hint" }, ...rich(op.description)));
  if (op.security) parts.push(el("p", { className: "hint", textContent: "Needs an API key: x-api-key or Authorization: Bearer." }));
  if (op.parameters?.length) {
    parts.push(el("h3", { textContent: "Parameters" }), el("ul", {}, ...op.parameters.map((/** @type {any} */ p) => el("li", {}, el("code", { textContent: p.name }), ` (${p.in}${p.required ? ", required" : ""}): ${typeOf(doc, p.schema)}`, ...(p.description ? [" — ", ...rich(p.description)] : [])))));
  }
  for (const [media, content] of Object.entries(op.requestBody?.content ?? {})) {
    parts.push(el("h3", { textContent: `Request body (${media})` }), schemaTree(doc, /** @type {any} */ (content).schema) ?? el("p", { textContent: typeOf(doc, /** @type {any} */ (content).schema) }));
  }
  parts.push(el("h3", { textContent: "Responses" }));
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    const r = /** @type {any} */ (response);
    const [media, content] = Object.entries(r.content ?? {})[0] ?? [];
    const summary = el("summary", {}, el("strong", { textContent: status }), " ", ...rich(r.description ?? ""), media ? ` (${media})` : "");
    parts.push(el("details", {}, summary, (content && schemaTree(doc, /** @type {any} */ (content).schema)) ?? ""));
  }
  return el("section", {}, ...parts);
}

async function start() {
  const res = await fetch("/openapi.json");
  if (!res.ok) throw new Error(`/openapi.json answered ${res.status}`);
  const doc = await res.json();
  document.getElementById("ref-intro")?.append(" ", ...rich(doc.info.description ?? ""));
  /** @type {Map<string, HTMLElement[]>} */
  const byTag = new Map((doc.tags ?? []).map((/** @type {any} */ t) => [t.name, []]));
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(/** @type {Record<string, any>} */ (methods))) {
      const tag = op.tags?.[0] ?? "Other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)?.push(operation(doc, method, path, op));
    }
  }
  const toc = document.getElementById("ref-toc");
  const list = document.getElementById("ref-operations");
  for (const [tag, sections] of byTag) {
    if (!sections.length) continue;
    toc?.append(el("h3", { textContent: tag }), el("ul", {}, ...sections.map((s) => el("li", {}, el("a", { href: `#${s.querySelector("h2")?.id}`, textContent: s.querySelector("h2")?.textContent ?? "" })))));
    list?.append(el("h2", { textContent: tag, className: "group" }), ...sections);
  }
}

start().catch((err) => {
  const box = document.getElementById("error");
  if (box) Object.assign(box, { hidden: false, textContent: String(err.message ?? err) });
});
