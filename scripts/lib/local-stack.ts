// Boots the whole service locally on its embedded defaults: system dependencies, a signing
// secret, D1 migrations, a development API key, the encoder process (standing in for the
// Container) and `wrangler dev` (Miniflare: D1, R2, DOs, Queues, browser binding).
// Used by `npm start` and by the end-to-end tests.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { projectRoot, toolEnv } from "./paths.ts";
import { applyMigrations, type D1Target } from "./d1-local.ts";
import { createKey, keyIsActive } from "./key-store.ts";

const run = promisify(execFile);

export interface StackOptions {
  /** Port of the API (wrangler dev). */
  port: number;
  /** Port of the local encoder process. */
  encoderPort: number;
  /** Miniflare state directory; the dev key file is kept beside it. */
  persistTo: string;
  /** Extra `[vars]` for the Worker (e.g. shorter webhook backoff in tests). */
  vars?: Record<string, string>;
  /** Where child process output goes; defaults to this process's stderr. */
  log?: (line: string) => void;
}

export interface LocalStack {
  apiUrl: string;
  apiKey: string;
  stop(): Promise<void>;
}

export async function ensureSystemDependencies(): Promise<void> {
  await run("bash", [path.join(projectRoot, "scripts/setup/system.sh")], { cwd: projectRoot });
}

/** `.dev.vars` holds local secrets; generated once, never committed. */
export async function ensureDevVars(): Promise<void> {
  const file = path.join(projectRoot, ".dev.vars");
  const current = await fs.readFile(file, "utf8").catch(() => "");
  if (/^SIGNING_SECRET=.{16,}$/m.test(current)) return;
  const line = `SIGNING_SECRET=${randomBytes(32).toString("hex")}\n`;
  await fs.writeFile(file, current + (current && !current.endsWith("\n") ? "\n" : "") + line, { mode: 0o600 });
}

/** The development account's key, created at first start and kept in `<persistTo>/../dev-key.json`. */
export async function ensureDevKey(target: D1Target, keyFile: string): Promise<string> {
  const saved = await fs
    .readFile(keyFile, "utf8")
    .then((t) => JSON.parse(t) as { key: string })
    .catch(() => null);
  if (saved && (await keyIsActive(target, saved.key))) return saved.key;
  const created = await createKey(target, { account: "development", name: "dev" });
  await fs.mkdir(path.dirname(keyFile), { recursive: true });
  await fs.writeFile(keyFile, JSON.stringify({ ...created, createdAt: new Date().toISOString() }, null, 2), {
    mode: 0o600,
  });
  return created.key;
}

function pipeOutput(child: ChildProcess, name: string, log: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    let buffered = "";
    stream?.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split("\n");
      buffered = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) log(`[${name}] ${line}`);
    });
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${url}: process exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

/**
 * Kills every process carrying `marker` in its environment. Miniflare starts Chromium in its
 * own process group, so a browser can outlive wrangler; it inherits the marker, though.
 */
async function killProcessesMarked(marker: string): Promise<void> {
  for (const pid of await fs.readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const environ = await fs.readFile(`/proc/${pid}/environ`, "utf8").catch(() => "");
    if (environ.split("\0").includes(marker)) {
      try {
        process.kill(Number(pid), "SIGKILL");
      } catch {
        // already gone
      }
    }
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    // Negative pid: the whole process group (wrangler starts workerd and Chromium).
    try {
      process.kill(-child.pid!, "SIGTERM");
    } catch {
      child.kill("SIGTERM");
    }
  });
}

export async function startLocalStack(opts: StackOptions): Promise<LocalStack> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  await ensureSystemDependencies();
  await ensureDevVars();
  const target: D1Target = { persistTo: opts.persistTo };
  await applyMigrations(target);
  const apiKey = await ensureDevKey(target, path.join(opts.persistTo, "..", "dev-key.json"));

  // Every process of this stack inherits this marker, so none can be left behind by stop().
  const marker = `REELFLARE_STACK_ID=${randomBytes(8).toString("hex")}`;
  const markedEnv = (env: NodeJS.ProcessEnv) => ({ ...env, REELFLARE_STACK_ID: marker.split("=")[1] });
  const children: ChildProcess[] = [];
  const stop = async () => {
    await Promise.all(children.map(stopChild));
    await killProcessesMarked(marker);
  };
  try {
    const encoder = spawn(process.execPath, [path.join(projectRoot, "containers/encoder/server.ts")], {
      cwd: projectRoot,
      env: markedEnv({ ...process.env, PORT: String(opts.encoderPort), HOST: "127.0.0.1" }),
      detached: true,
    });
    children.push(encoder);
    pipeOutput(encoder, "encoder", log);
    await waitForHttp(`http://127.0.0.1:${opts.encoderPort}/healthz`, encoder, 15_000);

    const wrangler = spawn(
      path.join(projectRoot, "node_modules/.bin/wrangler"),
      [
        "dev",
        "--port",
        String(opts.port),
        "--ip",
        "127.0.0.1",
        "--persist-to",
        opts.persistTo,
        "--var",
        `ENCODER_LOCAL_ORIGIN:http://127.0.0.1:${opts.encoderPort}`,
        // Local development: webhooks and project URLs may target this machine.
        "--var",
        "ALLOW_LOCAL_URLS:true",
        ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
        "--show-interactive-dev-session=false",
      ],
      { cwd: projectRoot, env: markedEnv(toolEnv()), detached: true },
    );
    children.push(wrangler);
    pipeOutput(wrangler, "worker", log);
    const apiUrl = `http://127.0.0.1:${opts.port}`;
    await waitForHttp(`${apiUrl}/healthz`, wrangler, 90_000);
    return { apiUrl, apiKey, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
