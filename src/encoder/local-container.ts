// Local development has no container engine. This installs a stand-in for `ctx.container`
// that forwards the Container class's TCP traffic to the encoder server running as a plain
// local process (same code as the image), so the real Container class logic still runs.
// It must be installed before the Container constructor reads `ctx.container`.
//
// The process can die (a crash, a kill); the local stack then starts it again on the same
// port (scripts/lib/encoder-supervisor.ts). As on the platform, the Container class must hear
// of the exit — `running` turns false and `monitor()` rejects — so that its next request
// starts the container again and waits for its port instead of failing forever.

type Fetchable = { fetch(url: string, init?: RequestInit | Request): Promise<Response> };

/** How the platform words these (the Container class matches on them). */
const NOT_LISTENING = "the container is not listening";
const CONNECTION_LOST = "Network connection lost.";
const CRASHED = "container exited with unexpected exit code: 137";

/** How long the health check that tells a dead process from a failed request may take. */
const HEALTH_TIMEOUT_MS = 2_000;

export function installLocalContainer(ctx: DurableObjectState, origin: string | undefined): void {
  const state = ctx as unknown as { container?: unknown };
  if (state.container !== undefined || !origin) return;

  let running = false;
  /** Started, but no request has reached the process yet: it may still be coming up. */
  let starting = false;
  let exit: { promise: Promise<void>; resolve(): void; reject(err: Error): void } | null = null;

  const ended = (err?: Error) => {
    running = false;
    starting = false;
    const current = exit;
    exit = null;
    if (err) current?.reject(err);
    else current?.resolve();
  };

  const alive = async () => {
    try {
      const res = await fetch(new URL("/healthz", origin), { signal: AbortSignal.timeout(HEALTH_TIMEOUT_MS) });
      await res.body?.cancel();
      return true;
    } catch {
      return false;
    }
  };

  const port: Fetchable = {
    async fetch(url, init) {
      const target = new URL(url);
      try {
        const res = await fetch(new URL(target.pathname + target.search, origin), init as RequestInit);
        starting = false;
        return res;
      } catch (err) {
        // A caller that gave up (an aborted capture) is not a dead process.
        if ((init as RequestInit | undefined)?.signal?.aborted || !running || (await alive())) throw err;
        if (starting) throw new Error(NOT_LISTENING, { cause: err });
        ended(new Error(CRASHED));
        throw new Error(CONNECTION_LOST, { cause: err });
      }
    },
  };
  const noop = async () => {};

  // A plain object (workerd rejects a Proxy here), shaped like the runtime's Container API.
  Object.defineProperty(state, "container", {
    configurable: true,
    value: {
      get running() {
        return running;
      },
      start() {
        running = true;
        starting = true;
        let resolve!: () => void;
        let reject!: (err: Error) => void;
        const promise = new Promise<void>((res, rej) => {
          resolve = res;
          reject = rej;
        });
        // Rejections are for the class's monitor callbacks; never unhandled here.
        promise.catch(() => {});
        exit = { promise, resolve, reject };
      },
      monitor() {
        return exit?.promise ?? Promise.resolve();
      },
      async destroy() {
        ended();
      },
      signal() {
        ended();
      },
      getTcpPort() {
        return port;
      },
      interceptOutboundHttp: noop,
      interceptOutboundHttps: noop,
      interceptAllOutboundHttp: noop,
    },
  });
}
