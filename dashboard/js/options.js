// @ts-check
// The choices each dialect offers, read from this deployment's /openapi.json (itself generated
// from the zod schemas the API validates with), so the form always offers what the API accepts.

/** @typedef {{ type?: string, enum?: unknown[], default?: unknown, minimum?: number, maximum?: number, anyOf?: JsonSchema[], properties?: Record<string, JsonSchema> }} JsonSchema */

/** @type {Promise<any> | null} */
let documentPromise = null;

export function openApiDocument() {
  documentPromise ??= fetch("/openapi.json").then((res) => {
    if (!res.ok) throw new Error(`/openapi.json answered ${res.status}`);
    return res.json();
  });
  return documentPromise;
}

/**
 * The properties of an operation's JSON request body.
 * @param {string} path
 * @returns {Promise<Record<string, JsonSchema>>}
 */
export async function requestFields(path) {
  const doc = await openApiDocument();
  return doc.paths[path].post.requestBody.content["application/json"].schema.properties;
}

/** @param {JsonSchema} schema @returns {JsonSchema} the schema without an optional/nullable wrapper */
const unwrap = (schema) => schema.anyOf?.find((s) => s.enum || s.type !== "null") ?? schema;

/**
 * Fills a form's controls from the schema: select options from enums, defaults, number bounds.
 * @param {HTMLFormElement} form
 * @param {Record<string, JsonSchema>} fields
 */
export function applySchema(form, fields) {
  for (const [name, raw] of Object.entries(fields)) {
    const control = form.elements.namedItem(name);
    const schema = unwrap(raw);
    if (control instanceof HTMLSelectElement && schema.enum) {
      for (const value of schema.enum) control.add(new Option(String(value), String(value)));
      if (schema.default !== undefined) control.value = String(schema.default);
    } else if (control instanceof HTMLInputElement) {
      if (schema.minimum !== undefined) control.min = String(schema.minimum);
      if (schema.maximum !== undefined) control.max = String(schema.maximum);
      if (schema.default !== undefined && typeof schema.default !== "object") control.value = String(schema.default);
    }
  }
}
