// THE font table: which open fonts are bundled, and which requested family names resolve to
// them. It is the HyperFrames reference renderer's own table (`hyperframes` 0.8:
// CANONICAL_FONTS and FONT_ALIAS_MAP in @hyperframes/core's fonts/), so a composition renders
// with the glyphs it renders with there. The files are the Latin subsets of the @fontsource
// packages pinned in package.json (byte-identical to the reference's embedded copies: EB
// Garamond at 5.2.7, the rest at 5.3.x), served by the Worker at /v1/fonts/<file> (see
// ./font-files.ts). README "Fonts" documents the table.

/** A bundled font: its family name, @fontsource package, and the weights bundled (normal style). */
export interface BundledFont {
  family: string;
  /** The @fontsource package slug (`@fontsource/<slug>`), also the files' prefix. */
  slug: string;
  weights: readonly number[];
}

const font = (family: string, slug: string, weights: readonly number[]): BundledFont => ({ family, slug, weights });
const W479 = [400, 700, 900] as const;
const W47 = [400, 700] as const;

/** Keyed by the reference's canonical key. */
export const BUNDLED_FONTS = {
  inter: font("Inter", "inter", W479),
  montserrat: font("Montserrat", "montserrat", W479),
  outfit: font("Outfit", "outfit", W479),
  nunito: font("Nunito", "nunito", W479),
  oswald: font("Oswald", "oswald", W47),
  "league-gothic": font("League Gothic", "league-gothic", [400]),
  "archivo-black": font("Archivo Black", "archivo-black", [400]),
  "space-mono": font("Space Mono", "space-mono", W47),
  "ibm-plex-mono": font("IBM Plex Mono", "ibm-plex-mono", W47),
  "jetbrains-mono": font("JetBrains Mono", "jetbrains-mono", W47),
  "eb-garamond": font("EB Garamond", "eb-garamond", W47),
  "playfair-display": font("Playfair Display", "playfair-display", W479),
  "source-code-pro": font("Source Code Pro", "source-code-pro", W47),
  "noto-sans-jp": font("Noto Sans JP", "noto-sans-jp", W47),
  roboto: font("Roboto", "roboto", W479),
  "open-sans": font("Open Sans", "open-sans", W47),
  lato: font("Lato", "lato", W479),
  poppins: font("Poppins", "poppins", W479),
} as const satisfies Record<string, BundledFont>;

export type BundledFontKey = keyof typeof BUNDLED_FONTS;

/**
 * Requested family (lower case) → bundled font. Every bundled family by its own name, then the
 * usual system and commercial families by their nearest open look-alike.
 */
export const FONT_ALIASES: Readonly<Record<string, BundledFontKey>> = {
  ...Object.fromEntries(Object.entries(BUNDLED_FONTS).map(([key, f]) => [f.family.toLowerCase(), key as BundledFontKey])),
  // common commercial families
  "helvetica neue": "inter",
  helvetica: "inter",
  arial: "inter",
  "helvetica bold": "inter",
  futura: "montserrat",
  "din alternate": "montserrat",
  "arial black": "montserrat",
  "bebas neue": "league-gothic",
  "courier new": "jetbrains-mono",
  courier: "jetbrains-mono",
  garamond: "eb-garamond",
  "noto sans japanese": "noto-sans-jp",
  "segoe ui": "roboto",
  // macOS sans-serif
  "sf pro": "inter",
  "sf pro display": "inter",
  "sf pro text": "inter",
  "sf pro rounded": "inter",
  avenir: "inter",
  "avenir next": "inter",
  "lucida grande": "inter",
  geneva: "inter",
  optima: "inter",
  // Windows sans-serif
  verdana: "inter",
  tahoma: "inter",
  "trebuchet ms": "inter",
  calibri: "inter",
  candara: "inter",
  corbel: "inter",
  "lucida sans": "inter",
  "lucida sans unicode": "inter",
  // Linux sans-serif
  "noto sans": "inter",
  "dejavu sans": "inter",
  "liberation sans": "inter",
  // monospace
  "sf mono": "jetbrains-mono",
  menlo: "jetbrains-mono",
  monaco: "jetbrains-mono",
  consolas: "jetbrains-mono",
  "lucida console": "jetbrains-mono",
  "lucida sans typewriter": "jetbrains-mono",
  "andale mono": "jetbrains-mono",
  "dejavu sans mono": "jetbrains-mono",
  "liberation mono": "jetbrains-mono",
  // serif
  georgia: "eb-garamond",
  palatino: "eb-garamond",
  "palatino linotype": "eb-garamond",
  "book antiqua": "eb-garamond",
  cambria: "eb-garamond",
  times: "eb-garamond",
  "times new roman": "eb-garamond",
  "dejavu serif": "eb-garamond",
  "liberation serif": "eb-garamond",
};

/** CSS generic families (and the vendor system-font keywords the reference counts as generic). */
export const GENERIC_FAMILIES: ReadonlySet<string> = new Set([
  "sans-serif",
  "serif",
  "monospace",
  "cursive",
  "fantasy",
  "system-ui",
  "ui-sans-serif",
  "ui-serif",
  "ui-monospace",
  "emoji",
  "math",
  "fangsong",
  "-apple-system",
  "blinkmacsystemfont",
]);

/** Not family names: a declaration made of these is left alone. */
export const CSS_WIDE_KEYWORDS: ReadonlySet<string> = new Set(["inherit", "initial", "unset", "revert", "revert-layer"]);

/**
 * The family that takes the place of a host font: put in front of a declaration that starts
 * with a generic family (as the reference does), and where the page would otherwise fall to a
 * host font (a family not bundled, or no family at all).
 */
export const DETERMINISTIC_PRIMARY = "Inter";

/** The Latin subset's coverage (the @fontsource "latin" files); other characters fall through. */
export const LATIN_UNICODE_RANGE =
  "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+0304, U+0308, U+0329, U+2000-206F, U+2074, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD";

/** A bundled face's file name (as in the @fontsource package's files/ folder). */
export function fontFileName(slug: string, weight: number): string {
  return `${slug}-latin-${weight}-normal.woff2`;
}

/** Every bundled file name. */
export function bundledFileNames(): string[] {
  return Object.values(BUNDLED_FONTS).flatMap((f) => f.weights.map((w) => fontFileName(f.slug, w)));
}
