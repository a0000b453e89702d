// Popups (window.open, links and forms with target=_blank) are pages of their own: the request
// sandbox on the composition page's session never sees their requests. So requests are also
// watched for the whole browser, and one from a frame that is not the composition page's is
// refused and its window closed.
import type { CDPSession } from "@cloudflare/puppeteer";

interface FrameTree {
  frame: { id: string };
  childFrames?: FrameTree[];
}

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
  const isPageFrame = async (frameId: string) => {
    if (frames.has(frameId)) return true;
    // A new frame's first request may come before its frameAttached event.
    remember((await page.send("Page.getFrameTree")).frameTree);
    return frames.has(frameId);
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
