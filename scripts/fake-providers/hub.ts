// Local stand-ins for the AI providers' public HTTP APIs, one web-standard handler per provider
// under its own path prefix (`/fal/…`, `/elevenlabs/…`): the worker tests route outbound fetches
// to it, the e2e tests and `npm start` (FAKE_PROVIDERS=1) serve it on a loopback port. Each fake
// speaks its provider's documented contract and misbehaves when a prompt carries a token:
//   [fake:429] rate limit with Retry-After   [fake:402] out of credit   [fake:500] server error
//   [fake:500-once] a server error the first time this prompt is seen, then success
//   [fake:500-x3] a server error the first 3 times this prompt is seen, then success
//   [fake:slow] never finishes (stays queued / answers after slowMs)   [fake:malformed] bad JSON
//   [fake:404] a result URL that 404s        [fake:empty] "completed" with no output
//   [fake:401] the key is rejected
import http from "node:http";
import { falFake } from "./fal.ts";
import { replicateFake } from "./replicate.ts";
import { higgsfieldFake } from "./higgsfield.ts";
import { elevenlabsFake } from "./elevenlabs.ts";
import { openaiFake } from "./openai.ts";
import { googleFake } from "./google.ts";

export type Behaviour = "429" | "402" | "401" | "500" | "500-once" | `500-x${number}` | "slow" | "malformed" | "404" | "empty";

export interface FakeCall {
  provider: string;
  method: string;
  /** Path after the provider prefix, with the query. */
  path: string;
  /** The key the request authenticated with (as sent), or null. */
  key: string | null;
  /** The prompt or text of a generation request, when the call submits one. */
  prompt?: string;
  /** True for calls that start a generation (what a cache must avoid). */
  submit?: boolean;
}

export interface FakeContext {
  /** Absolute URL of this provider's prefix, e.g. http://127.0.0.1:8790/fal */
  base: string;
  /** Absolute origin of the hub (for /files/ URLs). */
  origin: string;
  record(call: Omit<FakeCall, "provider">): void;
  /** The misbehaviour a prompt asks for ("once" tokens are consumed on first sight). */
  behaviour(prompt: string): Behaviour | null;
  /** Provider-private state (queued jobs, predictions), keyed as the fake likes. */
  jobs: Map<string, unknown>;
  /** Stores a result file and returns the URL that serves it. */
  putFile(bytes: Uint8Array, contentType: string, ext: string): string;
  /** How long a "slow" answer takes (ms); long past any test's provider timeout. */
  slowMs: number;
}

/** A provider fake: `path` is the request path after its prefix (with the query). */
export type FakeHandler = (req: Request, path: string, ctx: FakeContext) => Promise<Response>;

export const FAKES: Record<string, FakeHandler> = {
  fal: falFake,
  replicate: replicateFake,
  higgsfield: higgsfieldFake,
  elevenlabs: elevenlabsFake,
  openai: openaiFake,
  google: googleFake,
};

const TOKEN = /\[fake:([a-z0-9-]+)\]/i;

export interface FakeProviders {
  handle(req: Request): Promise<Response>;
  /** Every call so far, oldest first. */
  readonly calls: FakeCall[];
  /** Calls that started a generation, per provider. */
  submits(provider?: string): FakeCall[];
  reset(): void;
}

export function createFakeProviders(options: { slowMs?: number } = {}): FakeProviders {
  const calls: FakeCall[] = [];
  const seen = new Map<string, number>();
  const jobs = new Map<string, Map<string, unknown>>();
  const files = new Map<string, { bytes: Uint8Array; contentType: string }>();
  let nextFile = 1;

  const behaviour = (prompt: string): Behaviour | null => {
    const m = TOKEN.exec(prompt);
    if (!m) return null;
    const b = m[1]!.toLowerCase() as Behaviour;
    const failures = b === "500-once" ? 1 : /^500-x(\d+)$/.exec(b) ? Number(b.slice(5)) : 0;
    if (failures) {
      const count = seen.get(prompt) ?? 0;
      seen.set(prompt, count + 1);
      return count < failures ? "500" : null;
    }
    return b;
  };

  const handle = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const [, first, ...rest] = url.pathname.split("/");
    // Control for tests that cannot hold this object (the Workers runtime reaches it over fetch).
    if (first === "__calls") return Response.json(calls);
    if (first === "__reset") {
      reset();
      return new Response(null, { status: 204 });
    }
    if (first === "files") {
      const file = files.get(rest.join("/"));
      if (!file) return new Response("no such file", { status: 404 });
      return new Response(file.bytes, { headers: { "content-type": file.contentType } });
    }
    const fake = first ? FAKES[first] : undefined;
    if (!fake) return new Response(`no fake provider at ${url.pathname}`, { status: 404 });
    let providerJobs = jobs.get(first!);
    if (!providerJobs) jobs.set(first!, (providerJobs = new Map()));
    const ctx: FakeContext = {
      base: `${url.origin}/${first}`,
      origin: url.origin,
      record: (call) => calls.push({ provider: first!, ...call }),
      behaviour,
      jobs: providerJobs,
      putFile: (bytes, contentType, ext) => {
        const id = `${nextFile++}.${ext}`;
        files.set(id, { bytes, contentType });
        return `${url.origin}/files/${id}`;
      },
      slowMs: options.slowMs ?? 120_000,
    };
    try {
      return await fake(req, `/${rest.join("/")}${url.search}`, ctx);
    } catch (err) {
      return Response.json({ error: `fake ${first} crashed: ${err instanceof Error ? err.message : String(err)}` }, { status: 500 });
    }
  };

  function reset() {
    calls.length = 0;
    seen.clear();
    jobs.clear();
    files.clear();
  }

  return {
    handle,
    calls,
    submits: (provider) => calls.filter((c) => c.submit && (!provider || c.provider === provider)),
    reset,
  };
}

/** Serves the fakes on a loopback port. Base URLs are `${url}/<provider>`. */
export async function serveFakeProviders(port = 0, options: { slowMs?: number } = {}): Promise<{ url: string; fakes: FakeProviders; close(): Promise<void> }> {
  const fakes = createFakeProviders(options);
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = chunks.length ? Buffer.concat(chunks) : undefined;
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const request = new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body: req.method === "GET" || req.method === "HEAD" ? undefined : body });
    const answer = await fakes.handle(request);
    const out = Buffer.from(await answer.arrayBuffer());
    // One request per connection: with keep-alive, the server closing an idle connection just as
    // workerd reused it failed a request with "Network connection lost" (seen in CI under load:
    // strict mode's 429 case came back as provider_error).
    res.writeHead(answer.status, { ...Object.fromEntries(answer.headers), connection: "close" });
    res.end(out);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", resolve);
  });
  const address = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${address.port}`,
    fakes,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The variables that point a deployment's providers at the fakes served at `url`. */
export function fakeProviderVars(url: string): Record<string, string> {
  return {
    FAL_BASE_URL: `${url}/fal`,
    REPLICATE_BASE_URL: `${url}/replicate`,
    HIGGSFIELD_BASE_URL: `${url}/higgsfield`,
    ELEVENLABS_BASE_URL: `${url}/elevenlabs`,
    OPENAI_BASE_URL: `${url}/openai`,
    GOOGLE_BASE_URL: `${url}/google`,
  };
}
