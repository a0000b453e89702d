// Finding every process a local stack started, from /proc. A stack marks its children with
// REELFLARE_STACK_ID in their environment (wrangler, workerd, the encoder, FFmpeg inherit it).
// Miniflare launches Chromium with a bare environment; the browser shim
// (scripts/setup/system.sh) puts the marker back, so the browser and its crash handlers carry
// it. The browser's helpers (zygotes, renderers, GPU) start with an empty environment: they
// are found as members of the browser's session.
import fs from "node:fs/promises";

export const STACK_ENV = "REELFLARE_STACK_ID";

export interface StackProcess {
  pid: number;
  ppid: number;
  /** Process group and session: Chromium's helpers share the browser's. */
  pgid: number;
  sid: number;
  /** The executable's name as the kernel shows it (e.g. "chromium", "ffmpeg", "workerd"). */
  name: string;
  command: string;
}

/** `REELFLARE_STACK_ID=<id>`: what a stack's processes carry in their environment. */
/** A Chromium process: the browser, its helpers and crash handlers (run from /usr/lib/chromium/). */
export function isChromium(p: StackProcess): boolean {
  return p.name === "chromium" || p.command.startsWith("/usr/lib/chromium/");
}

export function stackMarker(id: string): string {
  return `${STACK_ENV}=${id}`;
}

interface ProcEntry extends StackProcess {
  marked: boolean;
}

async function readProc(pid: number, marker: string): Promise<ProcEntry | null> {
  try {
    const [stat, cmdline, environ] = await Promise.all([
      fs.readFile(`/proc/${pid}/stat`, "utf8"),
      fs.readFile(`/proc/${pid}/cmdline`, "utf8"),
      fs.readFile(`/proc/${pid}/environ`, "utf8").catch(() => ""),
    ]);
    // The name sits in parentheses and may hold spaces; the fields after it are fixed.
    const close = stat.lastIndexOf(")");
    const [state, ppid, pgid, sid] = stat.slice(close + 2).split(" ");
    if (state === "Z") return null; // a zombie is already dead, only not yet reaped
    const args = cmdline.split("\0").filter(Boolean);
    return {
      pid,
      ppid: Number(ppid),
      pgid: Number(pgid),
      sid: Number(sid),
      name: stat.slice(stat.indexOf("(") + 1, close),
      command: args.join(" "),
      marked: environ.split("\0").includes(marker),
    };
  } catch {
    return null; // gone while we looked
  }
}

/**
 * Every live process of the stack whose marker is `marker` (`REELFLARE_STACK_ID=<id>`): those
 * that carry it, the members of process groups and sessions led by one that carries it, and
 * their descendants. Never this process.
 */
export async function listStackProcesses(marker: string): Promise<StackProcess[]> {
  // An empty or partial marker would match every process on the machine.
  if (!new RegExp(`^${STACK_ENV}=[0-9a-f]{8,}$`).test(marker)) throw new Error(`not a stack marker: '${marker}'`);
  const pids = (await fs.readdir("/proc").catch(() => [] as string[])).filter((p) => /^\d+$/.test(p)).map(Number);
  const all = (await Promise.all(pids.map((pid) => readProc(pid, marker)))).filter(
    (p): p is ProcEntry => p !== null && p.pid !== process.pid,
  );
  const found = new Map(all.filter((p) => p.marked).map((p) => [p.pid, p]));
  const leaders = new Set(found.keys());
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (found.has(p.pid)) continue;
      if (leaders.has(p.pgid) || leaders.has(p.sid) || found.has(p.ppid)) {
        found.set(p.pid, p);
        grew = true;
      }
    }
  }
  return [...found.values()].map(({ marked: _, ...p }) => p);
}

/** SIGKILLs every process of the stack, again until none is left (a dying parent may still
 *  have started one); resolves with what remains after `timeoutMs` (nothing, normally). */
export async function killStackProcesses(marker: string, timeoutMs = 10_000): Promise<StackProcess[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = await listStackProcesses(marker);
    if (!left.length || Date.now() > deadline) return left;
    for (const p of left) {
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
