// Deterministic fonts: the one table (requested family → bundled font), the @font-face CSS it
// becomes, the page script built from it, and the files the Worker serves for it.
import { describe, expect, it } from "vitest";
import { SELF } from "cloudflare:test";
import { BUNDLED_FONTS, FONT_ALIASES, LATIN_UNICODE_RANGE, bundledFileNames } from "../../src/render/fonts/font-table.ts";
import {
  FAMILY_PLACEHOLDER,
  bundledFontFor,
  cssString,
  fontFaceRules,
  fontsBaseUrl,
  isGenericFamily,
  normalizeFamily,
  pageFontsConfig,
  parseFontFamilyValue,
} from "../../src/render/fonts/font-css.ts";
import { FONT_FILES } from "../../src/render/fonts/font-files.ts";
import { pageFontsSource } from "../../src/render/fonts/page-fonts.ts";

const BASE = "https://reelflare.test/v1/fonts/";

describe("font table", () => {
  it("maps the usual system families to their open look-alikes, case- and quote-insensitively", () => {
    const cases: Array<[string, string]> = [
      ["Arial", "Inter"],
      ["'Helvetica Neue'", "Inter"],
      ['"DejaVu Sans"', "Inter"],
      ["Segoe UI", "Roboto"],
      ["Georgia", "EB Garamond"],
      ["Times New Roman", "EB Garamond"],
      ["Courier New", "JetBrains Mono"],
      ["Menlo", "JetBrains Mono"],
      ["Bebas Neue", "League Gothic"],
      ["Arial Black", "Montserrat"],
      ["MONTSERRAT", "Montserrat"],
      ["Noto Sans JP", "Noto Sans JP"],
    ];
    for (const [requested, bundled] of cases) expect(bundledFontFor(requested)?.family, requested).toBe(bundled);
    for (const missing of ["Comic Sans MS", "Foo", "sans-serif", "serif", "monospace", "inherit"]) expect(bundledFontFor(missing), missing).toBeNull();
  });

  it("knows every bundled family by its own name, and every alias leads to a bundled font", () => {
    for (const font of Object.values(BUNDLED_FONTS)) expect(bundledFontFor(font.family)).toBe(font);
    for (const key of Object.values(FONT_ALIASES)) expect(BUNDLED_FONTS[key]).toBeDefined();
    expect(Object.keys(BUNDLED_FONTS)).toHaveLength(18);
    expect(bundledFileNames()).toHaveLength(42);
  });

  it("counts the generic families (and the vendor system-font keywords) as generic", () => {
    for (const g of ["sans-serif", "Serif", "monospace", "system-ui", "-apple-system", "BlinkMacSystemFont", "ui-monospace"]) expect(isGenericFamily(g), g).toBe(true);
    for (const f of ["Arial", "Inter", "inherit"]) expect(isGenericFamily(f), f).toBe(false);
  });
});

describe("font-family values", () => {
  it("splits on commas outside quotes and parentheses, and unquotes", () => {
    expect(parseFontFamilyValue(`"Helvetica Neue", Arial, 'A, B', sans-serif`)).toEqual(["Helvetica Neue", "Arial", "A, B", "sans-serif"]);
    expect(parseFontFamilyValue(`var(--font, "X", serif), monospace`)).toEqual([`var(--font, "X", serif)`, "monospace"]);
    expect(parseFontFamilyValue("  ")).toEqual([]);
    expect(normalizeFamily(` "Open Sans" `)).toBe("open sans");
  });

  it("quotes a family as a CSS string", () => {
    expect(cssString("Helvetica")).toBe(`"Helvetica"`);
    expect(cssString(`a"b\\c`)).toBe(`"a\\"b\\\\c"`);
  });
});

describe("@font-face rules", () => {
  it("gives the requested name the bundled files, one rule per weight, Latin subset, display block", () => {
    const css = fontFaceRules("Helvetica", BUNDLED_FONTS.inter, BASE);
    expect(css.match(/@font-face/g)).toHaveLength(3);
    expect(css).toContain(`font-family: "Helvetica";`);
    for (const weight of [400, 700, 900]) {
      expect(css).toContain(`src: url("${BASE}inter-latin-${weight}-normal.woff2") format("woff2");`);
      expect(css).toContain(`font-weight: ${weight};`);
    }
    expect(css).toContain("font-display: block;");
    expect(css).toContain(`unicode-range: ${LATIN_UNICODE_RANGE};`);
    expect(fontFaceRules("League Gothic", BUNDLED_FONTS["league-gothic"], BASE).match(/@font-face/g)).toHaveLength(1);
  });

  it("hands the page one template per bundled font, with the family left open", () => {
    const config = pageFontsConfig(BASE);
    expect(Object.keys(config.templates)).toEqual(Object.keys(BUNDLED_FONTS));
    const filled = config.templates.inter!.split(FAMILY_PLACEHOLDER).join(cssString("Arial"));
    expect(filled).toBe(fontFaceRules("Arial", BUNDLED_FONTS.inter, BASE));
    expect(config.aliases.arial).toBe("inter");
    expect(config.primary).toBe("Inter");
    expect(fontsBaseUrl("https://x.example/v1/capture/tok/sub/index.html")).toBe("https://x.example/v1/fonts/");
  });

  it("builds a page script that parses, carrying the table", () => {
    const source = pageFontsSource(BASE);
    expect(() => new Function(source)).not.toThrow();
    expect(source).toContain("jetbrains-mono-latin-700-normal.woff2");
  });
});

describe("font files", () => {
  it("bundles exactly the table's files", () => {
    expect(Object.keys(FONT_FILES).sort()).toEqual(bundledFileNames().sort());
    for (const [name, bytes] of Object.entries(FONT_FILES)) {
      expect(bytes.byteLength, name).toBeGreaterThan(5000);
      expect(new TextDecoder().decode(new Uint8Array(bytes, 0, 4)), name).toBe("wOF2");
    }
  });

  it("serves them from the Worker's origin, without a key; nothing else", async () => {
    const res = await SELF.fetch("https://reelflare.test/v1/fonts/inter-latin-400-normal.woff2");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("font/woff2");
    expect((await res.arrayBuffer()).byteLength).toBe(FONT_FILES["inter-latin-400-normal.woff2"]!.byteLength);
    for (const bad of ["nope.woff2", "constructor", "..%2Fwrangler.toml"]) {
      expect((await SELF.fetch(`https://reelflare.test/v1/fonts/${bad}`)).status, bad).toBe(404);
    }
  });
});
