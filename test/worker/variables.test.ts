import { describe, expect, it } from "vitest";
import { createAccount, createRender, uploadProject } from "./helpers.ts";

type ErrorBody = { error: { code: string; message: string; param?: string } };

const DECLARED = `<!doctype html><html><body>
<div data-composition-id="v" data-width="320" data-height="240" data-duration="1"
  data-composition-variables='[{"id":"title","type":"string","label":"Title","default":"Hi"},
    {"id":"count","type":"number","default":3},
    {"id":"theme","type":"enum","default":"dark","options":[{"value":"dark","label":"Dark"},{"value":"light","label":"Light"}]},
    {"id":"logo","type":"image","default":"logo.png"}]'></div>
</body></html>`;

describe("render variables are checked against the composition's declarations", () => {
  it("accepts declared variables of the right types", async () => {
    const { key } = await createAccount();
    const assetId = await uploadProject(key, { "index.html": DECLARED });
    const res = await createRender(key, {
      project: { type: "asset_id", asset_id: assetId },
      variables: { title: "Q4", count: 7, theme: "light", logo: { url: "other.png" } },
    });
    expect(res.status).toBe(200);
  });

  it.each([
    [{ subtitle: "x" }, "variables.subtitle", /'subtitle' is not declared.*title, count, theme, logo/],
    [{ count: "7" }, "variables.count", /'count' must be a number, got string/],
    [{ theme: "blue" }, "variables.theme", /'theme' must be one of dark, light, got 'blue'/],
    [{ title: 5 }, "variables.title", /'title' must be a string, got number/],
    [{ logo: { href: "x" } }, "variables.logo", /'logo' must be an image URL/],
  ])("refuses %j naming the variable", async (variables, param, message) => {
    const { key } = await createAccount();
    const assetId = await uploadProject(key, { "index.html": DECLARED });
    const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, variables });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error.code).toBe("hyperframes_project_invalid");
    expect(error.param).toBe(param);
    expect(error.message).toMatch(message);
  });

  it("lets any variables through when the composition declares none", async () => {
    const { key } = await createAccount();
    const assetId = await uploadProject(key);
    const res = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, variables: { anything: 1 } });
    expect(res.status).toBe(200);
  });
});

describe("aspect_ratio is checked against the composition's authored size", () => {
  it("accepts the matching ratio and refuses another, naming both", async () => {
    const { key } = await createAccount();
    const assetId = await uploadProject(key, { "index.html": DECLARED }); // 320×240 is none of them
    const wide = await uploadProject(key, {
      "index.html": `<div data-composition-id="w" data-width="1920" data-height="1080" data-duration="1"></div>`,
    });
    expect((await createRender(key, { project: { type: "asset_id", asset_id: wide }, aspect_ratio: "16:9" })).status).toBe(200);
    const res = await createRender(key, { project: { type: "asset_id", asset_id: wide }, aspect_ratio: "9:16" });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as ErrorBody;
    expect(error).toMatchObject({ code: "invalid_parameter", param: "aspect_ratio" });
    expect(error.message).toMatch(/9:16 does not match the composition \(1920×1080, which is 16:9\)/);
    const odd = await createRender(key, { project: { type: "asset_id", asset_id: assetId }, aspect_ratio: "1:1" });
    expect(((await odd.json()) as ErrorBody).error.message).toMatch(/1:1 does not match the composition \(320×240\)/);
  });
});
