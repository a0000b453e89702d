// A render can end while one of its steps still runs: deleted by its owner, or failed by
// another step or the watchdog. The step must then stop within seconds — close its browser,
// drop its encoder request (the encoder kills FFmpeg when the client goes) — and leave no
// files behind (RenderJob.discardFilesIfFailed once it has stopped writing). Steps learn of it
// by asking their RenderJob every half second.

export const WATCH_INTERVAL_MS = 500;

export class RenderOver extends Error {
  constructor() {
    super("the render is over (deleted or failed elsewhere)");
  }
}

export interface RenderWatch {
  /** Aborted (with a RenderOver) once the render is over. */
  readonly signal: AbortSignal;
  /** Settles as `work` does, or rejects with the RenderOver as soon as the render is over. */
  race<T>(work: Promise<T>): Promise<T>;
  stop(): void;
}

/** Polls `isOver` every `intervalMs` until stopped; a RenderJob that cannot be reached once is
 *  asked again at the next tick. */
export function watchRender(isOver: () => Promise<boolean>, intervalMs = WATCH_INTERVAL_MS): RenderWatch {
  const controller = new AbortController();
  let asking = false;
  const timer = setInterval(async () => {
    if (asking || controller.signal.aborted) return;
    asking = true;
    try {
      if (await isOver()) controller.abort(new RenderOver());
    } catch {
      // not reachable this time
    } finally {
      asking = false;
    }
  }, intervalMs);
  const signal = controller.signal;
  signal.addEventListener("abort", () => clearInterval(timer), { once: true });
  const over = new Promise<never>((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
  over.catch(() => {});
  return {
    signal,
    race: (work) => {
      work.catch(() => {}); // it may still settle after the render is over
      return Promise.race([work, over]);
    },
    stop: () => clearInterval(timer),
  };
}
