// TSX → plain ES module (imports and exports kept; the VM's module loader resolves them).
// Sucrase keeps line numbers, so runtime errors in the VM point at the submitted source lines.
import { transform } from "sucrase";
import { SandboxError } from "./errors.ts";

/** Largest accepted source (characters); the API body limit usually bites first. */
export const MAX_SOURCE_CHARS = 512 * 1024;

export function transpile(code: string): string {
  if (code.length > MAX_SOURCE_CHARS) {
    throw new SandboxError(`code is too large: ${code.length} characters (limit ${MAX_SOURCE_CHARS})`);
  }
  try {
    return transform(code, {
      transforms: ["typescript", "jsx"],
      jsxRuntime: "automatic",
      jsxImportSource: "vargai",
      production: true,
      filePath: "scene.tsx",
      disableESTransforms: true,
      // Without this, an unused `import fs from "fs"` would vanish instead of being refused.
      keepUnusedImports: true,
    }).code;
  } catch (err) {
    const loc = (err as { loc?: { line: number; column: number } }).loc;
    // Sucrase appends "(line:column)" to its messages; the location travels separately.
    const message = String((err as Error).message ?? err).replace(/\s*\(\d+:\d+\)$/, "");
    throw new SandboxError(`syntax error: ${message}`, loc ? { line: loc.line, column: loc.column } : {});
  }
}
