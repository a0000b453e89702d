// Boots one local stack (wrangler dev + encoder process) for an e2e test file, on free ports
// and in a throwaway state directory.
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startLocalStack, type LocalStack } from "../../scripts/lib/local-stack.ts";
import { ApiClient } from "../../scripts/lib/api-client.ts";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface E2EStack extends LocalStack {
  client: ApiClient;
  /** Miniflare state of this stack (D1 can be queried with scripts/lib/d1-local.ts). */
  persistTo: string;
  logs: string[];
  dispose(): Promise<void>;
}

export async function bootStack(vars?: Record<string, string>): Promise<E2EStack> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-e2e-"));
  const logs: string[] = [];
  const persistTo = path.join(dir, "state");
  const stack = await startLocalStack({
    port: await freePort(),
    encoderPort: await freePort(),
    persistTo,
    vars,
    log: (line) => logs.push(line),
  });
  return {
    ...stack,
    persistTo,
    logs,
    client: new ApiClient(stack),
    async dispose() {
      await stack.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
