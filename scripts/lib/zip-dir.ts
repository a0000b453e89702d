// Zips a project folder the way a client would before uploading it.
import { zipSync } from "fflate";
import fs from "node:fs/promises";
import path from "node:path";

export async function zipDirectory(dir: string): Promise<Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  async function walk(rel: string): Promise<void> {
    for (const entry of await fs.readdir(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) files[child] = new Uint8Array(await fs.readFile(path.join(dir, child)));
    }
  }
  await walk("");
  return zipSync(files, { level: 6 });
}
