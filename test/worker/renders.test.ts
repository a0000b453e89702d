import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { eq } from "drizzle-orm";
import { db } from "../../src/db/client.ts";
import { renders } from "../../src/db/schema.ts";
import { renderJob } from "../../src/jobs/job-stub.ts";
import { api, createAccount, createRender, uploadProject } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string; param?: string } };
type Detail = { data: Record<string, unknown> & { render_id: string; status: string } };

async function rendersOf(accountId: string) {
  return db(env.DB).select().from(renders).where(eq(renders.accountId, accountId)).all();
}

describe("POST /v3/hyperframes/renders", () => {
  it("creates a queued render owned by the RenderJob DO and mirrored in D1", async () => {
    const { key, accountId } = await createAccount();
    const assetId = await uploadProject(key);
    const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, fps: 24, title: "t1" });
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { render_id: string } };
    expect(data.render_id).toMatch(/^hfr_/);

    const snapshot = await renderJob(env, data.render_id).snapshot();
    expect(snapshot.status).toBe("queued");
    expect(snapshot.spec).toMatchObject({ assetId, accountId, fps: 24, format: "mp4", quality: "standard", entry: "index.html" });

    const detail = (await (await api(key, `/v3/hyperframes/renders/${data.render_id}`)).json()) as Detail;
    expect(detail.data).toMatchObject({
      render_id: data.render_id,
      status: "queued",
      title: "t1",
      fps: 24,
      format: "mp4",
      resolution: "1080p",
      video_url: null,
      progress: 0,
    });
  });

  it.each([
    [{ fps: 0 }, "fps"],
    [{ fps: 241 }, "fps"],
    [{ fps: "abc" }, "fps"],
    [{ fps: 29.97 }, "fps"],
    [{ format: "gif" }, "format"],
    [{ quality: "ultra" }, "quality"],
    [{ resolution: "4k", format: "webm" }, "resolution"],
    [{ resolution: "4k", format: "mov" }, "resolution"],
    [{ aspect_ratio: "4:3" }, "aspect_ratio"],
    [{ variables: [1, 2] }, "variables"],
    [{ callback_url: "http://example.com/hook" }, "callback_url"],
  ])("rejects %j naming param %s, creating nothing", async (fields, param) => {
    const { key, accountId } = await createAccount();
    const assetId = await uploadProject(key);
    const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, ...fields });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe("invalid_parameter");
    expect(error.param).toBe(param);
    expect(error.message).toContain(param);
    expect(await rendersOf(accountId)).toEqual([]);
  });

  it("rejects malformed JSON, a missing project and an unknown project type", async () => {
    const { key } = await createAccount();
    const bad = await api(key, "/v3/hyperframes/renders", { method: "POST", body: "{not json" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error).toMatchObject({ code: "invalid_request" });
    const missing = await createRender(key, { fps: 30 });
    expect(((await missing.json()) as ErrorBody).error).toMatchObject({ code: "invalid_parameter", param: "project" });
    const unknown = await createRender(key, { project: { type: "ftp", url: "x" } });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as ErrorBody).error.param).toMatch(/^project/);
  });

  it("refuses a render of another account's asset without revealing it", async () => {
    const alice = await createAccount("alice");
    const bob = await createAccount("bob");
    const assetId = await uploadProject(alice.key);
    const res = await createRender(bob.key, { project: { type: "asset_id", asset_id: assetId } });
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "asset_not_found", param: "project.asset_id" });
    expect(await rendersOf(bob.accountId)).toEqual([]);
  });

  it("refuses a project without the entry file", async () => {
    const { key, accountId } = await createAccount();
    const assetId = await uploadProject(key, { "main.html": "<html></html>" });
    const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId } });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "hyperframes_project_invalid", param: "composition" });
    expect(error.message).toContain("index.html");
    // Naming the entry that does exist works.
    const ok = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, composition: "main.html" });
    expect(ok.status).toBe(200);
    expect(await rendersOf(accountId)).toHaveLength(1);
  });
});

describe("reading, listing and deleting renders", () => {
  it("answers 404 for an unknown id and for another account's render", async () => {
    const alice = await createAccount();
    const bob = await createAccount();
    const unknown = await api(alice.key, "/v3/hyperframes/renders/hfr_doesnotexist");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorBody).error.code).toBe("hyperframes_render_not_found");

    const assetId = await uploadProject(alice.key);
    const { data } = (await (await createRender(alice.key, { project: { type: "asset_id", asset_id: assetId } })).json()) as {
      data: { render_id: string };
    };
    expect((await api(bob.key, `/v3/hyperframes/renders/${data.render_id}`)).status).toBe(404);
    expect((await api(bob.key, `/v3/hyperframes/renders/${data.render_id}`, { method: "DELETE" })).status).toBe(404);
    expect((await api(alice.key, `/v3/hyperframes/renders/${data.render_id}`)).status).toBe(200);
  });

  it("lists newest first with cursor pagination, and hides deleted renders", async () => {
    const { key } = await createAccount();
    const assetId = await uploadProject(key);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, title: `r${i}` });
      const id = ((await res.json()) as { data: { render_id: string } }).data.render_id;
      ids.push(id);
      await renderJob(env, id).fail("ended by the test"); // frees the concurrency slot
    }
    const seen: string[] = [];
    let token: string | null = null;
    do {
      const res = await api(key, `/v3/hyperframes/renders?limit=2${token ? `&token=${token}` : ""}`);
      const page = (await res.json()) as { data: { render_id: string }[]; has_more: boolean; next_token: string | null };
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((r) => r.render_id));
      token = page.next_token;
      expect(page.has_more).toBe(token !== null);
    } while (token);
    expect(seen).toEqual([...ids].reverse());

    const del = await api(key, `/v3/hyperframes/renders/${ids[2]}`, { method: "DELETE" });
    expect(del.status).toBe(200);
    expect((await api(key, `/v3/hyperframes/renders/${ids[2]}`)).status).toBe(404);
    const all = (await (await api(key, "/v3/hyperframes/renders?limit=100")).json()) as { data: { render_id: string }[] };
    expect(all.data.map((r) => r.render_id)).not.toContain(ids[2]);
    expect(all.data).toHaveLength(4);

    const badToken = await api(key, "/v3/hyperframes/renders?token=garbage");
    expect(badToken.status).toBe(400);
    expect(((await badToken.json()) as ErrorBody).error.param).toBe("token");
  });
});
