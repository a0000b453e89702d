// The OpenAPI document (/openapi.json) against the app itself: every route the app serves is in
// it (and nothing else), and real requests the tests send — and the answers they get — validate
// against it, while requests the API refuses are refused by the document too.
import { describe, expect, it } from "vitest";
import { env } from "cloudflare:test";
import { Validator, type Schema } from "@cfworker/json-schema";
import { app } from "../../src/app.ts";
import { createAccount, uploadProject } from "./helpers.ts";

type Operation = {
  requestBody?: { content: Record<string, { schema: Schema }> };
  parameters?: Array<{ in: string; name: string; required?: boolean; schema: Schema }>;
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: Record<string, unknown> };

const SCENE = `import { Render, Clip, Title } from "vargai/react";
export default (<Render width={320} height={180} fps={10}><Clip duration={1}><Title>Hi</Title></Clip></Render>);`;
const request = (path: string, init: RequestInit = {}) => app.request(path, init, env);

async function loadDocument(): Promise<Document> {
  const res = await request("/openapi.json");
  expect(res.status).toBe(200);
  return res.json();
}

/** Hono's `:param` and trailing `*` as the document writes them: `{param}`. */
function templateRegex(honoPath: string): RegExp {
  const pattern = honoPath
    .split("/")
    .map((s) => (s.startsWith(":") || s === "*" ? "\\{[^}/]+\\}" : s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${pattern}$`);
}

/** Every (method, path) the app routes to a handler, as Hono registered it. */
function servedRoutes(): Array<{ method: string; path: string }> {
  const seen = new Map<string, { method: string; path: string }>();
  for (const r of app.routes) if (r.method !== "ALL") seen.set(`${r.method} ${r.path}`, { method: r.method, path: r.path });
  return [...seen.values()];
}

/** The documented operation a concrete request path goes to. */
function operationFor(doc: Document, method: string, path: string): Operation {
  const match = Object.keys(doc.paths).find((template) =>
    new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\\?\{[^}]+\\?\}/g, "[^/]+")}$`).test(path),
  );
  const operation = match && doc.paths[match]![method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${path} is not in the document`);
  return operation;
}

/** Validates `value` against a schema of the document ($refs into its components resolve). */
function check(doc: Document, schema: Schema, value: unknown) {
  return new Validator({ ...schema, components: doc.components } as Schema, "2020-12", false).validate(value);
}

describe("/openapi.json", () => {
  it("is OpenAPI 3.1 with both dialects and their key schemes", async () => {
    const doc = await loadDocument();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/v3/"))).toBe(true);
    expect(Object.keys(doc.paths).some((p) => p.startsWith("/api/"))).toBe(true);
    expect(doc.components).toMatchObject({ securitySchemes: { apiKey: { in: "header", name: "x-api-key" }, bearer: { scheme: "bearer" } } });
  });

  it("documents every route the app serves, and no route it does not serve", async () => {
    const doc = await loadDocument();
    const served = servedRoutes();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })));
    const missing = served.filter((r) => !documented.some((d) => d.method === r.method && templateRegex(r.path).test(d.path)));
    const phantom = documented.filter((d) => !served.some((r) => r.method === d.method && templateRegex(r.path).test(d.path)));
    console.log(`OpenAPI route coverage: ${served.length - missing.length}/${served.length} served routes documented`);
    expect(missing).toEqual([]);
    expect(phantom).toEqual([]);
    expect(served.length).toBeGreaterThanOrEqual(24);
  });

  it("accepts the requests the API accepts, and their answers match the documented responses", async () => {
    const doc = await loadDocument();
    const { key } = await createAccount();
    const assetId = await uploadProject(key);
    const headers = { "x-api-key": key, "content-type": "application/json" };
    const samples: Array<{ method: string; path: string; body?: unknown; status: number }> = [
      { method: "POST", path: "/v3/hyperframes/renders", body: { project: { type: "asset_id", asset_id: assetId }, fps: 10 }, status: 200 },
      {
        method: "POST",
        path: "/v3/hyperframes/renders",
        body: { project: { type: "asset_id", asset_id: assetId }, fps: 30, quality: "draft", format: "webm", title: "t", callback_id: "c-1", variables: {} },
        status: 200,
      },
      { method: "POST", path: "/v3/assets/direct-uploads", body: { filename: "p.zip", content_type: "application/zip", size_bytes: 1234 }, status: 200 },
      { method: "POST", path: "/api/render", body: { code: SCENE }, status: 202 },
      { method: "POST", path: "/api/render", body: { code: SCENE, output: "video", mode: "preview", verbose: true, providerKeys: { fal: "k" } }, status: 202 },
      { method: "GET", path: "/v3/hyperframes/renders?limit=5", status: 200 },
      { method: "GET", path: "/api/jobs?limit=10", status: 200 },
      { method: "GET", path: "/v3/users/me", status: 200 },
      { method: "GET", path: "/v3/webhooks/secret", status: 200 },
    ];
    const ids: Record<string, string> = {};
    for (const sample of samples) {
      const operation = operationFor(doc, sample.method, sample.path.split("?")[0]!);
      if (sample.body !== undefined) {
        const result = check(doc, operation.requestBody!.content["application/json"]!.schema, sample.body);
        expect(result.errors, `${sample.method} ${sample.path} body`).toEqual([]);
      }
      for (const [name, value] of new URL(sample.path, "https://x").searchParams) {
        const parameter = operation.parameters!.find((p) => p.in === "query" && p.name === name)!;
        expect(check(doc, parameter.schema, /^\d+$/.test(value) ? Number(value) : value).valid, `${sample.path} ?${name}`).toBe(true);
      }
      const res = await request(sample.path, { method: sample.method, headers, body: sample.body === undefined ? undefined : JSON.stringify(sample.body) });
      const answer = await res.json();
      expect(res.status, `${sample.method} ${sample.path}: ${JSON.stringify(answer)}`).toBe(sample.status);
      const documented = operation.responses[String(res.status)]?.content?.["application/json"]?.schema;
      expect(documented, `${sample.method} ${sample.path} ${res.status} documented`).toBeDefined();
      expect(check(doc, documented!, answer).errors, `${sample.method} ${sample.path} answer`).toEqual([]);
      const a = answer as { data?: { render_id?: string }; job_id?: string };
      if (a.data?.render_id) ids.render = a.data.render_id;
      if (a.job_id) ids.job = a.job_id;
    }
    // Reads of what was just created answer as documented too.
    for (const path of [
      `/v3/hyperframes/renders/${ids.render}`,
      `/v3/hyperframes/renders/${ids.render}/events-url`,
      `/v3/hyperframes/renders/${ids.render}/webhooks`,
      `/api/render/jobs/${ids.job}`,
      `/api/render/jobs/${ids.job}/events-url`,
      "/v3/hyperframes/renders/hfr_missing",
      "/api/render/jobs/missing",
    ]) {
      const res = await request(path, { headers });
      const schema = operationFor(doc, "GET", path).responses[String(res.status)]?.content?.["application/json"]?.schema;
      expect(schema, `${path} ${res.status} documented`).toBeDefined();
      expect(check(doc, schema!, await res.json()).errors, path).toEqual([]);
    }
  });

  it.each([
    ["/v3/hyperframes/renders", { fps: 30 }],
    ["/v3/hyperframes/renders", { project: { type: "asset_id", asset_id: "asset_x" }, fps: 0 }],
    ["/v3/hyperframes/renders", { project: { type: "asset_id", asset_id: "asset_x" }, quality: "ultra" }],
    ["/v3/hyperframes/renders", { project: { type: "ftp", url: "ftp://x" } }],
    ["/v3/assets/direct-uploads", { filename: "p.zip", size_bytes: -1 }],
    ["/api/render", { code: "" }],
    ["/api/render", { code: SCENE, output: "gif" }],
    ["/api/render", { code: SCENE, providerKeys: { fal: 42 } }],
  ])("refuses %s %j as the API does (400)", async (path, body) => {
    const doc = await loadDocument();
    const { key } = await createAccount();
    const operation = operationFor(doc, "POST", path);
    expect(check(doc, operation.requestBody!.content["application/json"]!.schema, body).valid).toBe(false);
    const res = await request(path, { method: "POST", headers: { "x-api-key": key, "content-type": "application/json" }, body: JSON.stringify(body) });
    expect(res.status).toBe(400);
    const schema = operation.responses["400"]!.content!["application/json"]!.schema;
    expect(check(doc, schema, await res.json()).errors).toEqual([]);
  });
});
