// An R2 object as an HTTP response, with Range (206/416), ETag and conditional requests:
// what players and browsers need to seek in media.

/** The response for `key`, or null when there is no such object. */
export async function r2ObjectResponse(
  bucket: R2Bucket,
  key: string,
  request: Request,
  cacheControl: string,
): Promise<Response | null> {
  const headers = request.headers;
  let object: R2Object | R2ObjectBody | null;
  try {
    object = await bucket.get(key, { range: headers, onlyIf: headers });
  } catch {
    // R2 refuses a range that lies outside the object.
    const head = await bucket.head(key);
    if (!head) return null;
    return new Response(null, { status: 416, headers: { "content-range": `bytes */${head.size}` } });
  }
  if (!object) return null;

  const out = new Headers();
  object.writeHttpMetadata(out);
  out.set("etag", object.httpEtag);
  out.set("accept-ranges", "bytes");
  out.set("cache-control", cacheControl);
  if (!("body" in object)) {
    // onlyIf failed: If-None-Match matched (304) or a precondition failed (412).
    return new Response(null, { status: headers.has("if-none-match") ? 304 : 412, headers: out });
  }
  // A range that starts past the end (R2 itself may answer it with the whole object).
  const start = /^bytes=(\d+)-\d*$/.exec(headers.get("range") ?? "")?.[1];
  if (start !== undefined && Number(start) >= object.size) {
    await object.body.cancel();
    return new Response(null, { status: 416, headers: { "content-range": `bytes */${object.size}` } });
  }
  const body = request.method === "HEAD" ? null : object.body;
  const range = object.range as { offset?: number; length?: number; suffix?: number } | undefined;
  if (headers.has("range") && range) {
    const offset = range.suffix !== undefined ? object.size - range.suffix : (range.offset ?? 0);
    const length = range.suffix ?? range.length ?? object.size - offset;
    out.set("content-range", `bytes ${offset}-${offset + length - 1}/${object.size}`);
    out.set("content-length", String(length));
    return new Response(body, { status: 206, headers: out });
  }
  out.set("content-length", String(object.size));
  return new Response(body, { status: 200, headers: out });
}
