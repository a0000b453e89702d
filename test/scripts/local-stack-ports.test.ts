// A stack left running must not answer for a new one: startLocalStack refuses a port in use,
// naming it, before it starts anything.
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack } from "../../scripts/lib/local-stack.ts";

let squatter: http.Server;
let port = 0;

beforeAll(async () => {
  squatter = http.createServer((_, res) => res.end("another stack"));
  await new Promise<void>((resolve) => squatter.listen(0, "127.0.0.1", resolve));
  port = (squatter.address() as { port: number }).port;
});

afterAll(() => new Promise<void>((resolve) => squatter.close(() => resolve())));

describe("startLocalStack", () => {
  it("refuses an API or encoder port something already listens on", async () => {
    const persistTo = path.join(os.tmpdir(), "reelflare-ports-test", "state");
    await expect(startLocalStack({ port, encoderPort: port + 1, persistTo, log: () => {} })).rejects.toThrow(
      new RegExp(`port ${port} \\(the API\\) is already in use`),
    );
    await expect(startLocalStack({ port: port + 1, encoderPort: port, persistTo, log: () => {} })).rejects.toThrow(
      new RegExp(`port ${port} \\(the encoder\\) is already in use`),
    );
  });
});
