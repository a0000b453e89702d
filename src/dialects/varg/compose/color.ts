// Colour props. The SDK hands colours to FFmpeg (drawtext fontcolor, boxcolor, color=c=…), so
// scenes use FFmpeg's syntax: a name, "#RRGGBB[AA]", "0xRRGGBB[AA]", bare "RRGGBB", each with an
// optional "@alpha" ("black@0.7", the SDK's own Subtitle default). CSS rgb()/rgba() is accepted
// too. The result is rebuilt from validated parts only, so a prop can never inject CSS.
import { ComposeError } from "./types.ts";
import { decimal } from "./escape.ts";

// CSS named colours; FFmpeg's colour table has the same names and values (X11 / CSS).
const NAMED = new Set(
  ("aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown burlywood " +
    "cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan darkgoldenrod darkgray " +
    "darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid darkred darksalmon darkseagreen " +
    "darkslateblue darkslategray darkslategrey darkturquoise darkviolet deeppink deepskyblue dimgray dimgrey dodgerblue " +
    "firebrick floralwhite forestgreen fuchsia gainsboro ghostwhite gold goldenrod gray green greenyellow grey honeydew " +
    "hotpink indianred indigo ivory khaki lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan " +
    "lightgoldenrodyellow lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray " +
    "lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine mediumblue " +
    "mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise mediumvioletred " +
    "midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab orange orangered orchid " +
    "palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru pink plum powderblue purple " +
    "rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown seagreen seashell sienna silver skyblue " +
    "slateblue slategray slategrey snow springgreen steelblue tan teal thistle tomato turquoise violet wheat white " +
    "whitesmoke yellow yellowgreen").split(" "),
);

const HEX = /^(?:#|0x)?([\da-f]{6})([\da-f]{2})?$/i;
const SHORT_HEX = /^#([\da-f]{3,4})$/i;
const FUNCTIONAL = /^rgba?\(\s*([\d.]+%?)\s*[,\s]\s*([\d.]+%?)\s*[,\s]\s*([\d.]+%?)\s*(?:[,/]\s*([\d.]+%?)\s*)?\)$/i;

const channel = (raw: string, max: number) => {
  const v = raw.endsWith("%") ? (Number.parseFloat(raw) / 100) * max : Number.parseFloat(raw);
  return Number.isFinite(v) ? Math.min(max, Math.max(0, v)) : NaN;
};

/** A CSS colour for a colour prop, or a ComposeError naming the prop (`what`). */
export function parseColor(value: unknown, what: string): string {
  const fail = () =>
    new ComposeError(`${what} must be a colour ("white", "#ff6b00", "0xff6b00", "black@0.7" or "rgb(255, 107, 0)"), got ${JSON.stringify(value)}`);
  if (typeof value !== "string" || value.length > 64) throw fail();
  const text = value.trim();

  const fn = FUNCTIONAL.exec(text);
  if (fn) {
    const [r, g, b] = [fn[1]!, fn[2]!, fn[3]!].map((c) => Math.round(channel(c, 255)));
    const a = fn[4] === undefined ? 1 : channel(fn[4], 1);
    if ([r, g, b, a].some((v) => !Number.isFinite(v))) throw fail();
    return `rgba(${r}, ${g}, ${b}, ${decimal(a!, 4)})`;
  }

  // FFmpeg: "<colour>@<alpha>", alpha 0.0–1.0 or 0xHH.
  const at = text.lastIndexOf("@");
  const base = (at >= 0 ? text.slice(0, at) : text).trim();
  let alpha = 1;
  if (at >= 0) {
    const raw = text.slice(at + 1).trim();
    alpha = /^0x[\da-f]{2}$/i.test(raw) ? Number.parseInt(raw.slice(2), 16) / 255 : /^\d*\.?\d+$/.test(raw) ? Number(raw) : NaN;
    if (!(alpha >= 0 && alpha <= 1)) throw fail();
  }

  let rgb: [number, number, number] | null = null;
  let named: string | null = null;
  const hex = HEX.exec(base);
  const short = SHORT_HEX.exec(base);
  if (hex) {
    const h = hex[1]!;
    rgb = [0, 2, 4].map((i) => Number.parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
    if (hex[2]) alpha *= Number.parseInt(hex[2], 16) / 255;
  } else if (short) {
    const h = short[1]!;
    rgb = [0, 1, 2].map((i) => Number.parseInt(h[i]! + h[i]!, 16)) as [number, number, number];
    if (h.length === 4) alpha *= Number.parseInt(h[3]! + h[3]!, 16) / 255;
  } else if (NAMED.has(base.toLowerCase())) {
    named = base.toLowerCase();
  } else {
    throw fail();
  }
  if (rgb) return alpha === 1 ? `rgb(${rgb.join(", ")})` : `rgba(${rgb.join(", ")}, ${decimal(alpha, 4)})`;
  return alpha === 1 ? named! : `color-mix(in srgb, ${named} ${decimal(alpha * 100, 2)}%, transparent)`;
}
