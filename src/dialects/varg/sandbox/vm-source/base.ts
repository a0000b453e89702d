// Start of the prelude (prelude.ts): source text run inside the QuickJS VM, in the prelude's
// function scope (shared names: host, L, the captured built-ins, charge, describe, …).
//
// Built-ins the sandbox relies on are captured here, before the scene can replace them, and
// values are described for messages in bounded length.

export const BASE = String.raw`const L = host.limits;
const hostResolve = host.resolve, hostFatal = host.fatal, hostLog = host.log;

// ---- built-ins captured before the scene can replace them ----
const O = Object, A = Array, S = String, N = Number, J = JSON, P = Promise, R = Reflect;
const apply = R.apply, ownKeys = O.keys, defineProp = O.defineProperty, getProto = O.getPrototypeOf;
const freeze = O.freeze, isArray = A.isArray, stringify = J.stringify, parse = J.parse;
const isFinite = N.isFinite, WM = WeakMap, WS = WeakSet, Px = Proxy;
const ObjectProto = O.prototype, PromiseProto = P.prototype;
const wmGet = WM.prototype.get, wmSet = WM.prototype.set, wmHas = WM.prototype.has;
const wsAdd = WS.prototype.add, wsHas = WS.prototype.has, wsDelete = WS.prototype.delete;
const promiseThen = PromiseProto.then;
const strSlice = S.prototype.slice, strEndsWith = S.prototype.endsWith;
const wm = () => { const m = new WM(); return { get: (k) => apply(wmGet, m, [k]), set: (k, v) => apply(wmSet, m, [k, v]), has: (k) => apply(wmHas, m, [k]) }; };
const ws = () => { const s = new WS(); return { add: (k) => apply(wsAdd, s, [k]), has: (k) => apply(wsHas, s, [k]), delete: (k) => apply(wsDelete, s, [k]) }; };
const then = (p, f, r) => apply(promiseThen, p, [f, r]);
const push = (arr, v) => { arr[arr.length] = v; };

// Errors the sandbox raises about the scene: the host reports their message alone.
class SceneError extends Error {}
defineProp(SceneError.prototype, "name", { value: "SceneError" });

// ---- describing values for messages (bounded) ----
function clip(s, n) { s = S(s); return s.length > n ? apply(strSlice, s, [0, n]) + "…" : s; }
function describe(v) {
  if (v === null) return "null";
  if (v === undefined) return "undefined";
  switch (typeof v) {
    case "string": return "string " + stringify(clip(v, 60));
    case "number": case "boolean": case "bigint": return typeof v + " " + S(v);
    case "symbol": return "a symbol";
    case "function": return "function " + (v.name || "(anonymous)");
  }
  if (isElementLike(v)) return "<" + displayName(v.type) + "> element";
  if (isArray(v)) return "an array of " + v.length;
  const proto = getProto(v);
  if (proto === PromiseProto) return "a Promise (await it first)";
  if (proto !== ObjectProto && proto !== null) {
    const ctor = proto && proto.constructor;
    return "a " + (ctor && ctor.name ? ctor.name : "object");
  }
  const ks = ownKeys(v);
  return "object {" + clip(ks.slice(0, 5).join(", "), 60) + (ks.length > 5 ? ", …" : "") + "}";
}
`;
