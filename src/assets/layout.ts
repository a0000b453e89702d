// Where things live in R2. Every key for one asset or render sits under one prefix, so
// cleaning up is a prefix delete.
export const r2Keys = {
  assetPrefix: (assetId: string) => `assets/${assetId}/`,
  assetSource: (assetId: string) => `assets/${assetId}/source.zip`,
  assetFilesPrefix: (assetId: string) => `assets/${assetId}/files/`,
  assetFile: (assetId: string, path: string) => `assets/${assetId}/files/${path}`,
  renderPrefix: (renderId: string) => `renders/${renderId}/`,
  segment: (renderId: string, chunkIndex: number) =>
    `renders/${renderId}/segments/${String(chunkIndex).padStart(5, "0")}.seg`,
  output: (renderId: string, format: string) => `renders/${renderId}/output.${format}`,
  still: (renderId: string, index: number) => `renders/${renderId}/stills/${String(index).padStart(4, "0")}.png`,
  thumbnail: (renderId: string, imageFormat: "jpeg" | "png" | "webp") =>
    `renders/${renderId}/thumbnail.${imageFormat === "jpeg" ? "jpg" : imageFormat}`,
};

/** Deletes every object under `prefix` (R2 lists at most 1000 keys per call). */
export async function deletePrefix(bucket: R2Bucket, prefix: string): Promise<void> {
  let cursor: string | undefined;
  do {
    const page = await bucket.list({ prefix, cursor });
    if (page.objects.length) await bucket.delete(page.objects.map((o) => o.key));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
}
