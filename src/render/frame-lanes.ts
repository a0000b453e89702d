// Frames captured by more than one page at once, written in order. A page's frame passes
// through three processes in turn (the page's renderer, the compositor, the browser's JPEG
// encoder), each idle while the others work; a second page posed meanwhile keeps them busy.
// Measured by `npm run bench`: two pages in one browser take a 1080p frame every 21 ms against
// 33 ms for one, for the same CPU per frame.
//
// Each lane takes the next frame not yet taken, so a lane that joins late (its page still
// loading) or runs slow simply takes fewer. Frames are written in order as soon as the frame
// before them is; a lane waits rather than run more than `maxAhead` frames past the oldest
// frame not yet written.

export interface LaneWork<L> {
  /** First frame and one past the last. */
  first: number;
  end: number;
  maxAhead: number;
  capture(lane: L, frame: number): Promise<Uint8Array>;
  write(frame: number, image: Uint8Array): Promise<void>;
}

/**
 * Captures `work.first`…`work.end - 1` on `lane`, and on each of `others` too once it is ready
 * (null: not there). Rejects with the first failure; the other lanes stop at their next frame.
 */
export async function captureInLanes<L>(lane: L, others: Promise<L | null>[], work: LaneWork<L>): Promise<void> {
  const ready = new Map<number, Uint8Array>();
  let nextToTake = work.first;
  let nextToWrite = work.first;
  let failure: unknown = null;
  let waiters: (() => void)[] = [];
  const wakeAll = () => {
    const woken = waiters;
    waiters = [];
    for (const wake of woken) wake();
  };
  let writing = Promise.resolve();
  // One writer at a time, in frame order; every lane's capture hands its frame here.
  const drain = () =>
    (writing = writing.then(async () => {
      while (failure === null && ready.has(nextToWrite)) {
        const image = ready.get(nextToWrite)!;
        ready.delete(nextToWrite);
        await work.write(nextToWrite, image);
        nextToWrite++;
        wakeAll();
      }
    }));

  const run = async (l: L) => {
    try {
      while (failure === null) {
        const frame = nextToTake;
        if (frame >= work.end) return;
        nextToTake++;
        while (failure === null && frame - nextToWrite > work.maxAhead) await new Promise<void>((wake) => waiters.push(wake));
        if (failure !== null) return;
        ready.set(frame, await work.capture(l, frame));
        await drain();
      }
    } catch (err) {
      failure ??= err;
      wakeAll();
      throw err;
    }
  };

  const first = run(lane);
  // A lane that is not ready by the time the first has taken every frame is not waited for.
  const firstDone = first.then(() => null, () => null);
  const more = others.map((other) =>
    Promise.race([other.catch(() => null), firstDone]).then((l) => (l !== null && failure === null && nextToTake < work.end ? run(l) : undefined)),
  );
  // The first failure ends the wait; another lane's own failure (its page closed under it) is
  // then of no interest.
  await Promise.all([first, ...more]);
  await writing;
  if (failure !== null) throw failure;
}
