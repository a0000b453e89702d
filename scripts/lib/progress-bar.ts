// Render progress in the terminal: on a TTY one line redrawn in place, a bar with percent, ETA
// and what the render is doing; piped (CI, logs) a plain line whenever the status or the
// whole percent changes, so logs stay readable and short.
export interface ProgressUpdate {
  /** e.g. "queued", "rendering", "completed". */
  status: string;
  /** 0..1 */
  progress: number;
  /** The server's estimate, when it gives one; otherwise one is made from the rate so far. */
  etaSeconds?: number | null;
  /** Extra words after the status, e.g. "generating 2/5". */
  note?: string;
}

export interface ProgressBar {
  update(u: ProgressUpdate): void;
  /** Ends the bar's line (a TTY's line stays visible). */
  done(): void;
}

const WIDTH = 24;

/** The bar on screen now (a TTY line being redrawn), so other output can go above it. */
let onScreen: { out: NodeJS.WriteStream; line: string } | null = null;

/** Prints a line of other output without tearing a bar that is being drawn: above it. */
export function printAbove(text: string, out: NodeJS.WriteStream = process.stdout): void {
  if (!onScreen) {
    out.write(`${text}\n`);
    return;
  }
  onScreen.out.write("\r\x1b[2K");
  out.write(`${text}\n`);
  onScreen.out.write(onScreen.line);
}

/** "12 s", "3 min 05 s". */
export function formatSeconds(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** The bar's text for one update (exported for tests and reuse). */
export function barLine(label: string, u: ProgressUpdate, eta: number | null): string {
  const p = Math.min(1, Math.max(0, u.progress));
  const filled = Math.round(p * WIDTH);
  const bar = `[${"█".repeat(filled)}${"░".repeat(WIDTH - filled)}]`;
  const etaText = eta !== null && u.status !== "completed" && u.status !== "failed" ? ` · eta ${formatSeconds(eta)}` : "";
  return `${label} ${bar} ${String(Math.floor(p * 100)).padStart(3)}% ${u.status}${u.note ? ` ${u.note}` : ""}${etaText}`;
}

export function progressBar(label: string, out: NodeJS.WriteStream = process.stdout, now: () => number = () => performance.now()): ProgressBar {
  const tty = out.isTTY === true;
  let lastPlain = "";
  let drawn = false;
  let first: { at: number; progress: number } | null = null;
  const estimate = (p: number): number | null => {
    if (p <= 0) return null;
    if (!first) first = { at: now(), progress: p };
    const rate = (p - first.progress) / (now() - first.at);
    return rate > 0 ? (1 - p) / rate / 1000 : null;
  };
  return {
    update(u) {
      const eta = u.etaSeconds ?? estimate(u.progress);
      if (tty) {
        const line = barLine(label, u, eta).slice(0, Math.max(20, (out.columns ?? 100) - 1));
        out.write(`\r\x1b[2K${line}`);
        onScreen = { out, line };
        drawn = true;
        return;
      }
      // Piped: one line per status or whole-percent change (an ETA alone changes every poll).
      const plain = `${label} ${u.status}${u.note ? ` ${u.note}` : ""} ${Math.floor(u.progress * 100)}%`;
      if (plain === lastPlain) return;
      lastPlain = plain;
      out.write(`${plain}${eta !== null && u.status === "rendering" ? ` (eta ${formatSeconds(eta)})` : ""}\n`);
    },
    done() {
      if (tty && drawn) out.write("\n");
      drawn = false;
      onScreen = null;
    },
  };
}
