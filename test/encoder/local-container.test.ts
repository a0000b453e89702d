// The local stand-in for `ctx.container` (src/encoder/local-container.ts) against a plain HTTP
// server that dies and comes back: the Container class must hear of the exit, and a start
// while the process is not back yet must look like a container not listening yet.
import { afterEach, describe, expect, it } from "vitest";
import http from "node:http";
import net from "node:net";
import { installLocalContainer } from "../../src/encoder/local-container.ts";

interface StandIn {
  readonly running: boolean;
  start(): void;
  monitor(): Promise<void>;
  getTcpPort(port: number): { fetch(url: string, init?: RequestInit): Promise<Response> };
}

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function serve(port: number): Promise<http.Server> {
  const server = http.createServer((_, res) => res.end("ok"));
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

function kill(server: http.Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

let server: http.Server | null = null;
afterEach(async () => {
  if (server?.listening) await kill(server);
});

/** An encoder stand-in listening on a free port, and the container installed in front of it. */
async function standIn(): Promise<{ port: number; container: StandIn }> {
  const port = await freePort();
  server = await serve(port);
  const ctx = {} as DurableObjectState;
  installLocalContainer(ctx, `http://127.0.0.1:${port}`);
  return { port, container: (ctx as unknown as { container: StandIn }).container };
}

describe("local container stand-in", () => {
  it("reports a process that died, and a restarted one is reached again", async () => {
    const { port, container } = await standIn();
    container.start();
    const exited = container.monitor();
    const tcp = container.getTcpPort(8080);
    expect(await (await tcp.fetch("http://encoder/healthz")).text()).toBe("ok");

    await kill(server!); // started by standIn()
    // As on the platform: this request is lost, and the class learns that the container exited.
    await expect(tcp.fetch("http://encoder/segments")).rejects.toThrow("Network connection lost.");
    expect(container.running).toBe(false);
    await expect(exited).rejects.toThrow("container exited with unexpected exit code: 137");

    // The class starts it again; until the process listens, it is "not listening" (keep polling).
    container.start();
    await expect(tcp.fetch("http://ping/")).rejects.toThrow("the container is not listening");
    expect(container.running).toBe(true);
    server = await serve(port);
    expect(await (await tcp.fetch("http://encoder/healthz")).text()).toBe("ok");
  });

  it("a request that fails while the process lives does not count as an exit", async () => {
    const { container } = await standIn();
    container.start();
    const tcp = container.getTcpPort(8080);
    await (await tcp.fetch("http://encoder/healthz")).text();

    const aborted = new AbortController();
    aborted.abort();
    await expect(tcp.fetch("http://encoder/segments", { signal: aborted.signal })).rejects.toThrow();
    expect(container.running).toBe(true);
  });
});
