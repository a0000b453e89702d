// Boots the whole service locally on its embedded defaults: system dependencies, a signing
// secret, D1 migrations, a development API key, the encoder process (standing in for the
// Container, restarted when it dies as the platform would) and `wrangler dev` (Miniflare: D1,
// R2, DOs, Queues, browser binding). Used by `npm start` and by the end-to-end tests.
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { projectRoot, toolEnv } from "./paths.ts";
import { applyMigrations, type D1Target } from "./d1-local.ts";
import { createKey, keyIsActive } from "./key-store.ts";
import { superviseEncoder, type SupervisedEncoder } from "./encoder-supervisor.ts";
import { killStackProcesses, listStackProcesses, stackMarker, STACK_ENV, type StackProcess } from "./stack-processes.ts";

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
  /** Extra environment for the encoder process (e.g. X264_STANDARD, as a container's envVars). */
  encoderEnv?: Record<string, string>;
  /** Where child process output goes; defaults to this process's stderr. */
  log?: (line: string) => void;
  /** Aborting it while the stack boots stops what was started (e.g. Ctrl-C during `npm start`). */
  signal?: AbortSignal;
}

export interface LocalStack {
  apiUrl: string;
  apiKey: string;
  /** `REELFLARE_STACK_ID=<id>`: every process of this stack carries it (see stack-processes.ts). */
  marker: string;
  /** Stops every process of the stack; safe to call again, and at any moment. */
  stop(): Promise<void>;
  /** Every process of this stack now running: wrangler, workerd, encoder, FFmpeg, Chromium. */
  processes(): Promise<StackProcess[]>;
  /** The encoder process's pid (null while it is being started again). */
  encoderPid(): number | null;
  /** Kills the encoder process as a crash would (SIGKILL); resolves with the pid it killed. */
  killEncoder(): Promise<number>;
  /** How many times the encoder was started again after dying. */
  encoderRestarts(): number;
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

async function waitForHttp(url: string, child: () => ChildProcess | null, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    const exitCode = child()?.exitCode ?? null;
    if (exitCode !== null) throw new Error(`${url}: process exited with code ${exitCode}`);
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

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    }, 5_000);
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

/** Throws when something already listens on `port`: a stack left running there would answer
 *  this one's requests (with its own keys) and make a working stack look broken. */
async function ensurePortFree(port: number, what: string): Promise<void> {
  const taken = await new Promise<boolean>((resolve) => {
    const socket = net.connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
  if (taken) throw new Error(`port ${port} (the ${what}) is already in use: is another reelflare stack still running? Stop it, or choose another port`);
}

export async function startLocalStack(opts: StackOptions): Promise<LocalStack> {
  const log = opts.log ?? ((line: string) => process.stderr.write(line + "\n"));
  await ensurePortFree(opts.port, "API");
  await ensurePortFree(opts.encoderPort, "encoder");
  await ensureSystemDependencies();
  await ensureDevVars();
  const target: D1Target = { persistTo: opts.persistTo };
  await applyMigrations(target);
  const apiKey = await ensureDevKey(target, path.join(opts.persistTo, "..", "dev-key.json"));

  // Every process of this stack carries this marker (Chromium through the browser shim: see
  // stack-processes.ts), so none can be left behind by stop().
  const stackId = randomBytes(8).toString("hex");
  const marker = stackMarker(stackId);
  const markedEnv = (env: NodeJS.ProcessEnv) => ({ ...env, [STACK_ENV]: stackId });
  const children: ChildProcess[] = [];
  let encoder: SupervisedEncoder | null = null;
  const stopAll = async () => {
    await Promise.all([encoder?.stop(), ...children.map(stopChild)]);
    // Whatever outlived its parent: browsers Miniflare did not close, orphaned FFmpeg jobs.
    const left = await killStackProcesses(marker);
    if (left.length) log(`[stack] could not stop: ${left.map((p) => `${p.pid} ${p.name}`).join(", ")}`);
  };
  let stopping: Promise<void> | null = null;
  const stop = () => (stopping ??= stopAll());
  opts.signal?.addEventListener("abort", () => void stop(), { once: true });
  try {
    opts.signal?.throwIfAborted();
    encoder = await superviseEncoder({
      port: opts.encoderPort,
      env: markedEnv({ ...process.env, ...opts.encoderEnv }),
      tmpDir: path.join(os.tmpdir(), `reelflare-encoder-${stackId}`),
      onStart: (child) => pipeOutput(child, "encoder", log),
      log,
    });
    const supervised = encoder;
    await waitForHttp(`http://127.0.0.1:${opts.encoderPort}/healthz`, () => supervised.child(), 15_000, opts.signal);

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
        // The chunk planner's local cost model: browsers and FFmpeg share these cores.
        "--var",
        `LOCAL_CORES:${os.cpus().length}`,
        ...Object.entries(opts.vars ?? {}).flatMap(([k, v]) => ["--var", `${k}:${v}`]),
        "--show-interactive-dev-session=false",
      ],
      { cwd: projectRoot, env: markedEnv(toolEnv()), detached: true },
    );
    children.push(wrangler);
    pipeOutput(wrangler, "worker", log);
    const apiUrl = `http://127.0.0.1:${opts.port}`;
    await waitForHttp(`${apiUrl}/healthz`, () => wrangler, 90_000, opts.signal);
    return {
      apiUrl,
      apiKey,
      marker,
      stop,
      processes: () => listStackProcesses(marker),
      encoderPid: () => supervised.pid(),
      encoderRestarts: () => supervised.restarts(),
      async killEncoder() {
        const pid = supervised.pid();
        if (pid === null) throw new Error("the encoder is not running (it is being started again)");
        process.kill(pid, "SIGKILL");
        return pid;
      },
    };
  } catch (err) {
    // Again after any stop() still running: a process may have been started meanwhile.
    await stopping;
    await stopAll();
    throw err;
  }
}
