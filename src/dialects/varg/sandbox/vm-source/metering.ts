// Part of the prelude (prelude.ts): source text run inside the QuickJS VM, in the prelude's
// function scope (shared names: host, L, the captured built-ins, charge, describe, …).
//
// QuickJS only checks for interrupts between bytecodes (every ~10k), so a single built-in call
// like "x".repeat(1e7) runs unchecked and a loop of them would take seconds per check. Bulk
// built-ins are wrapped to charge the characters/elements they touch against one budget; past
// it they refuse and the run is stopped. Operators (spread, +, ===, for-in) cannot be wrapped:
// see limits.ts (maxRunMs) for what bounds those.

export const METERING = String.raw`// ---- metering of bulk built-ins ----
// QuickJS only checks for interrupts between bytecodes, so one call like "x".repeat(1e7) runs
// unchecked; a loop of them would take seconds per check. Every bulk built-in is charged for the
// characters/elements it touches; past the budget it refuses and the run is stopped.
let bulkLeft = L.maxBulkChars;
const bulkMessage = "code did too much string/array work (over " + L.maxBulkChars + " characters or elements built by repeat, padStart, join and similar built-ins)";
function charge(n) {
  if (!(n > 0)) return;
  bulkLeft -= n;
  if (bulkLeft < 0) { hostFatal(bulkMessage); throw new RangeError(bulkMessage); }
}
const sizeOf = (v) => (typeof v === "string" || isArray(v)) ? v.length : 0;
function meter(proto, name, pre, chargeThis) {
  const orig = proto[name];
  if (typeof orig !== "function") return;
  const wrapped = { [name](...args) {
    if (pre) charge(pre(this, args));
    if (chargeThis) charge(sizeOf(this) || (typeof this === "string" ? 0 : (this && this.length) | 0));
    const out = apply(orig, this, args);
    charge(sizeOf(out));
    return out;
  } }[name];
  defineProp(proto, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
}
const repeatCost = (s, a) => S(s).length * (N(a[0]) || 0);
const padCost = (s, a) => N(a[0]) || 0;
for (const name of ["repeat"]) meter(S.prototype, name, repeatCost, false);
for (const name of ["padStart", "padEnd"]) meter(S.prototype, name, padCost, false);
for (const name of ["concat", "replace", "replaceAll", "split", "toLowerCase", "toUpperCase", "toLocaleLowerCase",
  "toLocaleUpperCase", "normalize", "trim", "trimStart", "trimEnd", "indexOf", "lastIndexOf", "includes", "startsWith",
  "endsWith", "localeCompare", "match", "matchAll", "search", "isWellFormed", "toWellFormed"]) meter(S.prototype, name, null, true);
// Cost of these is their result (charged after the call).
for (const name of ["slice", "substring", "substr"]) meter(S.prototype, name, null, false);
for (const name of ["join", "toString", "toLocaleString", "indexOf", "lastIndexOf", "includes", "slice", "concat",
  "reverse", "fill", "copyWithin", "flat", "sort", "splice", "toSorted", "toReversed", "toSpliced", "with"]) meter(A.prototype, name, null, true);
meter(A, "from", null, false);
meter(A, "of", null, false);
meter(J, "stringify", null, false);
meter(J, "parse", (_, a) => S(a[0]).length, false);
meter(O, "keys", null, false);
meter(O, "values", null, false);
meter(O, "entries", null, false);
meter(O, "getOwnPropertyNames", null, false);
meter(O, "assign", (_, a) => { let n = 0; for (let i = 1; i < a.length; i++) n += sizeOf(a[i]); return n; }, false);
meter(O, "fromEntries", (_, a) => sizeOf(a[0]), false);
// Spreading a big array into arguments copies it in one step.
meter(Function.prototype, "apply", (_, a) => sizeOf(a[1]), false);
meter(R, "apply", (_, a) => sizeOf(a[2]), false);
meter(R, "construct", (_, a) => sizeOf(a[1]), false);
for (const name of ["push", "unshift"]) meter(A.prototype, name, (_, a) => a.length, false);
meter(S, "fromCharCode", (_, a) => a.length, false);
meter(S, "fromCodePoint", (_, a) => a.length, false);
// Binary data has no place in a scene (a tree is JSON) and typed arrays allocate and fill in
// one unchecked step.
for (const name of ["ArrayBuffer", "SharedArrayBuffer", "DataView", "Atomics", "Int8Array", "Uint8Array",
  "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array",
  "Float64Array", "BigInt64Array", "BigUint64Array"]) delete globalThis[name];
`;
