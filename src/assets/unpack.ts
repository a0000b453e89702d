// Streams a project zip into individual files, enforcing the project rules as bytes arrive:
// safe paths, a cap on total unpacked bytes and on the compression ratio (zip bombs), and
// a cap on the number of entries. Only one file is held in memory at a time.
import { Unzip, UnzipInflate } from "fflate";
import { DomainError } from "../core/errors.ts";
import { checkProjectPath, printableName } from "./project-paths.ts";
import { concatBytes } from "../lib/bytes.ts";

export interface UnpackLimits {
  maxUnpackedBytes: number;
  maxEntries: number;
  /** Largest allowed ratio of unpacked to compressed bytes once past `ratioFloorBytes`. */
  maxRatio: number;
  ratioFloorBytes: number;
}

export const DEFAULT_UNPACK_LIMITS: Omit<UnpackLimits, "maxUnpackedBytes"> = {
  maxEntries: 10_000,
  maxRatio: 200,
  ratioFloorBytes: 16 * 1024 * 1024,
};

export interface UnpackedFile {
  path: string;
  bytes: Uint8Array;
}

export interface UnpackSummary {
  paths: string[];
  unpackedBytes: number;
}

const ZIP_MAGIC = [0x50, 0x4b]; // "PK"
const IGNORED = /(^|\/)(__MACOSX\/|\.DS_Store$)/;

function invalid(message: string): DomainError {
  return new DomainError("invalid", "invalid_source", message, "file");
}

export async function unpackZip(
  zip: ReadableStream<Uint8Array>,
  limits: UnpackLimits,
  write: (file: UnpackedFile) => Promise<void>,
): Promise<UnpackSummary> {
  const ready: UnpackedFile[] = [];
  const paths: string[] = [];
  let unpackedBytes = 0;
  let compressedBytes = 0;
  let entries = 0;
  let failure: DomainError | null = null;

  const unzip = new Unzip((file) => {
    entries++;
    if (entries > limits.maxEntries) throw invalid(`zip has more than ${limits.maxEntries} entries`);
    const check = checkProjectPath(file.name);
    if (!check.ok) throw invalid(`zip entry '${printableName(file.name)}' ${check.reason}`);
    if (file.name.endsWith("/") || IGNORED.test(check.path)) return; // directories, OS junk
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, data, final) => {
      if (failure) return;
      if (err) {
        failure = invalid(`zip entry '${file.name}' is corrupt: ${err.message}`);
        return;
      }
      size += data.length;
      unpackedBytes += data.length;
      if (unpackedBytes > limits.maxUnpackedBytes) {
        failure = new DomainError("too_large", "project_too_large",
          `project unpacks to more than ${limits.maxUnpackedBytes} bytes`,
          "file",
        );
        return;
      }
      if (unpackedBytes > limits.ratioFloorBytes && unpackedBytes > compressedBytes * limits.maxRatio) {
        failure = invalid(`zip compression ratio exceeds ${limits.maxRatio}:1 (possible zip bomb)`);
        return;
      }
      chunks.push(data);
      if (final) {
        ready.push({ path: check.path, bytes: concatBytes(chunks, size) });
        paths.push(check.path);
      }
    };
    file.start();
  });
  unzip.register(UnzipInflate);

  const reader = zip.getReader();
  let first = true;
  for (;;) {
    const { value, done } = await reader.read();
    if (value) {
      if (first && (value[0] !== ZIP_MAGIC[0] || value[1] !== ZIP_MAGIC[1])) {
        await reader.cancel();
        throw invalid("upload is not a zip archive");
      }
      first = false;
      compressedBytes += value.length;
    }
    try {
      unzip.push(value ?? new Uint8Array(0), done);
    } catch (err) {
      await reader.cancel().catch(() => {});
      throw err instanceof DomainError ? err : invalid(`zip archive is corrupt: ${(err as Error).message}`);
    }
    if (failure) {
      await reader.cancel().catch(() => {});
      throw failure;
    }
    while (ready.length) await write(ready.shift()!);
    if (done) break;
  }
  if (first) throw invalid("upload is empty");
  if (paths.length === 0) throw invalid("zip archive contains no files");
  return { paths, unpackedBytes };
}
