// The labelled stand-in preview mode shows where an image or video could not be generated: an
// SVG of the media's size, striped so it cannot pass for content, saying what failed.
import { escapeHtml } from "../compose/escape.ts";

function wrap(text: string, perLine: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if ((line + " " + word).trim().length > perLine && line) {
      lines.push(line);
      line = word;
    } else line = (line + " " + word).trim();
    if (lines.length === maxLines) break;
  }
  if (line && lines.length < maxLines) lines.push(line);
  return lines;
}

export function placeholderSvg(width: number, height: number, label: string): string {
  const title = Math.max(12, Math.round(Math.min(width, height) / 14));
  const body = Math.max(10, Math.round(title * 0.55));
  const lines = wrap(label, Math.max(16, Math.floor((width * 0.85) / (body * 0.55))), 6);
  const top = height / 2 - ((lines.length + 2) * body * 1.3) / 2;
  const text = lines
    .map((l, i) => `<text x="50%" y="${(top + title * 1.6 + i * body * 1.3).toFixed(1)}" font-size="${body}">${escapeHtml(l)}</text>`)
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<defs><pattern id="s" width="48" height="48" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="24" height="48" fill="#303030"/></pattern></defs>` +
    `<rect width="100%" height="100%" fill="#242424"/><rect width="100%" height="100%" fill="url(#s)"/>` +
    `<g font-family="sans-serif" fill="#f2f2f2" text-anchor="middle">` +
    `<text x="50%" y="${top.toFixed(1)}" font-size="${title}" font-weight="bold">PREVIEW PLACEHOLDER</text>${text}</g></svg>`
  );
}
