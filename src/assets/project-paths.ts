// Rules for paths inside a project zip. A path must stay inside the project: no absolute
// paths, drive letters, backslashes or `..` segments (zip slip); and it must be a name, not
// a terminal escape or a line break: no control characters.
export type PathCheck = { ok: true; path: string } | { ok: false; reason: string };

// C0 controls and DEL only: C1 (U+0080–U+009F) also appear when a UTF-8 name from an
// archiver that does not flag UTF-8 is read one byte per character.
const CONTROL = /[\u0000-\u001f\u007f]/;
const CONTROLS = /[\u0000-\u001f\u007f]/g;

const codePoint = (c: string) => `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;

/** A name as it can be shown in a message: control characters written as U+XXXX. */
export function printableName(raw: string): string {
  const shown = raw.replace(CONTROLS, (c) => `<${codePoint(c)}>`);
  return shown.length > 300 ? `${shown.slice(0, 300)}…` : shown;
}

export function checkProjectPath(raw: string): PathCheck {
  if (raw.includes("\0")) return { ok: false, reason: "contains a NUL byte" };
  const control = CONTROL.exec(raw);
  if (control) return { ok: false, reason: `contains a control character (${codePoint(control[0])})` };
  if (raw.includes("\\")) return { ok: false, reason: "contains a backslash" };
  if (raw.startsWith("/")) return { ok: false, reason: "is an absolute path" };
  if (/^[A-Za-z]:/.test(raw)) return { ok: false, reason: "starts with a drive letter" };
  const segments = raw.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.some((s) => s === "..")) return { ok: false, reason: "escapes the project with '..'" };
  return { ok: true, path: segments.join("/") };
}

const CONTENT_TYPES: Record<string, string> = {
  html: "text/html; charset=utf-8",
  htm: "text/html; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  mjs: "text/javascript; charset=utf-8",
  css: "text/css; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  avif: "image/avif",
  woff: "font/woff",
  woff2: "font/woff2",
  ttf: "font/ttf",
  otf: "font/otf",
  mp4: "video/mp4",
  webm: "video/webm",
  mov: "video/quicktime",
  mp3: "audio/mpeg",
  wav: "audio/wav",
  m4a: "audio/mp4",
  ogg: "audio/ogg",
  txt: "text/plain; charset=utf-8",
};

export function contentTypeFor(path: string): string {
  const ext = path.slice(path.lastIndexOf(".") + 1).toLowerCase();
  return CONTENT_TYPES[ext] ?? "application/octet-stream";
}
