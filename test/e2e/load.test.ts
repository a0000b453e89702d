// Load on the real local stack: 50 renders submitted at once by one account against its limit
// of 4 running renders — exactly 4 are accepted, every refusal is a 429 with Retry-After, every
// accepted render completes, and every slot is free afterwards; and two accounts loading the
// service at once both get their renders through (neither waits for all of the other's).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootStack, type E2EStack } from "./local-stack.ts";
import { ApiClient, type RenderDetail } from "../../scripts/lib/api-client.ts";
import { createKey } from "../../scripts/lib/key-store.ts";
import { secondsZip } from "../fixtures/seconds.ts";

let stack: E2EStack;

beforeAll(async () => {
  stack = await bootStack({ MAX_CONCURRENT_RENDERS: "4", RATE_LIMIT_PER_MINUTE: "1000" });
});

afterAll(async () => {
  await stack?.dispose();
});

async function submit(client: ApiClient, assetId: string): Promise<Response> {
  return client.request("POST", "/v3/hyperframes/renders", JSON.stringify({ project: { type: "asset_id", asset_id: assetId }, fps: 10 }), {
    "content-type": "application/json",
  });
}

const renderIdOf = async (res: Response) => ((await res.json()) as { data: { render_id: string } }).data.render_id;

describe("load", () => {
  it("50 renders at once against a limit of 4: 4 accepted and completed, 46 refused with Retry-After, slots free after", async () => {
    const client = stack.client;
    const { asset_id } = await client.uploadZip(secondsZip(1));
    const answers = await Promise.all(Array.from({ length: 50 }, () => submit(client, asset_id)));
    const accepted = answers.filter((r) => r.ok);
    const refused = answers.filter((r) => r.status === 429);
    expect(accepted).toHaveLength(4);
    expect(refused).toHaveLength(46);
    for (const r of refused) {
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
      const body = (await r.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe("rate_limit_exceeded");
      expect(body.error.message).toMatch(/4 renders are already running/);
    }
    const ids = await Promise.all(accepted.map(renderIdOf));
    const done = await Promise.all(ids.map((id) => client.waitForRender(id, () => {}, 300_000)));
    expect(done.map((r) => r.status)).toEqual(["completed", "completed", "completed", "completed"]);
    // Every slot is free again: 4 more are accepted at once.
    const again = await Promise.all(Array.from({ length: 4 }, () => submit(client, asset_id)));
    expect(again.every((r) => r.ok)).toBe(true);
    await Promise.all((await Promise.all(again.map(renderIdOf))).map((id) => client.waitForRender(id, () => {}, 300_000)));
  });

  it("two accounts at once: both get their renders through, neither waits for all of the other's", async () => {
    const other = new ApiClient({ apiUrl: stack.apiUrl, apiKey: (await createKey({ persistTo: stack.persistTo }, { account: "second", name: "load" })).key });
    const [a, b] = [stack.client, other];
    const [assetA, assetB] = await Promise.all([a.uploadZip(secondsZip(2)), b.uploadZip(secondsZip(2))]);
    const [idsA, idsB] = await Promise.all(
      [
        [a, assetA.asset_id],
        [b, assetB.asset_id],
      ].map(async ([client, asset]) => Promise.all(Array.from({ length: 4 }, async () => renderIdOf(await submit(client as ApiClient, asset as string))))),
    );
    const finished = new Map<string, number>();
    const started = new Map<string, number>();
    const watch = (client: ApiClient, id: string) =>
      client.waitForRender(id, (r: RenderDetail) => {
        if (r.status !== "queued" && !started.has(id)) started.set(id, Date.now());
      }, 300_000).then((r) => {
        finished.set(id, Date.now());
        return r;
      });
    const results = await Promise.all([...idsA!.map((id) => watch(a, id)), ...idsB!.map((id) => watch(b, id))]);
    expect(results.every((r) => r.status === "completed")).toBe(true);
    // Each account's first render started before the other account's last one finished.
    const lastA = Math.max(...idsA!.map((id) => finished.get(id)!));
    const lastB = Math.max(...idsB!.map((id) => finished.get(id)!));
    expect(Math.min(...idsB!.map((id) => started.get(id)!))).toBeLessThan(lastA);
    expect(Math.min(...idsA!.map((id) => started.get(id)!))).toBeLessThan(lastB);
  });
});
