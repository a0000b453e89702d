// Watches one composition page for what a broken or hostile page can do to a render, and tells
// the page's own faults (CompositionError: the render fails at once) from the browser's (plain
// errors: the step is retried).
// - Dialogs (alert, confirm, prompt, beforeunload) are dismissed and kept as warnings, and so
//   are navigations the page driver cancelled (reported through a binding) or the request
//   sandbox refused (browser-session.ts), and popups (popup-sandbox.ts).
// - A navigation that commits anyway (going back in history) is the page's fault.
// - Memory is sampled over CDP while the page lives, and a page past the limit is stopped.
//   This is what works on Browser Rendering, where no Chromium flag can be passed; locally the
//   browser also caps V8's heap and each process's writable memory (scripts/setup/system.sh).
// - A renderer crash is the page's fault only once its memory had grown large.
// - A step that does not finish in time is explained: a page busy in its own script, a page
//   waiting for something that never comes, or a server of ours that did not deliver.
import type { Browser, CDPSession } from "@cloudflare/puppeteer";
import { CompositionError } from "./composition-error.ts";
import { capturePrefix } from "./capture-url.ts";
import { NAVIGATION_NOTICE } from "./page-driver.ts";

const MB = 1024 * 1024;
/** A page whose script heap and array buffers grow past this is stopped: compositions need a
 *  fraction of it, and a page that grows without end would take the browser down with it. */
export const PAGE_MEMORY_LIMIT_MB = 512;
/** A renderer crash after the page's memory reached this is blamed on the page. */
const CRASH_EVIDENCE_MB = PAGE_MEMORY_LIMIT_MB / 4;
/** Often enough to see a blow-up of a GB a second on its way to V8's own limit. */
const SAMPLE_MS = 250;
/** A project file still in flight after this was not delivered by our side: not the page's fault. */
const UNDELIVERED_MS = 10_000;
/** How long the page or the browser gets to answer "are you there?". */
const ANSWER_MS = 3_000;
/** A protocol error can arrive just before the event that explains it (a crash, a navigation). */
const EVENT_GRACE_MS = 300;
/** Distinct warnings kept: a page may open a dialog on every frame. */
const MAX_WARNINGS = 20;

type Answer = "answered" | "silent" | { failed: string };

export class PageGuard {
  /** Dismissed dialogs and refused navigations, as render warnings. */
  readonly warnings = new Set<string>();
  /** Rejects with the first fault of the page or the browser. */
  readonly faulted: Promise<never>;

  private readonly browser: Browser;
  private readonly cdp: CDPSession;
  private readonly pageUrl: string;
  private fault: Error | null = null;
  private reject: (err: Error) => void = () => {};
  private committed = false;
  private closed = false;
  private peakBytes = 0;
  private sampler: ReturnType<typeof setInterval> | undefined;
  private readonly pending = { heap: false, usage: false };
  private readonly inFlight = new Map<string, { url: string; since: number }>();
  private requests = 0;
  private lastRequest = "";

  private constructor(browser: Browser, cdp: CDPSession, pageUrl: string) {
    this.browser = browser;
    this.cdp = cdp;
    this.pageUrl = pageUrl;
    this.faulted = new Promise<never>((_, reject) => (this.reject = reject));
    this.faulted.catch(() => {});
  }

  /** Starts watching; call before the composition is loaded. */
  static async watch(browser: Browser, cdp: CDPSession, pageUrl: string): Promise<PageGuard> {
    const guard = new PageGuard(browser, cdp, pageUrl);
    await guard.listen();
    return guard;
  }

  warn(warning: string): void {
    if (this.warnings.size < MAX_WARNINGS) this.warnings.add(warning);
  }

  /** A navigation of the page to `url` was refused: in the page, or at the network. */
  refusedNavigation(url: string): void {
    this.warn(`refused a navigation away from the composition (to ${this.projectPath(url)})`);
  }

  refusedPopup(url: string): void {
    this.warn(`refused a popup window (to ${this.projectPath(url)})`);
  }

  /**
   * `work` within `ms`, or the fault that stopped it. A late step is explained: a page busy in
   * its own script is at fault, and so is an idle page when `stuck` says what it waits for
   * (null: an idle page is not to blame).
   */
  async run<T>(work: Promise<T>, what: string, ms: number, stuck: (() => string) | null): Promise<T> {
    work.catch(() => {}); // it may still settle after the race
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), ms)));
    let outcome: { value: T } | "late";
    try {
      outcome = await Promise.race([work.then((value) => ({ value })), this.faulted, late]);
    } catch (err) {
      if (err instanceof CompositionError || err === this.fault) throw err;
      await pause(EVENT_GRACE_MS);
      throw this.fault ?? err;
    } finally {
      clearTimeout(timer);
    }
    if (outcome === "late") throw await this.explainLate(`${what} did not finish within ${ms / 1000} s`, stuck);
    return outcome.value;
  }

  /** What a page that never finished loading was doing, for `run`'s `stuck`. */
  loadingStatus(): string {
    const latest = this.lastRequest ? `, the latest for ${this.projectPath(this.lastRequest)}` : "";
    return `it was still loading (${this.requests} requests made${latest})`;
  }

  close(): void {
    this.closed = true;
    clearInterval(this.sampler);
    this.browser.off("disconnected", this.disconnected);
  }

  private async listen(): Promise<void> {
    const { cdp } = this;
    cdp.on("Page.javascriptDialogOpening", (e) => this.dismiss(e.type, e.message));
    cdp.on("Page.frameNavigated", (e) => this.navigated(e.frame.url, Boolean(e.frame.parentId)));
    cdp.on("Inspector.targetCrashed", () => this.crashed());
    cdp.on("Runtime.bindingCalled", (e) => e.name === NAVIGATION_NOTICE && this.refusedNavigation(e.payload));
    cdp.on("Network.requestWillBeSent", (e) => {
      this.requests++;
      this.lastRequest = e.request.url;
      this.inFlight.set(e.requestId, { url: e.request.url, since: Date.now() });
    });
    cdp.on("Network.loadingFinished", (e) => this.inFlight.delete(e.requestId));
    cdp.on("Network.loadingFailed", (e) => this.inFlight.delete(e.requestId));
    this.browser.on("disconnected", this.disconnected);
    await Promise.all([
      cdp.send("Page.enable"),
      cdp.send("Performance.enable"),
      // The page driver reports the navigations it cancels through this binding.
      cdp.send("Runtime.enable").then(() => cdp.send("Runtime.addBinding", { name: NAVIGATION_NOTICE })),
      // Only for knowing what is in flight: keep no response bodies.
      cdp.send("Network.enable", { maxTotalBufferSize: 0, maxResourceBufferSize: 0 }),
    ]);
    this.sampler = setInterval(() => this.sampleMemory(), SAMPLE_MS);
  }

  private trip(err: Error): void {
    if (this.fault || this.closed) return;
    this.fault = err;
    this.reject(err);
  }

  private readonly disconnected = () => this.trip(new Error("the browser disconnected"));

  private dismiss(type: string, message: string): void {
    // accept: false is "Cancel": confirm() gives false, prompt() null, beforeunload stays.
    this.cdp.send("Page.handleJavaScriptDialog", { accept: false }).catch(() => {});
    this.warn(
      type === "beforeunload"
        ? "dismissed a beforeunload dialog the page opened"
        : `dismissed a dialog the page opened: ${type}(${JSON.stringify(clip(message, 200))})`,
    );
  }

  private navigated(url: string, subframe: boolean): void {
    if (subframe) return;
    if (withoutHash(url) === withoutHash(this.pageUrl)) {
      this.committed = true;
    } else if (this.committed) {
      // Only navigations without a request get this far (about:blank, blob:): nothing to refuse.
      this.trip(new CompositionError(`the page navigated away from the composition (to ${clip(url, 200)})`));
    }
  }

  private crashed(): void {
    this.trip(
      this.peakBytes >= CRASH_EVIDENCE_MB * MB
        ? new CompositionError(`the page crashed after its memory grew to ${toMb(this.peakBytes)} MB (out of memory)`)
        : new Error("the page's renderer process crashed"),
    );
  }

  private sampleMemory(): void {
    // Performance metrics are answered even while the page's script runs (a blow-up inside one
    // long task); getHeapUsage only between tasks, but it counts array buffers (outside the heap).
    this.sample("heap", async () => {
      const { metrics } = await this.cdp.send("Performance.getMetrics");
      return metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0;
    });
    this.sample("usage", async () => {
      const usage = await this.cdp.send("Runtime.getHeapUsage");
      return usage.usedSize + ((usage as { backingStorageSize?: number }).backingStorageSize ?? 0);
    });
  }

  /** One question of each kind at a time: a busy page must not pile them up. */
  private sample(kind: "heap" | "usage", read: () => Promise<number>): void {
    if (this.pending[kind] || this.fault || this.closed) return;
    this.pending[kind] = true;
    read()
      .then((bytes) => this.observe(bytes))
      .catch(() => {})
      .finally(() => (this.pending[kind] = false));
  }

  private observe(bytes: number): void {
    this.peakBytes = Math.max(this.peakBytes, bytes);
    if (bytes <= PAGE_MEMORY_LIMIT_MB * MB) return;
    // Stop the runaway script now; the session closes the browser.
    this.cdp.send("Runtime.terminateExecution").catch(() => {});
    this.trip(
      new CompositionError(
        `the page's memory grew past the ${PAGE_MEMORY_LIMIT_MB} MB limit (${toMb(bytes)} MB of script heap and buffers): it was stopped`,
      ),
    );
  }

  private async explainLate(late: string, stuck: (() => string) | null): Promise<Error> {
    if (this.fault) return this.fault;
    const browser = await answer(this.browser.version());
    if (browser !== "answered") return new Error(`${late}: the browser ${describe(browser)}`);
    const page = await answer(this.cdp.send("Runtime.evaluate", { expression: "0" }));
    if (this.fault) return this.fault;
    if (page === "silent") return new CompositionError(`${late}: the page's script never returned (an endless loop?)`);
    if (page !== "answered") return new Error(`${late}: the page ${describe(page)}`);
    const undelivered = [...this.inFlight.values()].filter((r) => Date.now() - r.since > UNDELIVERED_MS);
    if (undelivered.length) {
      return new Error(`${late}: still waiting for ${undelivered.map((r) => this.projectPath(r.url)).join(", ")}`);
    }
    return stuck ? new CompositionError(`${late}: ${stuck()}`) : new Error(`${late} (the page was idle)`);
  }

  /** A URL as the project knows it, without the page's capability prefix. */
  private projectPath(url: string): string {
    const prefix = capturePrefix(this.pageUrl);
    return clip(prefix && url.startsWith(prefix) ? decodeURIComponent(url.slice(prefix.length)) : url, 200);
  }
}

async function answer(question: Promise<unknown>): Promise<Answer> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const silent = new Promise<Answer>((resolve) => (timer = setTimeout(() => resolve("silent"), ANSWER_MS)));
  const answered = question.then(
    (): Answer => "answered",
    (err): Answer => ({ failed: err instanceof Error ? err.message : String(err) }),
  );
  try {
    return await Promise.race([answered, silent]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(a: Exclude<Answer, "answered">): string {
  return a === "silent" ? `did not answer within ${ANSWER_MS / 1000} s` : `failed: ${a.failed}`;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const withoutHash = (url: string) => url.split("#")[0];
const toMb = (bytes: number) => Math.round(bytes / MB);
const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);
