// The page script that gives a composition deterministic fonts, as the HyperFrames reference
// renderer does when it compiles a page (its normalizeSystemFontPrimaryFamilies and
// injectDeterministicFontFaces), but at run time, on the page as loaded (style sheets, linked
// ones and mounted sub-compositions included; inline styles; data-font-family), so it serves
// any dialect's page:
// - `text-rendering: geometricPrecision` everywhere, first in the cascade (as the reference);
// - a declaration whose first family is generic (`sans-serif`, `serif`, `monospace`,
//   `system-ui`, …) gets the primary (Inter) put in front, as the reference does; a page that
//   declares no family at all starts from the primary too (a host's default font is not
//   deterministic);
// - every requested family that the page does not declare with its own @font-face and that the
//   table knows (Arial → Inter, Georgia → EB Garamond, …) gets @font-face rules under the
//   requested name, pointing at the bundled files;
// - a family the table does not know is reported (when a declaration would draw with it), and
//   the primary is put where the page would have fallen to a host font (before the
//   declaration's first generic family, or at its end);
// - every injected face is loaded before the first frame (font-display: block would otherwise
//   draw nothing while a face loads).
// It runs once, when the driver's page is ready (`__reelflareFonts.apply()`), and answers the
// warnings. Serialised with toString(): self-contained, page globals reached through `any`.
import { cssString, normalizeFamily, pageFontsConfig, parseFontFamilyValue, type PageFontsConfig } from "./font-css.ts";

interface Helpers {
  parse: (value: string) => string[];
  normalize: (family: string) => string;
  quote: (family: string) => string;
}

export function pageFonts(config: PageFontsConfig, helpers: Helpers): void {
  const w = globalThis as any;
  const document = w.document;
  if (w.__reelflareFonts) return;
  const { parse, normalize, quote } = helpers;
  const generics = new Set(config.generics);
  const keywords = new Set(config.keywords);
  const MARK = "data-reelflare-fonts";

  /** A place where a font family is declared: read and rewrite. */
  interface Slot {
    get(): string;
    set(value: string): void;
    custom: boolean;
  }

  function styleSlots(style: any, out: Slot[], customProps: Map<string, string>): void {
    for (let i = 0; i < style.length; i++) {
      const name = style[i];
      if (name.startsWith("--")) {
        customProps.set(name, style.getPropertyValue(name).trim());
        out.push({
          get: () => style.getPropertyValue(name).trim(),
          set: (v) => style.setProperty(name, v, style.getPropertyPriority(name)),
          custom: true,
        });
      }
    }
    if (style.getPropertyValue("font-family")) {
      out.push({
        get: () => style.getPropertyValue("font-family").trim(),
        set: (v) => style.setProperty("font-family", v, style.getPropertyPriority("font-family")),
        custom: false,
      });
    }
  }

  function collect(): { slots: Slot[]; customProps: Map<string, string>; declared: Set<string> } {
    const slots: Slot[] = [];
    const customProps = new Map<string, string>();
    const declared = new Set<string>();
    const walk = (rules: any) => {
      for (const rule of Array.from((rules ?? []) as ArrayLike<any>)) {
        if (rule instanceof w.CSSFontFaceRule) {
          const family = parse(rule.style.getPropertyValue("font-family"))[0];
          if (family) declared.add(normalize(family));
          continue;
        }
        if (rule instanceof w.CSSKeyframesRule) continue;
        if (rule instanceof w.CSSStyleRule) styleSlots(rule.style, slots, customProps);
        if (rule.styleSheet) walk(safeRules(rule.styleSheet));
        if (rule.cssRules) walk(rule.cssRules);
      }
    };
    for (const sheet of Array.from(document.styleSheets as ArrayLike<any>)) {
      if (sheet.ownerNode?.hasAttribute?.(MARK)) continue;
      walk(safeRules(sheet));
    }
    for (const el of Array.from(document.querySelectorAll("[style]") as ArrayLike<any>)) {
      if (el.style) styleSlots(el.style, slots, customProps);
    }
    for (const el of Array.from(document.querySelectorAll("[data-font-family]") as ArrayLike<any>)) {
      slots.push({ get: () => el.getAttribute("data-font-family") ?? "", set: (v) => el.setAttribute("data-font-family", v), custom: false });
    }
    return { slots, customProps, declared };
  }

  function safeRules(sheet: any): any {
    try {
      return sheet.cssRules;
    } catch {
      return null; // another origin's sheet (refused by the request sandbox anyway)
    }
  }

  /** `var(--name, fallback) rest` at the start of a value, or null. */
  function leadingVar(value: string): { name: string; fallback: string | null; rest: string } | null {
    const v = value.trim();
    if (!v.toLowerCase().startsWith("var(")) return null;
    let depth = 0;
    for (let i = 0; i < v.length; i++) {
      if (v[i] === "(") depth++;
      else if (v[i] === ")" && --depth === 0) {
        const inner = v.slice(4, i).trim();
        const comma = inner.indexOf(",");
        const name = (comma < 0 ? inner : inner.slice(0, comma)).trim();
        if (!/^--[A-Za-z0-9_-]+$/.test(name)) return null;
        return { name, fallback: comma < 0 ? null : inner.slice(comma + 1), rest: v.slice(i + 1) };
      }
    }
    return null;
  }

  /** The families a declaration asks for, custom properties substituted. */
  function familiesOf(value: string, customProps: Map<string, string>, depth = 0): string[] {
    const head = depth < 8 ? leadingVar(value) : null;
    if (!head) return parse(value);
    const source = customProps.get(head.name) || head.fallback;
    const first = source === null || source === undefined ? [] : familiesOf(source, customProps, depth + 1);
    return [...first, ...parse(value).slice(1)];
  }

  /** The reference's rule: a declaration led by a generic family is led by the primary. */
  function primaryFirst(value: string, customProps: Map<string, string>): string | null {
    const head = leadingVar(value);
    if (head) {
      if (customProps.get(head.name) || head.fallback === null) return null;
      const fallback = primaryFirst(head.fallback, customProps);
      return fallback ? `var(${head.name}, ${fallback})${head.rest}` : null;
    }
    const families = parse(value);
    if (families.length === 0 || !generics.has(normalize(families[0]!))) return null;
    return `${config.primary}, ${value.trim()}`;
  }

  /** The primary where a declaration naming an unknown family would reach a host font. */
  function primaryFallback(value: string, unknown: Set<string>): string | null {
    if (leadingVar(value)) return null;
    const families = parse(value);
    if (!families.some((f) => unknown.has(normalize(f)))) return null;
    const generic = families.findIndex((f) => generics.has(normalize(f)));
    if (families.slice(0, generic < 0 ? families.length : generic).some((f) => normalize(f) === normalize(config.primary))) return null;
    const quoted = families.map((f) => (generics.has(normalize(f)) ? f : quote(f)));
    quoted.splice(generic < 0 ? quoted.length : generic, 0, config.primary);
    return quoted.join(", ");
  }

  function rewrite(slots: Slot[], change: (value: string) => string | null): void {
    for (const slot of slots) {
      const next = change(slot.get());
      if (next !== null) slot.set(next);
    }
  }

  function addStyle(css: string, first: boolean): void {
    const style = document.createElement("style");
    style.setAttribute(MARK, "");
    style.textContent = css;
    const head = document.head ?? document.documentElement;
    if (first) head.insertBefore(style, head.firstChild);
    else head.appendChild(style);
  }

  async function apply(): Promise<string[]> {
    const warnings: string[] = [];
    // Lowest in the cascade: the page's own rules win.
    addStyle(`html,body,*{text-rendering:geometricPrecision}\n:where(html){font-family:${config.primary}}`, true);

    const first = collect();
    rewrite(first.slots, (v) => primaryFirst(v, first.customProps));
    const { slots, customProps, declared } = collect();

    // Requested families, in the spelling first met; those the page declares itself are its own.
    // An unknown family is reported when a declaration would draw with it (nothing before it
    // in the list resolves), not when it only stands behind one that does.
    const requested = new Map<string, string>([[normalize(config.primary), config.primary]]);
    const unknown = new Set<string>();
    const reached = new Set<string>();
    for (const slot of slots.filter((s) => !s.custom)) {
      let resolved = false;
      for (const family of familiesOf(slot.get(), customProps)) {
        const key = normalize(family);
        if (generics.has(key)) resolved = true;
        if (!key || key.startsWith("var(") || generics.has(key) || keywords.has(key)) continue;
        if (declared.has(key) || config.aliases[key]) {
          resolved = true;
          if (!declared.has(key) && !requested.has(key)) requested.set(key, family);
          continue;
        }
        unknown.add(key);
        if (!resolved && !reached.has(key)) {
          reached.add(key);
          warnings.push(`font "${family}" is not bundled (nor declared by the composition with @font-face): the next family of its list is drawn instead, else ${config.primary} (README "Fonts" lists the fonts)`);
        }
      }
    }
    if (unknown.size > 0) rewrite(slots, (v) => primaryFallback(v, unknown));

    const rules: string[] = [];
    const loads: Array<[string, number]> = [];
    for (const [key, family] of requested) {
      const bundled = config.aliases[key];
      if (!bundled || declared.has(key)) continue; // the page's own @font-face wins
      rules.push(config.templates[bundled]!.split(config.placeholder).join(quote(family)));
      for (const weight of config.weights[bundled] ?? []) loads.push([family, weight]);
    }
    if (rules.length > 0) addStyle(rules.join("\n\n"), false);
    // Load every face now: a face first needed at a later frame would otherwise be captured blank.
    await Promise.all(loads.map(([family, weight]) => document.fonts.load(`${weight} 16px ${quote(family)}`).catch(() => [])));
    return warnings;
  }

  let applied: Promise<string[]> | null = null;
  Object.defineProperty(w, "__reelflareFonts", {
    value: Object.freeze({ apply: () => (applied ??= apply().catch((err) => [`fonts could not be set up: ${String(err)}`])) }),
    writable: false,
    configurable: false,
  });
}

/** The script evaluated in every composition page before its own scripts (and the driver's). */
export function pageFontsSource(fontsBaseUrl: string): string {
  const config = JSON.stringify(pageFontsConfig(fontsBaseUrl));
  const helpers = `{ parse: ${parseFontFamilyValue.toString()}, normalize: ${normalizeFamily.toString()}, quote: ${cssString.toString()} }`;
  return `(() => { var __name = (fn) => fn; (${pageFonts.toString()})(${config}, ${helpers}); })();`;
}
