// The media types a project zip may be announced and sent as: the registered one and the names
// browsers and Windows give zips. Anything else (an HTML page, a video, octet-stream) is not
// a project, and is refused before any byte is stored.
export const ZIP_MEDIA_TYPES = ["application/zip", "application/x-zip-compressed", "application/x-zip"] as const;

/** The media type alone, lower-cased: "Application/ZIP; charset=binary" → "application/zip". */
export function mediaTypeOf(contentType: string): string {
  return contentType.split(";")[0]!.trim().toLowerCase();
}

/** A header sent twice arrives joined with ", " — the official hyperframes CLI sends the
 *  upload's Content-Type both from upload_headers and on its own ("application/zip,
 *  application/zip") — so every listed type must be a zip type. */
export function isZipMediaType(contentType: string): boolean {
  return contentType.split(",").every((part) => (ZIP_MEDIA_TYPES as readonly string[]).includes(mediaTypeOf(part)));
}
