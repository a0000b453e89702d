// The page script that places Title/Subtitle text where FFmpeg's drawtext puts it. drawtext
// positions a text box whose width is the advance width and whose height is the glyph box
// of the text itself (top of its highest glyph to the bottom of its lowest), and truncates
// x and y to whole pixels. CSS cannot size a box by its glyphs, so this measures the text
// once with canvas measureText (the same font stack) and sets each element's offset so
// that its glyph box lands on drawtext's (x, y). It runs before the page's load event, so
// before the first frame; nothing in it depends on time.
export const TEXT_LAYOUT_SCRIPT = `(() => {
  const root = document.querySelector("[data-composition-id]");
  const W = Number(root.dataset.width), H = Number(root.dataset.height);
  const canvas = document.createElement("canvas").getContext("2d");
  for (const el of document.querySelectorAll(".vg-text")) {
    const cs = getComputedStyle(el);
    canvas.font = cs.fontStyle + " " + cs.fontWeight + " " + cs.fontSize + " " + cs.fontFamily;
    const m = canvas.measureText(el.textContent);
    const tw = m.width, asc = m.actualBoundingBoxAscent, desc = m.actualBoundingBoxDescent;
    const th = asc + desc;
    const ax = el.dataset.ax, ay = el.dataset.ay;
    const x = Math.trunc(ax === "left" ? 0.1 * W : ax === "right" ? 0.9 * W - tw : (W - tw) / 2);
    const y = Math.trunc(ay === "top" ? 0.1 * H : ay === "bottom" ? 0.9 * H - th : ay === "subtitle" ? 0.85 * H - th / 2 : (H - th) / 2);
    // A line box exactly as tall as the font's ascent + descent puts the baseline at its ascent.
    const fa = m.fontBoundingBoxAscent, fd = m.fontBoundingBoxDescent;
    el.style.lineHeight = (fa + fd) + "px";
    el.style.transform = "translate(" + x + "px, " + (y + asc - fa) + "px)";
    const box = el.previousElementSibling;
    if (box && box.classList.contains("vg-textbox")) {
      const pad = Number(el.dataset.pad) || 0;
      box.style.transform = "translate(" + (x - pad) + "px, " + (y - pad) + "px)";
      box.style.width = (tw + 2 * pad) + "px";
      box.style.height = (th + 2 * pad) + "px";
    }
  }
})();`;
