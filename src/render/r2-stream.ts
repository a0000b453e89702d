// Streaming glue between encoder responses and R2, so no video is ever held in memory.

/** Puts a response body into R2; R2 needs a known length, which the encoder always sends. */
export async function putResponseBody(
  bucket: R2Bucket,
  key: string,
  res: Response,
  contentType: string,
): Promise<R2Object> {
  const length = Number(res.headers.get("content-length"));
  if (!res.body || !Number.isSafeInteger(length) || length <= 0) {
    throw new Error(`encoder response for ${key} has no usable Content-Length`);
  }
  const body = res.body.pipeThrough(new FixedLengthStream(length));
  return bucket.put(key, body, { httpMetadata: { contentType } });
}

/**
 * The R2 objects at `keys`, in order, each preceded by its length as an 8-byte big-endian
 * integer: the framing the encoder's /finalize endpoint reads.
 */
export function lengthPrefixedObjects(bucket: R2Bucket, keys: string[]): ReadableStream<Uint8Array> {
  let next = 0;
  let reader: ReadableStreamDefaultReader<Uint8Array> | null = null;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        if (!reader) {
          const key = keys[next++];
          if (key === undefined) return controller.close();
          const object = await bucket.get(key);
          if (!object) throw new Error(`${key} is missing from storage`);
          const header = new Uint8Array(8);
          new DataView(header.buffer).setBigUint64(0, BigInt(object.size));
          reader = object.body.getReader();
          return controller.enqueue(header);
        }
        const { value, done } = await reader.read();
        if (done) {
          reader = null;
          continue;
        }
        return controller.enqueue(value);
      }
    },
    async cancel(reason) {
      await reader?.cancel(reason);
    },
  });
}
