// Part of the prelude (prelude.ts): source text run inside the QuickJS VM, in the prelude's
// function scope (shared names: host, L, the captured built-ins, charge, describe, …).
//
// The varg SDK surface: element factories (like the SDK's src/react/elements.ts: props minus
// children, children normalized, media elements awaitable), the JSX runtime (async components
// become placeholders awaited at the end, as the SDK's "__lazy"), providers whose any
// `xxxModel(id, options)` returns a model reference, and globals the sandbox has no place for.
import { COMPONENTS, HIDDEN, PROVIDERS } from "./modules.ts";

export const SDK = String.raw`// ---- elements ----
const COMPONENTS = ${JSON.stringify(COMPONENTS)};
const NAMES = {};
for (const name of ownKeys(COMPONENTS)) NAMES[COMPONENTS[name]] = name;
const AWAITABLE = { image: 1, video: 1, speech: 1, music: 1, "talking-head": 1 };
function displayName(type) { return typeof type === "string" ? (NAMES[type] || type) : "?"; }
function isElementLike(v) {
  return typeof v === "object" && v !== null && typeof v.type === "string" &&
    typeof v.props === "object" && v.props !== null && isArray(v.children);
}
function normalizeChildren(c) {
  if (c === null || c === undefined) return [];
  if (!isArray(c)) return [c];
  const out = [];
  const walk = (arr, depth) => {
    if (depth > 64) throw new SceneError("children are nested in arrays too deeply");
    for (let i = 0; i < arr.length; i++) {
      const x = arr[i];
      if (isArray(x)) walk(x, depth + 1); else if (x !== null && x !== undefined) push(out, x);
    }
  };
  walk(c, 0);
  return out;
}

const ids = wm();            // element object → id: one object, one id
let nextId = 1;
const idOf = (el) => { let id = ids.get(el); if (!id) { id = "e" + nextId++; ids.set(el, id); } return id; };
const awaiting = wm();       // element → Promise of its resolution (awaiting twice resolves once)
const resolvedMedia = wm();  // element → media the host resolved it to
const lazies = wm();         // placeholder → Promise returned by an async component
const lazyNames = wm();
let awaitsLeft = L.maxAwaits;

function awaitElement(onFulfilled, onRejected) {
  const el = this;
  let p = awaiting.get(el);
  if (!p) {
    if (--awaitsLeft < 0) { hostFatal("code awaited more than " + L.maxAwaits + " elements"); return new P(() => {}); }
    let json;
    try { json = serializeElement(el, ""); }
    catch (e) { return then(P.reject(e), onFulfilled, onRejected); }
    p = then(hostResolve(json), (text) => {
      const media = parse(text);
      resolvedMedia.set(el, media);
      delete el.then; // resolved elements are no longer thenable (else awaiting them would loop)
      const meta = freeze({ duration: media.duration, url: media.url, mediaType: media.mediaType,
        width: media.width, height: media.height, words: media.words });
      const keys = ["duration", "url", "mediaType", "width", "height", "words"];
      for (let i = 0; i < keys.length; i++) defineProp(el, keys[i], { value: meta[keys[i]], enumerable: false, configurable: true });
      defineProp(el, "meta", { value: meta, enumerable: false, configurable: true });
      defineProp(el, "audio", { value: el, enumerable: false, configurable: true });
      defineProp(el, "segments", { value: segmentElements(el, media), enumerable: false, configurable: true });
      return el;
    });
    awaiting.set(el, p);
  }
  return then(p, onFulfilled, onRejected);
}

// A Speech of several lines resolves with one segment per line: a Speech element playing that
// window of the audio (cutFrom/cutTo), marked so the host attaches the window's own timings.
function segmentElements(el, media) {
  const list = isArray(media.segments) ? media.segments : [];
  const out = [];
  const of = idOf(el);
  for (let i = 0; i < list.length && i < 1000; i++) {
    const s = list[i];
    const props = {};
    const ks = ownKeys(el.props);
    for (let k = 0; k < ks.length; k++) props[ks[k]] = el.props[ks[k]];
    props.cutFrom = s.start;
    props.cutTo = s.end;
    props.segment = { of, index: i };
    const seg = { type: "speech", props, children: [S(s.text)] };
    const facts = { text: S(s.text), start: s.start, end: s.end, duration: s.duration, words: s.words };
    const fk = ownKeys(facts);
    for (let k = 0; k < fk.length; k++) defineProp(seg, fk[k], { value: facts[fk[k]], enumerable: false, configurable: true });
    push(out, freeze(seg));
  }
  return freeze(out);
}

function makeComponent(name, type) {
  const component = { [name](props) {
    if (props === undefined || props === null) props = {};
    if (typeof props !== "object" || isArray(props)) throw new SceneError(name + "(props) expects an object of props, got " + describe(props));
    const rest = {};
    const ks = ownKeys(props);
    for (let i = 0; i < ks.length; i++) if (ks[i] !== "children") rest[ks[i]] = props[ks[i]];
    let children = props.children;
    if ((type === "title" || type === "subtitle") && (children === undefined || children === null)) children = props.text;
    const el = { type, props: rest, children: normalizeChildren(children) };
    if (AWAITABLE[type]) defineProp(el, "then", { value: awaitElement, writable: true, configurable: true, enumerable: false });
    return el;
  } }[name];
  return freeze(component);
}

const react = {};
for (const name of ownKeys(COMPONENTS)) react[name] = makeComponent(name, COMPONENTS[name]);

// ---- JSX runtime ----
function isThenable(v) { return v !== null && (typeof v === "object" || typeof v === "function") && typeof v.then === "function"; }
function jsx(type, props, key) {
  if (typeof type !== "function") {
    if (typeof type === "string") throw new SceneError("<" + type + "> is not a varg component: JSX tags must be components imported from \"vargai/react\" or functions you define");
    throw new SceneError("a JSX tag must be a component function, got " + describe(type));
  }
  const p = {};
  if (props) { const ks = ownKeys(props); for (let i = 0; i < ks.length; i++) p[ks[i]] = props[ks[i]]; }
  if (key !== undefined) p.key = key;
  const out = type(p);
  // An async component returns a promise: keep a placeholder and await it at the end
  // (the SDK's "__lazy" elements). Awaitable elements are thenables too, but they are elements.
  if (isThenable(out) && !isElementLike(out)) {
    const lazy = freeze({});
    lazies.set(lazy, out);
    lazyNames.set(lazy, type.name || "anonymous");
    return lazy;
  }
  return out;
}
const Fragment = function Fragment(props) { return props ? props.children : undefined; };

// ---- providers ----
function provider(name) {
  const factories = {};
  return new Px(freeze({}), {
    get(_t, key) {
      if (typeof key !== "string" || key.length <= 5 || !apply(strEndsWith, key, ["Model"])) return undefined;
      const kind = apply(strSlice, key, [0, -5]);
      if (!factories[key]) factories[key] = freeze({ [key](id, options) {
        if (id !== undefined && typeof id !== "string") throw new SceneError(name + "." + key + "(id) expects a model id string, got " + describe(id));
        const m = { provider: name, kind, id: id === undefined ? "" : id };
        if (options !== undefined) m.options = options;
        return freeze({ $model: freeze(m) });
      } }[key]);
      return factories[key];
    },
    has(_t, key) { return typeof key === "string" && key.length > 5 && apply(strEndsWith, key, ["Model"]); },
    set() { return false; },
    defineProperty() { return false; },
  });
}
const ai = {};
for (const p of ${JSON.stringify(PROVIDERS)}) { ai[p] = provider(p); defineProp(globalThis, p, { value: ai[p], writable: true, configurable: true }); }

const started = host.started;
defineProp(globalThis, "${HIDDEN}", { value: freeze({ react: freeze(react), ai: freeze(ai), jsx: freeze({ jsx, jsxs: jsx, Fragment }), started: () => { started(); } }), enumerable: false, writable: false, configurable: false });

// ---- what the sandbox has no place for ----
// Plain functions (not methods), so that new WebSocket(…) reaches the message too.
const unavailable = (name, why) => { const f = function () { throw new SceneError(name + " is not available: " + why); }; defineProp(f, "name", { value: name }); defineProp(globalThis, name, { value: f, writable: true, configurable: true }); };
for (const n of ["fetch", "WebSocket", "XMLHttpRequest", "EventSource"]) unavailable(n, "scene code runs without network access");
for (const n of ["setTimeout", "setInterval", "setImmediate", "queueMicrotask"]) unavailable(n, "scene code has no timers");
defineProp(globalThis, "require", { value: function require(spec) {
  hostFatal("require(" + stringify(clip(S(spec), 100)) + ") is not supported: use import { … } from \"vargai/react\" or \"vargai/ai\"");
  throw new SceneError("require() is not supported");
}, writable: true, configurable: true });
const fmt = (args) => { let s = ""; for (let i = 0; i < args.length; i++) { const a = args[i]; s += (i ? " " : "") + (typeof a === "string" ? a : describe(a)); if (s.length > 1000) break; } return clip(s, 1000); };
const console_ = {};
for (const level of ["log", "info", "warn", "error", "debug"]) console_[level] = function (...args) { hostLog(level, fmt(args)); };
defineProp(globalThis, "console", { value: freeze(console_), writable: true, configurable: true });
`;
