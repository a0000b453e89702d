// A minimal client of the varg cloud render API (/api), as a varg user's script would call it:
// submit TSX, poll the job. Used by `npm start` and the end-to-end tests.
import type { ClientOptions } from "./api-client.ts";

export interface VargJob {
  job_id: string;
  status: "rendering" | "completed" | "failed";
  progress: number;
  output_url: string | null;
  thumbnail_url: string | null;
  files: Array<{ url: string; mediaType: string; metadata: Record<string, unknown>; clipIndex?: number }>;
  duration_ms: number | null;
  estimated_duration_ms: number | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  error?: string;
  error_category?: string;
  stage?: "generating" | "rendering";
  generation?: { done: number; total: number };
}

export interface SubmitFields {
  output?: "video" | "frames";
  mode?: "strict" | "preview";
  providerKeys?: Record<string, string>;
}

export class VargClient {
  private readonly opts: ClientOptions;

  constructor(opts: ClientOptions) {
    this.opts = opts;
  }

  request(method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.opts.apiUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.opts.apiKey}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async submit(body: SubmitFields & { code: string }): Promise<{ job_id: string }> {
    const res = await this.request("POST", "/api/render", body);
    const json = (await res.json()) as { job_id: string; error?: string; message?: string };
    if (res.status !== 202) throw new Error(`${res.status} ${json.error}: ${json.message}`);
    return json;
  }

  async job(id: string): Promise<VargJob> {
    const res = await this.request("GET", `/api/render/jobs/${id}`);
    if (!res.ok) throw new Error(`${res.status}: ${await res.text()}`);
    return (await res.json()) as VargJob;
  }

  async waitForJob(id: string, onPoll: (job: VargJob) => void = () => {}, timeoutMs = 10 * 60_000): Promise<VargJob> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const job = await this.job(id);
      onPoll(job);
      if (job.status !== "rendering") return job;
      if (Date.now() > deadline) throw new Error(`job ${id} still rendering after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 500));
    }
  }

  /** Submit and wait. */
  async render(code: string, fields: SubmitFields = {}, onPoll?: (job: VargJob) => void): Promise<VargJob> {
    const { job_id } = await this.submit({ code, ...fields });
    return this.waitForJob(job_id, onPoll);
  }
}
