// The @font-face CSS of the bundled fonts, built from the table (./font-table.ts), and the
// small parsers shared by the Worker and the page script (./page-fonts.ts): the parsers are
// self-contained so that they can be serialised into the page with toString().
import {
  BUNDLED_FONTS,
  CSS_WIDE_KEYWORDS,
  DETERMINISTIC_PRIMARY,
  FONT_ALIASES,
  GENERIC_FAMILIES,
  LATIN_UNICODE_RANGE,
  fontFileName,
  type BundledFont,
  type BundledFontKey,
} from "./font-table.ts";

/** Where the Worker serves the bundled files (src/api/font-files.ts). */
export const FONTS_PATH = "/v1/fonts/";

/**
 * The families of a `font-family` value, unquoted, in order. Commas inside quotes or
 * parentheses (`var(--a, b)`) do not split. Self-contained: serialised into the page.
 */
export function parseFontFamilyValue(value: string): string[] {
  const pieces: string[] = [];
  let start = 0;
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === "\\") {
      i++;
      continue;
    }
    if (quote) {
      if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")") depth = Math.max(0, depth - 1);
    else if (ch === "," && depth === 0) {
      pieces.push(value.slice(start, i));
      start = i + 1;
    }
  }
  pieces.push(value.slice(start));
  return pieces.map((p) => p.trim().replace(/^['"]/, "").replace(/['"]$/, "").trim()).filter((p) => p.length > 0);
}

/** A family name as compared: unquoted, trimmed, lower case. Self-contained: serialised. */
export function normalizeFamily(family: string): string {
  return family.trim().replace(/^['"]|['"]$/g, "").trim().toLowerCase();
}

/** A family name as a CSS string. Self-contained: serialised. */
export function cssString(family: string): string {
  return `"${family.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\a ")}"`;
}

/** The bundled font a requested family resolves to, or null (generic, keyword or not bundled). */
export function bundledFontFor(family: string): BundledFont | null {
  const key = FONT_ALIASES[normalizeFamily(family)];
  return key ? BUNDLED_FONTS[key] : null;
}

export function isGenericFamily(family: string): boolean {
  return GENERIC_FAMILIES.has(normalizeFamily(family));
}

/**
 * The @font-face rules giving `emitFamily` (the name the page asked for, e.g. "Helvetica") the
 * files of a bundled font: one rule per weight, Latin subset, `font-display: block`, exactly as
 * the reference writes them (its files are inlined as data: URLs; ours are URLs under `baseUrl`).
 */
export function fontFaceRules(emitFamily: string, font: BundledFont, baseUrl: string): string {
  return font.weights
    .map((weight) =>
      [
        "@font-face {",
        `  font-family: ${cssString(emitFamily)};`,
        `  src: url("${baseUrl}${fontFileName(font.slug, weight)}") format("woff2");`,
        "  font-style: normal;",
        `  font-weight: ${weight};`,
        "  font-display: block;",
        `  unicode-range: ${LATIN_UNICODE_RANGE};`,
        "}",
      ].join("\n"),
    )
    .join("\n\n");
}

/** Stands for the family name in the page's rule templates. */
export const FAMILY_PLACEHOLDER = "\u0000family\u0000";

/** What the page script needs to resolve families without the table's code. */
export interface PageFontsConfig {
  /** Requested family (lower case) → bundled key. */
  aliases: Record<string, BundledFontKey>;
  /** Bundled key → its @font-face rules, the family being FAMILY_PLACEHOLDER (a CSS string). */
  templates: Record<string, string>;
  /** Bundled key → its weights, to load each face before the first frame. */
  weights: Record<string, number[]>;
  generics: string[];
  keywords: string[];
  primary: string;
  placeholder: string;
}

export function pageFontsConfig(baseUrl: string): PageFontsConfig {
  const entries = Object.entries(BUNDLED_FONTS) as Array<[BundledFontKey, BundledFont]>;
  const quotedPlaceholder = cssString(FAMILY_PLACEHOLDER);
  return {
    aliases: { ...FONT_ALIASES },
    templates: Object.fromEntries(
      entries.map(([key, f]) => [key, fontFaceRules(FAMILY_PLACEHOLDER, f, baseUrl).split(quotedPlaceholder).join(FAMILY_PLACEHOLDER)]),
    ),
    weights: Object.fromEntries(entries.map(([key, f]) => [key, [...f.weights]])),
    generics: [...GENERIC_FAMILIES],
    keywords: [...CSS_WIDE_KEYWORDS],
    primary: DETERMINISTIC_PRIMARY,
    placeholder: FAMILY_PLACEHOLDER,
  };
}

/** The fonts' base URL for a composition page: the Worker origin the page is served from. */
export function fontsBaseUrl(pageUrl: string): string {
  return `${new URL(pageUrl).origin}${FONTS_PATH}`;
}
