// Webhooks end to end: a real render on the local stack calls a local receiver, which checks
// the Standard Webhooks signature; a failed first delivery is retried through the queue.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { createHmac, timingSafeEqual } from "node:crypto";
import { zipSync, strToU8 } from "fflate";
import { bootStack, type E2EStack } from "./local-stack.ts";

const PROJECT = zipSync({
  "index.html": strToU8(`<!doctype html><html><body style="margin:0">
<div data-composition-id="w" data-width="320" data-height="180" data-duration="0.5" data-no-timeline
  style="width:320px;height:180px;background:green"></div></body></html>`),
});

interface Delivery {
  headers: http.IncomingHttpHeaders;
  body: string;
  verified: boolean;
}

let stack: E2EStack;
let receiver: http.Server;
let receiverUrl: string;
let secret: string;
const deliveries: Delivery[] = [];
let failuresLeft = 1;

/** Verifies as a Standard Webhooks receiver would: HMAC over "<id>.<timestamp>.<body>". */
function verify(headers: http.IncomingHttpHeaders, body: string): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected = createHmac("sha256", key).update(`${headers["webhook-id"]}.${headers["webhook-timestamp"]}.${body}`).digest();
  const fresh = Math.abs(Date.now() / 1000 - Number(headers["webhook-timestamp"])) < 300;
  return (
    fresh &&
    String(headers["webhook-signature"] ?? "")
      .split(" ")
      .some((sig) => {
        const given = Buffer.from(sig.replace(/^v1,/, ""), "base64");
        return given.length === expected.length && timingSafeEqual(given, expected);
      })
  );
}

beforeAll(async () => {
  stack = await bootStack({ WEBHOOK_RETRY_BASE_SECONDS: "1" });
  const res = await stack.client.request("GET", "/v3/webhooks/secret");
  secret = ((await res.json()) as { data: { secret: string } }).data.secret;
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body, verified: verify(req.headers, body) });
      res.statusCode = failuresLeft-- > 0 ? 500 : 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});

afterAll(async () => {
  receiver?.close();
  await stack?.dispose();
});

async function waitFor<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe("webhooks", () => {
  it("POSTs the signed render detail with callback_id at completion, retrying a failed delivery", async () => {
    const { asset_id } = await stack.client.uploadZip(PROJECT);
    const { render_id } = await stack.client.createRender({
      project: { type: "asset_id", asset_id },
      fps: 10,
      callback_url: receiverUrl,
      callback_id: "order-42",
    });
    // The client does not poll: the webhook arrives anyway.
    await waitFor("two deliveries", () => (deliveries.length >= 2 ? true : undefined));
    expect(deliveries.every((d) => d.verified)).toBe(true);
    const [first, second] = deliveries;
    expect(second!.headers["webhook-id"]).toBe(first!.headers["webhook-id"]); // same event, retried
    const payload = JSON.parse(second!.body) as { event: string; callback_id: string; data: Record<string, unknown> };
    expect(payload).toMatchObject({ event: "render.completed", callback_id: "order-42" });
    expect(payload.data).toMatchObject({ render_id, status: "completed", frame_count: 5 });
    expect(String(payload.data.video_url)).toContain("/v1/files/renders/");

    const attempts = await waitFor("two recorded attempts", async () => {
      const res = await stack.client.request("GET", `/v3/hyperframes/renders/${render_id}/webhooks`);
      const data = ((await res.json()) as { data: { attempt: number; status_code: number; error: string | null }[] }).data;
      return data.length >= 2 ? data : undefined;
    });
    expect(attempts.map((a) => [a.attempt, a.status_code])).toEqual([
      [1, 500],
      [2, 204],
    ]);
    expect(attempts[0]!.error).toMatch(/HTTP 500/);
    expect(attempts[1]!.error).toBeNull();
  });

  it("a tampered body does not verify", () => {
    const last = deliveries.at(-1)!;
    expect(verify(last.headers, last.body.replace("order-42", "order-43"))).toBe(false);
  });
});
