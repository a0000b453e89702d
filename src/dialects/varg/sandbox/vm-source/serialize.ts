// Part of the prelude (prelude.ts): source text run inside the QuickJS VM, in the prelude's
// function scope (shared names: host, L, the captured built-ins, charge, describe, …).
//
// Finishing a run: await async components, then turn the tree into JSON (ids by object
// identity, plain data only, bounded count/size/depth), and describe thrown values for the host.

export const FINISH = String.raw`// ---- finishing: async components, then JSON ----
// Returns an array of nodes (never an element directly: an async function returning a
// thenable element would await it, i.e. resolve its media).
async function expand(node, ancestors, budget) {
  if (node === null || node === undefined || typeof node !== "object") return [node];
  if (lazies.has(node)) {
    const v = await lazies.get(node);
    const items = isArray(v) ? normalizeChildren(v) : [v];
    const out = [];
    for (let i = 0; i < items.length; i++) {
      const r = await expand(items[i], ancestors, budget);
      for (let j = 0; j < r.length; j++) push(out, r[j]);
    }
    return out;
  }
  if (!isElementLike(node)) return [node];
  if (ancestors.has(node)) throw new SceneError("<" + displayName(node.type) + "> contains itself: the element tree has a cycle");
  if (++budget.count > L.maxElements) throw tooManyElements();
  ancestors.add(node);
  const kids = normalizeChildren(node.children);
  const out = [];
  for (let i = 0; i < kids.length; i++) {
    const r = await expand(kids[i], ancestors, budget);
    for (let j = 0; j < r.length; j++) push(out, r[j]);
  }
  ancestors.delete(node);
  resolvedChildren.set(node, out);
  return [node];
}
const resolvedChildren = wm();
const tooManyElements = () => new SceneError("the scene has more than " + L.maxElements + " elements");

function Serializer(maxElements) {
  this.count = 0;
  this.max = maxElements;
  this.onPath = ws();
}
const MAX_DEPTH = 64;
function tooBig() { return new SceneError("the scene is larger than " + L.maxTreeBytes + " bytes of JSON"); }
function at(path) { return path ? " at " + path : ""; }
Serializer.prototype.element = function (el, path, depth) {
  if (++this.count > this.max) throw tooManyElements();
  if (depth > MAX_DEPTH) throw new SceneError("the element tree is nested more than " + MAX_DEPTH + " levels deep" + at(path));
  if (this.onPath.has(el)) throw new SceneError("<" + displayName(el.type) + ">" + at(path) + " contains itself: the element tree has a cycle");
  if (typeof el.type !== "string" || el.type.length > 100) throw new SceneError("element" + at(path) + " has an invalid type");
  this.onPath.add(el);
  const out = { type: el.type, id: idOf(el), props: {}, children: [] };
  const name = "<" + displayName(el.type) + ">" + at(path);
  const ks = ownKeys(el.props);
  for (let i = 0; i < ks.length; i++) {
    const k = ks[i];
    if (k === "key" || k === "children") continue;
    const v = this.value(el.props[k], name, k, path, depth + 1);
    if (v !== undefined) out.props[k] = v;
  }
  const kids = resolvedChildren.get(el) || normalizeChildren(el.children);
  const counts = {};
  for (let i = 0; i < kids.length; i++) {
    const c = kids[i];
    if (c === null || c === undefined || c === false || c === true) continue;
    if (typeof c === "string") { if (c.length > L.maxTreeBytes) throw tooBig(); push(out.children, c); continue; }
    if (typeof c === "number") { push(out.children, S(c)); continue; }
    if (isElementLike(c)) {
      const idx = counts[c.type] = (counts[c.type] === undefined ? 0 : counts[c.type] + 1);
      push(out.children, this.element(c, (path ? path + " > " : "") + c.type + "[" + idx + "]", depth + 1));
      continue;
    }
    if (typeof c === "object" && lazies.has(c)) throw new SceneError("child " + i + " of " + name + " is the result of async component <" + lazyNames.get(c) + "> that was never awaited");
    if (typeof c === "function") throw new SceneError("child " + i + " of " + name + " is " + describe(c) + ", not an element (did you mean <" + (c.name || "Component") + " />?)");
    throw new SceneError("child " + i + " of " + name + " is not an element: got " + describe(c) + " (a component must return an element, an array of elements, text or null)");
  }
  if (resolvedMedia.has(el)) out.resolved = resolvedMedia.get(el);
  this.onPath.delete(el);
  return out;
};
Serializer.prototype.value = function (v, owner, prop, path, depth) {
  if (v === undefined) return undefined;
  if (v === null || typeof v === "boolean") return v;
  if (typeof v === "string") { if (v.length > L.maxTreeBytes) throw tooBig(); return v; }
  if (typeof v === "number") {
    if (!isFinite(v)) throw new SceneError(owner + ': prop "' + prop + '" is ' + S(v) + ", which is not a usable number");
    return v;
  }
  if (typeof v === "function") throw new SceneError(owner + ': prop "' + prop + '" is ' + describe(v) + "; props must be data (strings, numbers, booleans, arrays, objects, elements)");
  if (typeof v !== "object") throw new SceneError(owner + ': prop "' + prop + '" is ' + describe(v) + ", which cannot be part of a scene");
  if (depth > MAX_DEPTH) throw new SceneError(owner + ': prop "' + prop + '" is nested more than ' + MAX_DEPTH + " levels deep");
  if (isElementLike(v)) return this.element(v, (path ? path + " > " : "") + prop, depth);
  if (lazies.has(v)) throw new SceneError(owner + ': prop "' + prop + '" is the result of async component <' + lazyNames.get(v) + ">; async components can only be used as children");
  if (this.onPath.has(v)) throw new SceneError(owner + ': prop "' + prop + '" refers to itself (a circular object)');
  this.onPath.add(v);
  let out;
  if (isArray(v)) {
    out = [];
    for (let i = 0; i < v.length; i++) {
      const x = this.value(v[i], owner, prop + "[" + i + "]", path, depth + 1);
      push(out, x === undefined ? null : x);
    }
  } else {
    const proto = getProto(v);
    if (proto !== ObjectProto && proto !== null) throw new SceneError(owner + ': prop "' + prop + '" is ' + describe(v) + "; props must be plain data");
    out = {};
    const ks = ownKeys(v);
    for (let i = 0; i < ks.length; i++) {
      const x = this.value(v[ks[i]], owner, prop + "." + ks[i], path, depth + 1);
      if (x !== undefined) out[ks[i]] = x;
    }
  }
  this.onPath.delete(v);
  return out;
};
function toJson(tree) {
  const text = stringify(tree);
  if (text.length > L.maxTreeBytes) throw tooBig();
  return text;
}
function serializeElement(el, path) { return toJson(new Serializer(L.maxElements).element(el, path, 0)); }

async function finalize(exported) {
  let root = exported;
  // Like the SDK's CLI: a default-exported (async) function is called for its element.
  if (typeof root === "function") root = await root();
  if (lazies.has(root)) root = await lazies.get(root);
  if (!isElementLike(root)) {
    hostFatal("the default export must be a <Render> element, got " + describe(root));
    return "";
  }
  if (root.type !== "render") {
    hostFatal("the default export must be a <Render> element, got <" + displayName(root.type) + ">");
    return "";
  }
  await expand(root, ws(), { count: 0 });
  return toJson(new Serializer(L.maxElements).element(root, "render", 0));
}

// Error → JSON {name, message, line, column} (bounded; never throws).
function describeError(e) {
  try {
    let name = "", message, stack = "";
    if (e !== null && typeof e === "object" && typeof e.message === "string") {
      name = typeof e.name === "string" ? clip(e.name, 60) : "Error";
      message = clip(e.message, 1000);
      stack = typeof e.stack === "string" ? clip(e.stack, 4000) : "";
    } else {
      message = "code threw " + (typeof e === "string" ? stringify(clip(e, 1000)) : describe(e)) + " (not an Error)";
    }
    return stringify({ name, message, stack });
  } catch (_) {
    return stringify({ name: "", message: "code threw a value that cannot be described", stack: "" });
  }
}
`;
