// Frames the compositor pushes (Page.startScreencast), as a cheaper source of captures than
// Page.captureScreenshot: the screenshot asks the compositor for one more frame and a copy of
// it; the screencast hands over the frame it drew anyway. Measured by `npm run bench`: about
// 0.6× the Chromium CPU per frame.
//
// A pushed frame carries no "which pose" label, so it is taken only where nothing else can
// have drawn it: the page changed only through the pose just made (the driver says "moved"),
// no frame arrived since the last one taken (nothing drew on its own), and a frame arrives
// soon after the pose. Anything else — a frame out of turn, a pose with nothing new to draw, a
// late frame — is a lapse: that pose gets a screenshot, and the feed picks up again once the
// page has been quiet for a moment (frames in flight then belong to no pose). A restless page,
// a page that never goes quiet, or lapses past a budget stop the screencast for the rest of the
// session, and screenshots take over.
import type { CDPSession } from "@cloudflare/puppeteer";
import { fromBase64 } from "../lib/base64.ts";

/** How long a pose's frame may take to arrive before the screencast is given up on. */
const FRAME_WAIT_MS = 250;
/**
 * How much earlier than the pose's start a pushed frame's timestamp may be and still be the
 * pose's. The timestamp is the frame's time as the compositor planned it, which can precede the
 * pose when the frame was begun while the pose's script ran. With two pages capturing at once,
 * 17 of 300 frames were stamped up to 26 ms before their pose, yet were exactly the pose
 * (bit-identical to screenshots, two runs); a frame of the page's previous pose, begun one
 * pose earlier (50 ms or more on two pages), is still turned away.
 */
const EARLY_STAMP_MS = 30;
/** The page counts as quiet after this long without a pushed frame… */
const QUIET_MS = 150;
/** …and the screencast is given up on if it is not quiet within this. */
const START_MS = 1_500;
/** After a lapse the feed resumes once no frame came for this long (a stray frame later than
 *  that is caught by the next pose's checks), if the page is that quiet within RESUME_MS. */
const RESUME_QUIET_MS = 50;
const RESUME_MS = 500;
/** Lapses a session may have before the screencast is given up on, as a share of the frames
 *  it supplied (plus a few): each costs a screenshot and a short wait, so a page that lapses
 *  more often than that is cheaper on screenshots alone. */
const LAPSES_PER_FRAME = 1 / 8;
const FREE_LAPSES = 4;

export class ScreencastFeed {
  private count = 0;
  private taken = 0;
  private latest: string | null = null;
  /** When the latest frame was drawn (epoch ms), if the browser says. */
  private latestAt = 0;
  private wake: (() => void) | null = null;
  private stopped = false;
  /** Why the feed is paused since its last lapse (a screenshot per pose until it resumes). */
  private lapsed: string | null = null;
  /** Frames handed out for poses. */
  framesTaken = 0;
  /** Each lapse's reason, in order. */
  readonly lapses: string[] = [];

  private readonly cdp: CDPSession;

  private constructor(cdp: CDPSession) {
    this.cdp = cdp;
  }

  /** Starts the screencast and waits for its first frame (the page as it is); null when the
   *  frames are not the size expected (the screencast may scale them). */
  static async start(cdp: CDPSession, quality: number, size: { width: number; height: number }): Promise<ScreencastFeed | null> {
    const feed = new ScreencastFeed(cdp);
    cdp.on("Page.screencastFrame", (event) => {
      cdp.send("Page.screencastFrameAck", { sessionId: event.sessionId }).catch(() => {});
      if (feed.stopped) return;
      feed.count++;
      feed.latest = event.data;
      feed.latestAt = (event.metadata.timestamp ?? 0) * 1000;
      feed.wake?.();
    });
    await cdp.send("Page.startScreencast", { format: "jpeg", quality, everyNthFrame: 1 });
    const first = await feed.frameAfter(0, 1_000);
    // The start may push a frame or two more (the page as painted then): none is a pose's.
    // Started only once the page is quiet (no frame for QUIET_MS, within START_MS).
    if (!(await feed.quietWithin(QUIET_MS, START_MS))) {
      feed.stop("the page kept drawing by itself");
      return null;
    }
    const dims = first === null ? null : jpegSize(fromBase64(first));
    if (!dims || dims.width !== size.width || dims.height !== size.height) {
      feed.stop(dims ? `frames are ${dims.width}×${dims.height}` : "no first frame");
      return null;
    }
    feed.taken = feed.count;
    return feed;
  }

  get active(): boolean {
    return !this.stopped && this.lapsed === null;
  }

  /** Before a pose. A frame that arrived since the last one taken is a lapse (something drew
   *  by itself); after a lapse the feed resumes once the page is quiet. */
  async readyForPose(): Promise<void> {
    if (this.stopped) return;
    if (this.lapsed === null && this.count !== this.taken) this.lapse("a frame arrived between poses");
    if (this.lapsed === null) return;
    if (!(await this.quietWithin(RESUME_QUIET_MS, RESUME_MS))) return this.stop(`the page kept drawing after a lapse (${this.lapsed})`);
    this.taken = this.count;
    this.lapsed = null;
  }

  /** The frame drawn for the pose that began at `posedAt` (epoch ms, the page's clock), as
   *  base64 JPEG, or null (a lapse: the pose needs a screenshot). */
  async frameForPose(posedAt: number): Promise<string | null> {
    if (!this.active) return null;
    const frame = await this.frameAfter(this.taken, FRAME_WAIT_MS);
    // Exactly one frame for the pose, drawn after it began: anything else means something else
    // drew too, or the frame is an old one.
    if (frame === null) {
      // Nothing new to draw (a change too small to show), or a slow browser.
      this.lapse("no frame for a pose");
      return null;
    }
    if (this.count !== this.taken + 1 || !(this.latestAt >= posedAt - EARLY_STAMP_MS)) {
      this.lapse(this.count !== this.taken + 1 ? "two frames for a pose" : "a frame older than its pose");
      return null;
    }
    this.taken = this.count;
    this.framesTaken++;
    return frame;
  }

  /** Pauses the feed until the page is quiet again (see readyForPose); too many lapses stop it. */
  private lapse(reason: string): void {
    if (this.stopped) return;
    this.lapses.push(reason);
    if (this.lapses.length > FREE_LAPSES + this.framesTaken * LAPSES_PER_FRAME) {
      return this.stop(`${this.lapses.length} lapses in ${this.framesTaken} frames, the last: ${reason}`);
    }
    this.lapsed = reason;
  }

  /** Why the screencast stopped, if it did. */
  stoppedBecause: string | null = null;

  stop(reason = "stopped"): void {
    if (this.stopped) return;
    this.stopped = true;
    this.stoppedBecause = reason;
    this.wake?.();
    this.cdp.send("Page.stopScreencast").catch(() => {});
  }

  /** Waits until no frame has come for `quietMs`: false when the page is not that quiet within
   *  `withinMs`, or the feed stopped meanwhile. */
  private async quietWithin(quietMs: number, withinMs: number): Promise<boolean> {
    const until = Date.now() + withinMs;
    for (let seen = this.count; !this.stopped; seen = this.count) {
      await this.frameAfter(seen, quietMs);
      if (this.count === seen) return !this.stopped;
      if (Date.now() >= until) return false;
    }
    return false;
  }

  private async frameAfter(seen: number, ms: number): Promise<string | null> {
    const deadline = Date.now() + ms;
    while (this.count <= seen && !this.stopped) {
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return this.stopped ? null : this.latest;
  }
}

/** Width and height from a JPEG's start-of-frame marker, or null. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1]!;
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    // SOF0–SOF15, except DHT (C4), JPG (C8) and DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: (bytes[i + 5]! << 8) | bytes[i + 6]!, width: (bytes[i + 7]! << 8) | bytes[i + 8]! };
    }
    i += 2 + length;
  }
  return null;
}
