// Runs a provider adapter against the fake providers served on a loopback port, with the
// context the generation phase gives adapters in production (abort deadline, poll interval,
// size-capped download).
import { serveFakeProviders, type FakeProviders } from "../../scripts/fake-providers/hub.ts";
import type { ProviderContext } from "../../src/generation/types.ts";

export interface FakeServer {
  url: string;
  fakes: FakeProviders;
  close(): Promise<void>;
}

export function startFakes(options: { slowMs?: number } = {}): Promise<FakeServer> {
  return serveFakeProviders(0, { slowMs: options.slowMs ?? 30_000 });
}

/** A context for `provider` on the fake server; `timeoutMs` is the generation's deadline. */
export function contextFor(server: FakeServer, provider: string, options: { key?: string; timeoutMs?: number } = {}): ProviderContext {
  return {
    key: options.key ?? `test-key-${provider}`,
    baseUrl: `${server.url}/${provider}`,
    signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    pollIntervalMs: 20,
    download: async (url) => {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`answered HTTP ${res.status}`);
      return { bytes: new Uint8Array(await res.arrayBuffer()), contentType: res.headers.get("content-type") ?? "" };
    },
  };
}
