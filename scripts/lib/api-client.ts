// A minimal client of the public API, used by `npm start` (to render the example) and by the
// end-to-end tests — it does exactly what an external client would.
import { sseReader } from "./sse-reader.ts";
export interface ClientOptions {
  apiUrl: string;
  apiKey: string;
}

export interface RenderDetail {
  render_id: string;
  status: "queued" | "rendering" | "completed" | "failed";
  progress: number;
  eta_seconds: number | null;
  video_url: string | null;
  failure_message: string | null;
  [key: string]: unknown;
}

export class ApiClient {
  private readonly opts: ClientOptions;

  constructor(opts: ClientOptions) {
    this.opts = opts;
  }

  async request(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
    return fetch(`${this.opts.apiUrl}${path}`, {
      method,
      body,
      headers: { "x-api-key": this.opts.apiKey, ...headers },
    });
  }

  private async json<T>(res: Response): Promise<T> {
    const body = (await res.json()) as { data?: T; error?: { code: string; message: string } };
    if (!res.ok || body.error) {
      throw new Error(`${res.status} ${body.error?.code}: ${body.error?.message}`);
    }
    return body.data as T;
  }

  async uploadZip(zip: Uint8Array, filename = "project.zip"): Promise<{ asset_id: string }> {
    const form = new FormData();
    form.set("file", new Blob([zip], { type: "application/zip" }), filename);
    return this.json(await this.request("POST", "/v3/assets", form));
  }

  async createRender(body: Record<string, unknown>): Promise<{ render_id: string }> {
    return this.json(
      await this.request("POST", "/v3/hyperframes/renders", JSON.stringify(body), { "content-type": "application/json" }),
    );
  }

  async getRender(id: string): Promise<RenderDetail> {
    return this.json(await this.request("GET", `/v3/hyperframes/renders/${id}`));
  }

  /** Upload a project zip, render it with `fields`, and wait for the end. */
  async renderZip(
    zip: Uint8Array,
    fields: Record<string, unknown> = {},
    onProgress?: (r: RenderDetail) => void,
  ): Promise<RenderDetail> {
    const { asset_id } = await this.uploadZip(zip);
    const { render_id } = await this.createRender({ project: { type: "asset_id", asset_id }, ...fields });
    return this.waitForRender(render_id, onProgress);
  }

  /** Polls (every `pollMs`) until the render ends; `onProgress` sees every poll. */
  async waitForRender(
    id: string,
    onProgress: (r: RenderDetail) => void = () => {},
    timeoutMs = 10 * 60_000,
    pollMs = 500,
  ): Promise<RenderDetail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const render = await this.getRender(id);
      onProgress(render);
      if (render.status === "completed" || render.status === "failed") return render;
      if (Date.now() > deadline) throw new Error(`render ${id} still ${render.status} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * Follows the render's event stream (SSE) until it ends, then reads the render once. Unlike
   * polling, it adds no requests while the render runs, so a benchmark's client does not load
   * the machine it measures, and the end is seen the moment the service reports it.
   */
  async watchRender(id: string, onProgress: (r: Pick<RenderDetail, "status" | "progress" | "eta_seconds">) => void = () => {}, timeoutMs = 10 * 60_000): Promise<RenderDetail> {
    const abort = AbortSignal.timeout(timeoutMs);
    const res = await fetch(`${this.opts.apiUrl}/v3/hyperframes/renders/${id}/events`, { headers: { "x-api-key": this.opts.apiKey }, signal: abort });
    if (!res.ok || !res.body) throw new Error(`events of render ${id}: ${res.status} ${await res.text()}`);
    const events = sseReader(res);
    try {
      for (let event = await events.next(); event; event = await events.next()) {
        onProgress(event.data as Pick<RenderDetail, "status" | "progress" | "eta_seconds">);
        if (event.data.status === "completed" || event.data.status === "failed") break;
      }
    } finally {
      await events.close();
    }
    return this.getRender(id);
  }
}
