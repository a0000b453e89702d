// Source locations for messages: where an import sits in the submitted code, and which line
// (and column) a VM stack trace points at. Sucrase keeps lines, not columns, so a column is
// only given when the transpiled line is the submitted line unchanged.
import { START_MODULE } from "./vm-source/modules.ts";

export interface Location {
  line?: number;
  column?: number;
}

/** The file name the scene module runs under in the VM. */
export const SCENE_FILE = "scene.tsx";
/** What the host puts before the transpiled code, on its first line (see vm.ts). */
export const SCENE_PREFIX = `import "${START_MODULE}";`;

/** Line (and column) of the first scene frame in a QuickJS stack trace. */
export function stackLocation(stack: string, source: string, transpiled: string): Location {
  const m = new RegExp(`${SCENE_FILE.replace(".", "\\.")}:(\\d+)(?::(\\d+))?`).exec(stack);
  if (!m) return {};
  const line = Number(m[1]);
  const out: Location = { line };
  const src = source.split("\n")[line - 1];
  const js = transpiled.split("\n")[line - 1];
  if (m[2] && src !== undefined && src === js) {
    const column = Number(m[2]) - (line === 1 ? SCENE_PREFIX.length : 0);
    if (column >= 1) out.column = column;
  }
  return out;
}

/** Where a static (`from "x"`, `import "x"`) or dynamic (`import("x")`) import of `specifier`
 *  appears in the submitted source: the position of the quoted name. */
export function importLocation(source: string, specifier: string, dynamic = false): Location {
  const quoted = `["'\`]${specifier.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}["'\`]`;
  const pattern = new RegExp(dynamic ? `\\bimport\\s*\\(\\s*${quoted}` : `(\\bfrom\\s*|\\bimport\\s*)${quoted}`);
  const lines = source.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const m = pattern.exec(lines[i]!);
    if (m) return { line: i + 1, column: m.index + m[0].length - specifier.length - 1 };
  }
  return {};
}
