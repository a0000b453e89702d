// @ts-check
// Talking to this deployment's API from the page: the key lives in this tab's sessionStorage only,
// and a refused request becomes an ApiError carrying the API's own words.

const KEY_STORAGE = "reelflare.apiKey";

export const apiKey = {
  /** @returns {string | null} */
  get: () => sessionStorage.getItem(KEY_STORAGE),
  /** @param {string} key */
  set: (key) => sessionStorage.setItem(KEY_STORAGE, key),
  clear: () => sessionStorage.removeItem(KEY_STORAGE),
};

export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} title the API's code (HyperFrames) or error title (varg)
   * @param {string} message the API's message, verbatim
   */
  constructor(status, title, message) {
    super(message);
    this.status = status;
    this.title = title;
  }
}

/**
 * Reads an error answer in either dialect's shape: HyperFrames `{error: {code, message, param}}`,
 * varg `{error, message, line?, column?}`.
 * @param {Response} res
 */
async function errorOf(res) {
  const text = await res.text();
  try {
    const body = JSON.parse(text);
    if (body.error && typeof body.error === "object") {
      const { code, message, param } = body.error;
      return new ApiError(res.status, code, param && !String(message).includes(param) ? `${message} (${param})` : message);
    }
    if (typeof body.error === "string") {
      const where = body.line ? ` (line ${body.line}${body.column ? `, column ${body.column}` : ""})` : "";
      return new ApiError(res.status, body.error, `${body.message ?? ""}${where}`);
    }
  } catch {
    // not JSON: fall through
  }
  return new ApiError(res.status, `HTTP ${res.status}`, text.slice(0, 500) || res.statusText);
}

/**
 * Calls the API with the tab's key; resolves to the JSON answer or rejects with an ApiError.
 * @param {string} path
 * @param {RequestInit & { json?: unknown }} [init]
 * @returns {Promise<any>}
 */
export async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  const key = apiKey.get();
  if (key) headers.set("authorization", `Bearer ${key}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  const res = await fetch(path, { ...init, headers, body });
  if (!res.ok) throw await errorOf(res);
  return res.status === 204 ? null : res.json();
}
