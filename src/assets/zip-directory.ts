// A zip's central directory, read before anything is unpacked. The streaming unpack only sees
// local headers; the unix mode that marks an entry as a symbolic link (or a device, a pipe)
// lives only here, in the high 16 bits of each entry's external attributes.
import { DomainError } from "../core/errors.ts";
import { checkProjectPath, printableName } from "./project-paths.ts";

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const ENTRY = 0x02014b50;
const EOCD_BYTES = 22;
const MAX_COMMENT_BYTES = 0xffff;
/** Far beyond any real project's directory (10 000 entries with long names is ~2 MB). */
export const MAX_DIRECTORY_BYTES = 16 * 1024 * 1024;

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const ALLOWED_TYPES = new Set([0, 0o100000 /* regular */, 0o040000 /* directory */]);

export interface DirectoryEntry {
  name: string;
  /** The unix file type and permissions (0 when the archiver recorded none). */
  mode: number;
}

/** Reads `length` bytes at `offset` of the archive. */
export type ReadRange = (offset: number, length: number) => Promise<Uint8Array>;

function invalid(message: string): DomainError {
  return new DomainError("invalid", "invalid_source", message, "file");
}

const view = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Where the central directory is, from the end-of-central-directory record (zip64 too);
 *  null when the archive has none (not a zip, or cut short: the unpack says which). */
async function locateDirectory(size: number, read: ReadRange): Promise<{ offset: number; length: number } | null> {
  if (size < EOCD_BYTES) return null;
  const tailStart = Math.max(0, size - EOCD_BYTES - MAX_COMMENT_BYTES);
  const tail = await read(tailStart, size - tailStart);
  const t = view(tail);
  for (let at = tail.length - EOCD_BYTES; at >= 0; at--) {
    // The record ends the file: its comment length must reach exactly to the end.
    if (t.getUint32(at, true) !== EOCD || at + EOCD_BYTES + t.getUint16(at + 20, true) !== tail.length) continue;
    let length = t.getUint32(at + 12, true);
    let offset = t.getUint32(at + 16, true);
    if ((length === 0xffffffff || offset === 0xffffffff) && at >= 20 && t.getUint32(at - 20, true) === ZIP64_LOCATOR) {
      const recordAt = Number(t.getBigUint64(at - 20 + 8, true));
      const record = view(await read(recordAt, 56));
      if (record.getUint32(0, true) !== ZIP64_EOCD) throw invalid("zip archive is corrupt: bad zip64 end record");
      length = Number(record.getBigUint64(40, true));
      offset = Number(record.getBigUint64(48, true));
    }
    if (offset + length > size) throw invalid("zip archive is corrupt: its central directory lies outside the file");
    return { offset, length };
  }
  return null;
}

function decodeName(bytes: Uint8Array, utf8: boolean): string {
  // As the unpack (fflate) decodes it: UTF-8 when flagged, else one character per byte.
  return utf8 ? new TextDecoder().decode(bytes) : Array.from(bytes, (b) => String.fromCharCode(b)).join("");
}

/** Every entry the central directory lists; null when the archive has no directory. */
export async function readDirectory(size: number, read: ReadRange): Promise<DirectoryEntry[] | null> {
  const where = await locateDirectory(size, read);
  if (!where) return null;
  if (where.length > MAX_DIRECTORY_BYTES) throw invalid(`zip central directory is larger than ${MAX_DIRECTORY_BYTES} bytes`);
  const bytes = where.length ? await read(where.offset, where.length) : new Uint8Array(0);
  const d = view(bytes);
  const entries: DirectoryEntry[] = [];
  for (let at = 0; at + 46 <= bytes.length; ) {
    if (d.getUint32(at, true) !== ENTRY) throw invalid("zip archive is corrupt: bad central directory entry");
    const flags = d.getUint16(at + 8, true);
    const nameLength = d.getUint16(at + 28, true);
    const extraLength = d.getUint16(at + 30, true);
    const commentLength = d.getUint16(at + 32, true);
    const external = d.getUint32(at + 38, true);
    const name = decodeName(bytes.subarray(at + 46, at + 46 + nameLength), (flags & 0x800) !== 0);
    entries.push({ name, mode: external >>> 16 });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Refuses an archive listing an entry that is not a plain file or folder, or whose name is
 *  not a safe project path, before any of it is unpacked. */
export async function checkDirectory(size: number, read: ReadRange): Promise<void> {
  for (const entry of (await readDirectory(size, read)) ?? []) {
    const name = printableName(entry.name);
    const path = checkProjectPath(entry.name);
    if (!path.ok) throw invalid(`zip entry '${name}' ${path.reason}`);
    const type = entry.mode & S_IFMT;
    if (type === S_IFLNK) throw invalid(`zip entry '${name}' is a symbolic link; a project holds regular files only`);
    if (!ALLOWED_TYPES.has(type)) throw invalid(`zip entry '${name}' is a special file (unix mode ${entry.mode.toString(8)}); a project holds regular files only`);
  }
}

/** The same check of an archive stored in R2, reading only its directory. */
export async function checkStoredDirectory(bucket: R2Bucket, key: string): Promise<void> {
  const head = await bucket.head(key);
  if (!head) return;
  await checkDirectory(head.size, async (offset, length) => {
    const part = await bucket.get(key, { range: { offset, length } });
    if (!part) throw new Error(`${key} disappeared while its zip directory was read`);
    return new Uint8Array(await part.arrayBuffer());
  });
}
