// Clip transitions: FFmpeg's xfade looks (libavfilter/vf_xfade.c), as CSS animations on the two
// clips' wrappers. The SDK passes the transition name to xfade as is, so the vocabulary is
// xfade's. Each look is written from xfade's per-pixel formula in terms of its `progress`
// P (1 → 0 across the transition; here p = 1 − P is the elapsed fraction): the outgoing clip
// `a` lies under the incoming clip `b`, and each is given an opacity, transform, clip-path,
// filter or a mask driven by one animated number (--vg-m, a registered custom property, so
// the driver's per-frame seek of CSS animations moves it). Smooth looks sample xfade's curves
// (smoothstep) at keyframes; their soft masks are gradients with fixed stops whose alpha is
// smoothstep(clamp(c + m)) computed by CSS from the animated m.
//
// Animations are absolute: delay = the transition's start on the timeline, fill none — before
// and after the transition each wrapper is untouched (every look ends with `b` as itself).
//
// Opacity is animated through a registered custom property (--vg-o, the wrapper's `opacity:
// var(--vg-o)`), not as `opacity` itself: Chromium treats an opacity animation as a compositor
// one and its blend comes out darker — measured in lossless screenshots, same keyframe values:
// fadeblack 90% in (b alone at 0.9 over black) 44,44,179 for the exact 45,45,180, through the
// custom property 45,45,180; 10% in (a at 0.4537 under b at 0.0045) 89,22,23, through the
// custom property 90,22,23. Two translucent layers still lose up to ~1.4 levels to Chromium's
// 8-bit blending (fadeblack 10% in: 89 for 90.2; fadewhite 10% in: 161,162,228 for 161.9,162.5,229.4).
import { decimal, pct, px } from "./escape.ts";
import { maskPng } from "./png.ts";
import { dataUrl } from "../../../lib/bytes.ts";
import { ComposeError } from "./types.ts";

export interface LayerState {
  opacity?: number;
  transform?: string;
  clipPath?: string;
  filter?: string;
  /** The mask variable --vg-m (only with a `mask`). */
  m?: number;
}

interface Look {
  /** Wrapper states at elapsed fraction p (P = 1 − p is xfade's progress). */
  at(p: number, frame: Frame): { a: LayerState; b: LayerState };
  /** Keyframe segments (1 when every property is linear in time; enough that the linear
   *  interpolation between keyframes stays within a fraction of a level of the curve). */
  samples: number;
  /** What shows through where neither clip does (xfade's black / white). */
  backdrop?: string;
  /** A CSS mask-image for `b` that reads var(--vg-m); larger m shows more of `b`. */
  mask?: (frame: Frame) => string;
}

interface Frame {
  width: number;
  height: number;
}

const smoothstep = (e0: number, e1: number, x: number) => {
  const t = Math.min(1, Math.max(0, (x - e0) / (e1 - e0)));
  return t * t * (3 - 2 * t);
};

/** Gradient stops along q ∈ [0, 1]: alpha = smoothstep(clamp(c(q) + m)), m read from --vg-m. */
function softStops(count: number, c: (q: number) => number, position: (q: number) => string): string {
  const stops: string[] = [];
  for (let k = 0; k <= count; k++) {
    const q = k / count;
    const t = `clamp(0, ${decimal(c(q), 5)} + var(--vg-m), 1)`;
    stops.push(`rgb(0 0 0 / calc(${t} * ${t} * (3 - 2 * ${t}))) ${position(q)}`);
  }
  return stops.join(", ");
}
const linearMask = (direction: string, c: (q: number) => number) => () =>
  `linear-gradient(${direction}, ${softStops(32, c, pct)})`;
const radialMask = (c: (q: number) => number) => () =>
  // farthest-corner from the centre is hypot(W/2, H/2): xfade's normalising distance z.
  `radial-gradient(circle farthest-corner at 50% 50%, ${softStops(32, c, pct)})`;
const conicMask = (c: (q: number) => number) => () => `conic-gradient(from 0deg at 50% 50%, ${softStops(72, c, pct)})`;

const wipe = (b: (P: number, p: number) => string): Look => ({ samples: 1, at: (p) => ({ a: {}, b: { clipPath: b(1 - p, p) } }) });
const slide = (axis: "X" | "Y", sign: 1 | -1): Look => ({
  samples: 1,
  at: (p) => ({
    a: { transform: `translate${axis}(${pct(-sign * p)})` },
    b: { transform: `translate${axis}(${pct(sign * (1 - p))})` },
  }),
});
const cover = (axis: "X" | "Y", sign: 1 | -1): Look => ({
  samples: 1,
  at: (p) => ({ a: {}, b: { transform: `translate${axis}(${pct(sign * (1 - p))})` } }),
});
// reveal*: `a` slides away uncovering a still `b` (b is cut to the uncovered part, being on top).
const reveal = (axis: "X" | "Y", sign: 1 | -1, uncovered: (P: number) => string): Look => ({
  samples: 1,
  at: (p) => ({ a: { transform: `translate${axis}(${pct(-sign * p)})` }, b: { clipPath: uncovered(1 - p) } }),
});
const soft = (mask: () => string, m: (P: number) => number): Look => ({
  samples: 1,
  mask,
  at: (p) => ({ a: {}, b: { m: m(1 - p) } }),
});
// fadeblack / fadewhite / fadegrays: out = mix(mix(a, bg, s1), mix(bg, b, s2), P) with
// s1 = smoothstep(0.8, 1, P), s2 = smoothstep(0.2, 1, P). With `b` over `a` over the backdrop:
// b's opacity is its weight, a's is its weight over what b leaves.
// 128 keyframes: with 32 the piecewise-linear opacity strayed up to 3.75 levels (of 255) from
// xfade's curve where the smoothsteps bend (p near 0 and 0.2); 64 → 1.05, 128 → 0.28.
const throughColour = (backdrop: string): Look => ({
  samples: 128,
  backdrop,
  at: (p) => {
    const P = 1 - p;
    const wa = P * smoothstep(0.8, 1, P);
    const wb = (1 - P) * (1 - smoothstep(0.2, 1, P));
    return { a: { opacity: wb < 1 ? Math.min(1, wa / (1 - wb)) : 0 }, b: { opacity: wb } };
  },
});
const squeeze = (axis: "X" | "Y"): Look => ({
  samples: 32,
  at: (p) => {
    const P = Math.max(1 - p, 0);
    const lo = pct((1 - P) / 2);
    const hi = pct((1 + P) / 2);
    // `b` everywhere but the band `a` is squeezed into (evenodd: the inner rectangle is a hole).
    const band =
      axis === "Y"
        ? `0 ${lo}, 100% ${lo}, 100% ${hi}, 0 ${hi}, 0 ${lo}`
        : `${lo} 0, ${hi} 0, ${hi} 100%, ${lo} 100%, ${lo} 0`;
    return {
      a: { transform: `scale${axis}(${decimal(P, 5)})` },
      b: { clipPath: `polygon(evenodd, 0 0, 100% 0, 100% 100%, 0 100%, 0 0, ${band})` },
    };
  },
});

const LOOKS: Record<string, Look> = {
  fade: { samples: 1, at: (p) => ({ a: {}, b: { opacity: p } }) },
  fadeblack: throughColour("#000"),
  fadewhite: throughColour("#fff"),
  fadegrays: {
    // The same smoothstep(0.8, 1, P) bend as fadeblack's, in grayscale(): 128 keyframes.
    samples: 128,
    at: (p) => {
      const P = 1 - p;
      return {
        a: { filter: `grayscale(${decimal(1 - smoothstep(0.8, 1, P), 5)})` },
        b: { filter: `grayscale(${decimal(smoothstep(0.2, 1, P), 5)})`, opacity: p },
      };
    },
  },
  // Hard wipes: `b` shows beyond the moving edge (x > W·P for wipeleft, and so on).
  wipeleft: wipe((P) => `inset(0 0 0 ${pct(P)})`),
  wiperight: wipe((P) => `inset(0 ${pct(P)} 0 0)`),
  wipeup: wipe((P) => `inset(${pct(P)} 0 0 0)`),
  wipedown: wipe((P) => `inset(0 0 ${pct(P)} 0)`),
  // Corner wipes: `a` keeps a shrinking corner rectangle, `b` the rest (an L-shaped polygon).
  wipetl: wipe((P) => `polygon(${pct(P)} 0, 100% 0, 100% 100%, 0 100%, 0 ${pct(P)}, ${pct(P)} ${pct(P)})`),
  wipetr: wipe((P, p) => `polygon(0 0, ${pct(p)} 0, ${pct(p)} ${pct(P)}, 100% ${pct(P)}, 100% 100%, 0 100%)`),
  wipebl: wipe((P, p) => `polygon(0 0, 100% 0, 100% 100%, ${pct(P)} 100%, ${pct(P)} ${pct(p)}, 0 ${pct(p)})`),
  wipebr: wipe((_P, p) => `polygon(0 0, 100% 0, 100% ${pct(p)}, ${pct(p)} ${pct(p)}, ${pct(p)} 100%, 0 100%)`),
  // Slides: both clips move; `a` leaves as `b` enters from the opposite side.
  slideleft: slide("X", 1),
  slideright: slide("X", -1),
  slideup: slide("Y", 1),
  slidedown: slide("Y", -1),
  coverleft: cover("X", 1),
  coverright: cover("X", -1),
  coverup: cover("Y", 1),
  coverdown: cover("Y", -1),
  revealleft: reveal("X", 1, (P) => `inset(0 0 0 ${pct(P)})`),
  revealright: reveal("X", -1, (P) => `inset(0 ${pct(P)} 0 0)`),
  revealup: reveal("Y", 1, (P) => `inset(${pct(P)} 0 0 0)`),
  revealdown: reveal("Y", -1, (P) => `inset(0 0 ${pct(P)} 0)`),
  // Soft edges: b's alpha = smoothstep(c(position) + m(P)), from each look's formula.
  smoothleft: soft(linearMask("to right", (q) => q), (P) => 1 - 2 * P),
  smoothright: soft(linearMask("to right", (q) => 1 - q), (P) => 1 - 2 * P),
  smoothup: soft(linearMask("to bottom", (q) => q), (P) => 1 - 2 * P),
  smoothdown: soft(linearMask("to bottom", (q) => 1 - q), (P) => 1 - 2 * P),
  // circleopen: a·s + b·(1 − s), s = smoothstep(r/z + 3(P − ½)) ⇒ alpha_b = smoothstep(1 − r/z − 3(P − ½)).
  circleopen: soft(radialMask((q) => -q), (P) => 2.5 - 3 * P),
  circleclose: soft(radialMask((q) => q), (P) => 1.5 - 3 * P),
  vertopen: soft(linearMask("to right", (q) => -Math.abs(2 * q - 1)), (P) => 2 - 2 * P),
  vertclose: soft(linearMask("to right", (q) => Math.abs(2 * q - 1)), (P) => 1 - 2 * P),
  horzopen: soft(linearMask("to bottom", (q) => -Math.abs(2 * q - 1)), (P) => 2 - 2 * P),
  horzclose: soft(linearMask("to bottom", (q) => Math.abs(2 * q - 1)), (P) => 1 - 2 * P),
  // radial: smooth = atan2(x − w/2, y − h/2) − (P − ½)·2.5π; that angle is π − φ for the conic
  // angle φ (clockwise from the top).
  radial: soft(conicMask((q) => Math.PI - 2 * Math.PI * q), (P) => -(P - 0.5) * 2.5 * Math.PI),
  // circlecrop / rectcrop: a shrinking circle / rectangle of `a` on black, then a growing one of `b`.
  circlecrop: {
    samples: 64,
    backdrop: "#000",
    at: (p, { width, height }) => {
      const P = 1 - p;
      const r = (2 * Math.abs(P - 0.5)) ** 3 * Math.hypot(width / 2, height / 2);
      const clip = `circle(${px(r)} at 50% 50%)`;
      return { a: { opacity: P >= 0.5 ? 1 : 0, clipPath: clip }, b: { opacity: P < 0.5 ? 1 : 0, clipPath: clip } };
    },
  },
  rectcrop: {
    samples: 64,
    backdrop: "#000",
    at: (p) => {
      const P = 1 - p;
      const inset = `inset(${pct(0.5 - Math.abs(P - 0.5))})`;
      return { a: { opacity: P >= 0.5 ? 1 : 0, clipPath: inset }, b: { opacity: P < 0.5 ? 1 : 0, clipPath: inset } };
    },
  },
  squeezeh: squeeze("Y"),
  squeezev: squeeze("X"),
  // zoomin: `a` magnified about its centre by 1/smoothstep(0.5, 1, P) (to its centre pixel by
  // mid-transition), mixed with `b` by smoothstep(0, 0.5, P).
  zoomin: {
    samples: 48,
    at: (p) => {
      const P = 1 - p;
      const zf = Math.max(smoothstep(0.5, 1, P), 0.002);
      return { a: { transform: `scale(${decimal(1 / zf, 4)})` }, b: { opacity: 1 - smoothstep(0, 0.5, P) } };
    },
  },
};

// dissolve: xfade shows `b` where a per-pixel noise value is below the elapsed fraction
// (frand(x, y) < 1 − P). Approximated with a 64 px tile of that noise thresholded at 24 levels
// (mask images swapped by the animation): the share of `b` pixels follows xfade exactly.
const DISSOLVE_TILE = 64;
const DISSOLVE_LEVELS = 24;
let dissolveMasks: string[] | null = null;
function dissolveMaskUrls(): string[] {
  if (!dissolveMasks) {
    // xfade's own hash: fract(sin(x·12.9898 + y·78.233)·43758.545).
    const noise = (x: number, y: number) => {
      const r = Math.sin(x * 12.9898 + y * 78.233) * 43758.545;
      return r - Math.floor(r);
    };
    dissolveMasks = Array.from({ length: DISSOLVE_LEVELS + 1 }, (_, k) =>
      dataUrl("image/png", maskPng(DISSOLVE_TILE, DISSOLVE_TILE, (x, y) => noise(x, y) < k / DISSOLVE_LEVELS)),
    );
  }
  return dissolveMasks;
}

export const SUPPORTED_TRANSITIONS: readonly string[] = [...Object.keys(LOOKS), "dissolve"].sort();

export function checkTransitionName(name: string, where: string): void {
  if (!SUPPORTED_TRANSITIONS.includes(name)) {
    throw new ComposeError(
      `${where}: transition "${name}" is not supported; supported transitions: ${SUPPORTED_TRANSITIONS.join(", ")}`,
    );
  }
}

export interface TransitionCss {
  /** Keyframes and rules for the page's stylesheet. */
  css: string;
  /** The outgoing clip's wrapper: style attribute and class. */
  a: { style: string; className: string };
  /** The incoming clip's wrapper. */
  b: { style: string; className: string };
  /** A colour to show behind both clips during the transition. */
  backdrop?: string;
  /** Images the page must decode before the first frame (dissolve masks). */
  preload: string[];
}

const animation = (name: string, start: number, duration: number) =>
  `animation: ${name} ${decimal(duration * 1000, 3)}ms linear ${decimal(start * 1000, 3)}ms 1 normal none;`;

function declarations(state: LayerState): string {
  const out: string[] = [];
  if (state.opacity !== undefined) out.push(`--vg-o: ${decimal(state.opacity, 5)}`);
  if (state.transform !== undefined) out.push(`transform: ${state.transform}`);
  if (state.clipPath !== undefined) out.push(`clip-path: ${state.clipPath}`);
  if (state.filter !== undefined) out.push(`filter: ${state.filter}`);
  if (state.m !== undefined) out.push(`--vg-m: ${decimal(state.m, 5)}`);
  return out.join("; ");
}

/**
 * The animated variables, registered so they animate: the mask variable --vg-m (its initial
 * value shows all of `b`) and the opacity --vg-o (initial 1: opaque), not inherited.
 */
export const MASK_PROPERTY_CSS =
  "@property --vg-m { syntax: '<number>'; inherits: false; initial-value: 1000; }\n" +
  "@property --vg-o { syntax: '<number>'; inherits: false; initial-value: 1; }";

/** The style that applies --vg-o to a wrapper whose animation sets it. */
const OPACITY_FROM_VARIABLE = " opacity: var(--vg-o);";

/**
 * CSS for transition `name` from `start` (seconds on the timeline) lasting `duration`;
 * `id` makes its keyframe names unique.
 */
export function transitionCss(name: string, id: string, start: number, duration: number, frame: Frame): TransitionCss {
  if (name === "dissolve") {
    const urls = dissolveMaskUrls();
    const frames = urls.map((url, k) => `${pct(k / DISSOLVE_LEVELS)} { mask-image: url("${url}"); }`).join(" ");
    return {
      css:
        `@keyframes ${id}-b { ${frames} }\n` +
        `.${id}-b { mask-size: ${DISSOLVE_TILE}px ${DISSOLVE_TILE}px; mask-repeat: repeat; mask-position: 0 0; }`,
      a: { style: "", className: "" },
      b: { style: animation(`${id}-b`, start, duration), className: `${id}-b` },
      preload: urls,
    };
  }
  const look = LOOKS[name];
  if (!look) throw new ComposeError(`transition "${name}" is not supported`);
  const aFrames: string[] = [];
  const bFrames: string[] = [];
  let aOpacity = false;
  let bOpacity = false;
  for (let k = 0; k <= look.samples; k++) {
    const p = k / look.samples;
    const { a, b } = look.at(p, frame);
    aOpacity ||= a.opacity !== undefined;
    bOpacity ||= b.opacity !== undefined;
    aFrames.push(`${pct(p)} { ${declarations(a)} }`);
    bFrames.push(`${pct(p)} { ${declarations(b)} }`);
  }
  const css: string[] = [];
  const aHas = aFrames.some((f) => !f.endsWith("{  }"));
  if (aHas) css.push(`@keyframes ${id}-a { ${aFrames.join(" ")} }`);
  css.push(`@keyframes ${id}-b { ${bFrames.join(" ")} }`);
  if (look.mask) css.push(`.${id}-b { mask-image: ${look.mask(frame)}; mask-size: 100% 100%; mask-repeat: no-repeat; }`);
  return {
    css: css.join("\n"),
    a: { style: aHas ? animation(`${id}-a`, start, duration) + (aOpacity ? OPACITY_FROM_VARIABLE : "") : "", className: "" },
    b: { style: animation(`${id}-b`, start, duration) + (bOpacity ? OPACITY_FROM_VARIABLE : ""), className: look.mask ? `${id}-b` : "" },
    ...(look.backdrop ? { backdrop: look.backdrop } : {}),
    preload: [],
  };
}
