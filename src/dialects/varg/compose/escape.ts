// Text that reaches the page: HTML-escaped text and attributes, and numbers written the way
// the page driver and CSS read them (plain decimals, never exponent form).

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ "&": "amp", "<": "lt", ">": "gt", '"': "quot", "'": "#39" }[c]};`);
}

/** A number as a plain decimal with at most `digits` decimals ("0.5", "12", never "1e-7"). */
export function decimal(value: number, digits = 6): string {
  if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
  const rounded = Math.round(value * 10 ** digits) / 10 ** digits;
  return (Object.is(rounded, -0) ? 0 : rounded).toFixed(digits).replace(/\.?0+$/, "") || "0";
}

/** Seconds for data-start / data-duration. */
export const sec = (seconds: number) => decimal(seconds, 6);
/** Seconds as a CSS time (animation durations and delays). */
export const cssSeconds = (seconds: number) => `${decimal(seconds * 1000, 3)}ms`;
/** Pixels as a CSS length. */
export const px = (value: number) => `${decimal(value, 3)}px`;
/** A fraction as a CSS percentage. */
export const pct = (fraction: number) => `${decimal(fraction * 100, 4)}%`;
