// Every read and write is scoped to the key's account: account B cannot see, render,
// download, stream or delete anything of account A's.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { db } from "../../src/db/client.ts";
import { renders } from "../../src/db/schema.ts";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { api, createAccount, createRender, uploadProject } from "./helpers.ts";

describe("tenancy", () => {
  it("account B gets 404s for everything of account A's", async () => {
    const a = await createAccount("a");
    const b = await createAccount("b");
    const assetId = await uploadProject(a.key);
    const created = await createRender(a.key, { project: { type: "asset_id", asset_id: assetId } });
    const renderId = ((await created.json()) as { data: { render_id: string } }).data.render_id;
    await env.BUCKET.put(`renders/${renderId}/output.mp4`, "video");
    await renderJob(env, renderId).complete({ key: `renders/${renderId}/output.mp4`, bytes: 5, frameCount: 1, duration: 1 });

    // A sees its completed render with a download URL.
    const mine = (await (await api(a.key, `/v3/hyperframes/renders/${renderId}`)).json()) as { data: { video_url: string } };
    expect(mine.data.video_url).toContain(renderId);

    for (const path of [
      `/v3/hyperframes/renders/${renderId}`,
      `/v3/hyperframes/renders/${renderId}/events`,
      `/v3/hyperframes/renders/${renderId}/webhooks`,
    ]) {
      const res = await api(b.key, path);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain("video_url");
    }
    const list = (await (await api(b.key, "/v3/hyperframes/renders")).json()) as { data: unknown[] };
    expect(list.data).toEqual([]);
    expect((await createRender(b.key, { project: { type: "asset_id", asset_id: assetId } })).status).toBe(404);
    expect((await api(b.key, `/v3/assets/${assetId}/complete`, { method: "POST", body: "{}" })).status).toBe(404);
    expect((await api(b.key, `/v3/hyperframes/renders/${renderId}`, { method: "DELETE" })).status).toBe(404);

    // Nothing of A's changed.
    const row = await db(env.DB).select().from(renders).where(eq(renders.id, renderId)).get();
    expect(row).toMatchObject({ status: "completed", deletedAt: null });
    expect((await api(a.key, `/v3/hyperframes/renders/${renderId}`)).status).toBe(200);
  });
});
