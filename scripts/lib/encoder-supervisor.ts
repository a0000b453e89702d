// The local encoder process, supervised as the platform supervises a Container: when it exits
// unexpectedly it is started again on the same port, so the next request reaches a fresh one
// (src/encoder/local-container.ts tells the Container class that it went away). Like a
// container, it dies whole: FFmpeg jobs it left behind are killed and its temporary files go.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import path from "node:path";
import { projectRoot } from "./paths.ts";

export interface EncoderOptions {
  port: number;
  env: NodeJS.ProcessEnv;
  /** The encoder's own temporary directory (emptied when it dies, removed on stop). */
  tmpDir: string;
  /** Called with each child as it starts (e.g. to pipe its output). */
  onStart(child: ChildProcess): void;
  log(line: string): void;
}

export interface SupervisedEncoder {
  /** The running encoder process's pid (null while it is being restarted). */
  pid(): number | null;
  /** How many times it was started again after an unexpected exit. */
  restarts(): number;
  /** Stops it for good (no restart): SIGTERM, then SIGKILL after 5 s. */
  stop(): Promise<void>;
  /** The current process, e.g. to wait for it to answer. */
  child(): ChildProcess | null;
}

/** A crash right after starting waits longer before the next try (up to this). */
const MAX_RESTART_DELAY_MS = 5_000;
const FIRST_RESTART_DELAY_MS = 100;
/** A process that ran this long counts as having started well: the delay starts over. */
const STABLE_AFTER_MS = 10_000;

export async function superviseEncoder(opts: EncoderOptions): Promise<SupervisedEncoder> {
  await fs.mkdir(opts.tmpDir, { recursive: true });
  let current: ChildProcess | null = null;
  let stopped = false;
  let restarts = 0;
  let delay = FIRST_RESTART_DELAY_MS;
  let restartTimer: ReturnType<typeof setTimeout> | undefined;

  const launch = () => {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [path.join(projectRoot, "containers/encoder/server.ts")], {
      cwd: projectRoot,
      env: { ...opts.env, PORT: String(opts.port), HOST: "127.0.0.1", TMPDIR: opts.tmpDir },
      // Its own process group: the encoder and its FFmpeg children go together, like a container.
      detached: true,
    });
    current = child;
    opts.onStart(child);
    child.once("exit", (code, signal) => {
      if (current === child) current = null;
      // Whatever the encoder left running (FFmpeg keeps going once its parent is gone).
      killGroup(child.pid);
      if (stopped) return;
      delay = Date.now() - startedAt > STABLE_AFTER_MS ? FIRST_RESTART_DELAY_MS : Math.min(delay * 2, MAX_RESTART_DELAY_MS);
      opts.log(`[encoder] exited unexpectedly (${signal ?? `code ${code}`}); starting it again in ${delay} ms`);
      restartTimer = setTimeout(async () => {
        // Half-written segments of the dead process are nobody's now.
        await emptyDir(opts.tmpDir);
        if (stopped) return;
        restarts += 1;
        launch();
      }, delay);
    });
  };
  launch();

  return {
    pid: () => current?.pid ?? null,
    restarts: () => restarts,
    child: () => current,
    async stop() {
      stopped = true;
      clearTimeout(restartTimer);
      const child = current;
      if (child && child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        const timer = setTimeout(() => killGroup(child.pid), 5_000);
        try {
          process.kill(-child.pid!, "SIGTERM");
        } catch {
          child.kill("SIGTERM");
        }
        await exited;
        clearTimeout(timer);
      }
      await fs.rm(opts.tmpDir, { recursive: true, force: true });
    },
  };
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // the group is already empty
  }
}

async function emptyDir(dir: string): Promise<void> {
  for (const entry of await fs.readdir(dir).catch(() => [] as string[])) {
    await fs.rm(path.join(dir, entry), { recursive: true, force: true });
  }
}
