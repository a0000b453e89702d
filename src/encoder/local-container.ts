// Local development has no container engine. This installs a stand-in for `ctx.container`
// that forwards the Container class's TCP traffic to the encoder server running as a plain
// local process (same code as the image), so the real Container class logic still runs.
// It must be installed before the Container constructor reads `ctx.container`.

type Fetchable = { fetch(url: string, init?: RequestInit | Request): Promise<Response> };

export function installLocalContainer(ctx: DurableObjectState, origin: string | undefined): void {
  const state = ctx as unknown as { container?: unknown };
  if (state.container !== undefined || !origin) return;

  let running = false;
  let exited: (() => void) | null = null;
  const stop = () => {
    running = false;
    exited?.();
    exited = null;
  };
  const port: Fetchable = {
    fetch(url, init) {
      const target = new URL(url);
      return fetch(new URL(target.pathname + target.search, origin), init as RequestInit);
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
      },
      monitor() {
        return new Promise<void>((resolve) => {
          exited = resolve;
        });
      },
      async destroy() {
        stop();
      },
      signal() {
        stop();
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
