// Drives the dashboard in Chromium (the project's CdpPage: the same browser the engine uses) the
// way a person does: keys typed into focused fields, Enter, a file chosen in the file input,
// buttons pressed. Used by the dashboard e2e test and by `npm run screenshots`.
import fs from "node:fs/promises";
import path from "node:path";
import { CdpPage } from "./cdp-browser.ts";

export interface Viewport {
  width: number;
  height: number;
  mobile: boolean;
  deviceScaleFactor: number;
}

export const VIEWPORTS = {
  desktop: { width: 1280, height: 900, mobile: false, deviceScaleFactor: 1 },
  phone: { width: 390, height: 844, mobile: true, deviceScaleFactor: 2 },
} satisfies Record<string, Viewport>;

export class DashboardDriver {
  readonly page: CdpPage;
  private readonly baseUrl: string;

  private constructor(page: CdpPage, baseUrl: string) {
    this.page = page;
    this.baseUrl = baseUrl;
  }

  static async open(baseUrl: string, viewport: Viewport): Promise<DashboardDriver> {
    const page = await CdpPage.launch();
    await page.send("Runtime.enable");
    await page.send("Emulation.setDeviceMetricsOverride", viewport);
    if (viewport.mobile) await page.send("Emulation.setTouchEmulationEnabled", { enabled: true });
    const driver = new DashboardDriver(page, baseUrl);
    await driver.goto("/");
    return driver;
  }

  async goto(pathname: string): Promise<void> {
    await this.page.navigate(new URL(pathname, this.baseUrl).href);
  }

  /** Evaluates an expression in the page (awaiting promises) and returns its JSON value. */
  evaluate<T>(expression: string): Promise<T> {
    return this.page.evaluate(expression) as Promise<T>;
  }

  /** Polls `expression` until it is truthy; returns that value. */
  async waitFor<T>(expression: string, what: string, timeoutMs = 60_000, everyMs = 100): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await this.evaluate<T>(expression);
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  }

  /** Moves the focus to an element, as Tab would. */
  async focus(selector: string): Promise<void> {
    await this.evaluate(`document.querySelector(${JSON.stringify(selector)}).focus()`);
  }

  /** Focuses an element and types text into it. */
  async type(selector: string, text: string): Promise<void> {
    await this.focus(selector);
    await this.page.send("Input.insertText", { text });
  }

  /** Presses a key on whatever has focus. */
  async press(key: "Enter" | "Tab" | " "): Promise<void> {
    const codes = { Enter: { code: "Enter", keyCode: 13, text: "\r" }, Tab: { code: "Tab", keyCode: 9, text: "" }, " ": { code: "Space", keyCode: 32, text: " " } }[key];
    const base = { key, code: codes.code, windowsVirtualKeyCode: codes.keyCode, nativeVirtualKeyCode: codes.keyCode };
    await this.page.send("Input.dispatchKeyEvent", { type: "keyDown", ...base, text: codes.text || undefined });
    await this.page.send("Input.dispatchKeyEvent", { type: "keyUp", ...base });
  }

  /** Focuses a control and presses Enter (buttons and submit: a keyboard user's click). */
  async activate(selector: string): Promise<void> {
    await this.focus(selector);
    await this.press("Enter");
  }

  /** Chooses files in a file input, as the file picker does. */
  async chooseFile(selector: string, file: string): Promise<void> {
    const { root } = await this.page.send("DOM.getDocument", { depth: 0 });
    const { nodeId } = await this.page.send("DOM.querySelector", { nodeId: root.nodeId, selector });
    await this.page.send("DOM.setFileInputFiles", { nodeId, files: [file] });
  }

  async text(selector: string): Promise<string> {
    return this.evaluate<string>(`document.querySelector(${JSON.stringify(selector)})?.textContent ?? ""`);
  }

  async visible(selector: string): Promise<boolean> {
    return this.evaluate<boolean>(`(() => { const e = document.querySelector(${JSON.stringify(selector)}); return !!e && !e.closest("[hidden]") && e.getClientRects().length > 0; })()`);
  }

  /** A PNG of the whole page (or only what the viewport shows). */
  async screenshot(file: string, fullPage = true): Promise<void> {
    const { data } = await this.page.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: fullPage });
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, Buffer.from(data, "base64"));
  }

  close(): Promise<void> {
    return this.page.close();
  }
}
