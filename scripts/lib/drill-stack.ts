// A local stack for fault drills (`npm run faults`, test/e2e/recovery.test.ts): fixed ports and
// state directory, so it can be stopped and started again mid-render like a restarted service,
// with its log lines kept for counting what the pipeline did.
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { startLocalStack, type LocalStack } from "./local-stack.ts";
import { ApiClient } from "./api-client.ts";

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface DrillStack {
  stack: LocalStack;
  client: ApiClient;
  logs: string[];
  persistTo: string;
  /** Stops every process and starts the service again on the same state and ports. */
  restart(): Promise<void>;
  dispose(): Promise<void>;
}

export async function drillStack(vars: Record<string, string>): Promise<DrillStack> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "reelflare-drill-"));
  const logs: string[] = [];
  const options = { port: await freePort(), encoderPort: await freePort(), persistTo: path.join(dir, "state"), vars, log: (l: string) => logs.push(l) };
  const stack = await startLocalStack(options);
  const drill: DrillStack = {
    stack,
    client: new ApiClient(stack),
    logs,
    persistTo: options.persistTo,
    async restart() {
      await drill.stack.stop();
      drill.stack = await startLocalStack(options);
      drill.client = new ApiClient(drill.stack);
    },
    async dispose() {
      await drill.stack.stop();
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
  return drill;
}

/** Chunks captured for a render, from the capture's own timing lines. */
export function capturesOf(logs: string[], renderId: string): number {
  return logs.filter((l) => l.includes("[chunk-timing]") && l.includes(renderId)).length;
}
