// Reads what the local stack's R2 bucket holds, straight from Miniflare's state (its object
// index is SQLite), so tests can check that nothing was left behind under a prefix.
import fs from "node:fs/promises";
import path from "node:path";
import { DatabaseSync } from "node:sqlite";

/** Keys of stored objects and of unfinished multipart uploads under `prefix`. */
export async function localR2Keys(persistTo: string, prefix: string): Promise<string[]> {
  const dir = path.join(persistTo, "v3/r2/miniflare-R2BucketObject");
  const files = (await fs.readdir(dir).catch(() => [] as string[])).filter((f) => f.endsWith(".sqlite") && f !== "metadata.sqlite");
  const keys: string[] = [];
  for (const file of files) {
    const db = new DatabaseSync(path.join(dir, file), { readOnly: true });
    try {
      const like = prefix.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";
      for (const sql of [
        "SELECT key FROM _mf_objects WHERE key LIKE ? ESCAPE '\\'",
        "SELECT key FROM _mf_multipart_uploads WHERE state = 0 AND key LIKE ? ESCAPE '\\'",
      ]) {
        keys.push(...(db.prepare(sql).all(like) as { key: string }[]).map((r) => r.key));
      }
    } finally {
      db.close();
    }
  }
  return keys;
}
