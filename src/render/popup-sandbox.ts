// Popups (window.open, links and forms with target=_blank) are pages of their own: the request
// sandbox on the composition page's session never sees their requests. So requests are also
// watched for the whole browser, and one from a frame that is not the composition page's is
// refused and its window closed.
import type { CDPSession } from "@cloudflare/puppeteer";

interface FrameTree {
  frame: { id: string };
  childFrames?: FrameTree[];
}

/** The composition pages of one browser (a chunk may capture on two): their frames are the
 *  only ones allowed requests. */
interface BrowserPages {
  owns: ((frameId: string) => Promise<boolean>)[];
}
const browsers = new WeakMap<object, BrowserPages>();

/** Watches `page`'s browser for popups; a second page of the same browser joins the first's
 *  watch (its popups are reported to the first page's `refused`). */
export async function refusePopups(page: CDPSession, refused: (url: string) => void): Promise<void> {
  const browser = page.connection();
  if (!browser) throw new Error("no browser-wide CDP connection");
  const frames = new Set<string>();
  const remember = (tree: FrameTree) => {
    frames.add(tree.frame.id);
    for (const child of tree.childFrames ?? []) remember(child);
  };
  remember((await page.send("Page.getFrameTree")).frameTree);
  page.on("Page.frameAttached", (e) => frames.add(e.frameId));
  const owns = async (frameId: string) => {
    if (frames.has(frameId)) return true;
    // A new frame's first request may come before its frameAttached event.
    remember((await page.send("Page.getFrameTree")).frameTree);
    return frames.has(frameId);
  };
  const known = browsers.get(browser);
  if (known) {
    known.owns.push(owns);
    return;
  }
  const pages: BrowserPages = { owns: [owns] };
  browsers.set(browser, pages);
  const isPageFrame = async (frameId: string) => {
    for (const check of pages.owns) if (await check(frameId).catch(() => false)) return true;
    return false;
  };
  browser.on("Fetch.requestPaused", (e) => {
    // Only network requests of some frame: not the browser's own.
    const foreign = e.frameId && /^(https?|wss?):/.test(e.request.url) ? isPageFrame(e.frameId).then((ours) => !ours) : Promise.resolve(false);
    void foreign
      .catch(() => true)
      .then((refuse) => {
        if (!refuse) return browser.send("Fetch.continueRequest", { requestId: e.requestId });
        refused(e.request.url);
        browser.send("Target.closeTarget", { targetId: e.frameId }).catch(() => {}); // a popup's frame is its target
        return browser.send("Fetch.failRequest", { requestId: e.requestId, errorReason: "BlockedByClient" });
      })
      .catch(() => {});
  });
  await browser.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] });
}
