// Runs SQL against the project's D1 database through wrangler (local Miniflare state by
// default, or the deployed database with `remote: true`).
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { projectRoot, toolEnv } from "./paths.ts";

const run = promisify(execFile);

export interface D1Target {
  remote?: boolean;
  /** Miniflare state directory (local only). */
  persistTo?: string;
}

function targetArgs(t: D1Target): string[] {
  if (t.remote) return ["--remote"];
  return ["--local", ...(t.persistTo ? ["--persist-to", t.persistTo] : [])];
}

export function sqlString(value: string | number | null): string {
  if (value === null) return "NULL";
  if (typeof value === "number") return String(value);
  return `'${value.replace(/'/g, "''")}'`;
}

export async function d1Query<T = Record<string, unknown>>(target: D1Target, sql: string): Promise<T[]> {
  const { stdout } = await run(
    `${projectRoot}/node_modules/.bin/wrangler`,
    ["d1", "execute", "DB", ...targetArgs(target), "--json", "--command", sql],
    { cwd: projectRoot, env: toolEnv(), maxBuffer: 64 * 1024 * 1024 },
  );
  const results = JSON.parse(stdout) as { results: T[] }[];
  return results.flatMap((r) => r.results);
}

export async function applyMigrations(target: D1Target): Promise<void> {
  await run(`${projectRoot}/node_modules/.bin/wrangler`, ["d1", "migrations", "apply", "DB", ...targetArgs(target)], {
    cwd: projectRoot,
    env: { ...toolEnv(), CI: "true" },
  });
}
