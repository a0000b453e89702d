// Evaluates untrusted varg TSX into an element tree: transpile (sucrase) → run in a fresh
// QuickJS VM with CPU, memory, stack and output limits → validate the tree. Bad code of any
// kind ends in a SandboxError; a failure of `options.resolve` is rethrown unchanged.
import { forEachElement, type ResolvedMedia, type VargElementJson } from "../tree.ts";
import { SandboxError } from "./errors.ts";
import { type SandboxLimits, withDefaults } from "./limits.ts";
import { transpile } from "./transpile.ts";
import { parseBounded, validateAwaited, validateTree } from "./validate.ts";
import { type Resolver, runInVm } from "./vm.ts";

export { SandboxError } from "./errors.ts";
export { DEFAULT_LIMITS, type SandboxLimits } from "./limits.ts";
export type { Resolver } from "./vm.ts";

export interface EvaluateOptions {
  /** Resolves an element the code awaits (`const s = await Speech(…)`): generation or probing
   *  happens here, outside the VM, and may take as long as it needs (it is not CPU-budgeted).
   *  Called once per awaited element, after the element passed validation; `signal` aborts when
   *  the evaluation ends (e.g. failed meanwhile). A rejection ends the evaluation and is rethrown
   *  unchanged. Without a resolver, awaiting an element is a SandboxError. */
  resolve?: Resolver;
  limits?: Partial<SandboxLimits>;
}

export interface Evaluation {
  tree: VargElementJson;
  /** Wall time of the whole evaluation (transpile, VM, validation), including resolves. */
  evalMs: number;
  /** console.* output of the code, as "level: text" lines (bounded). */
  logs: string[];
}

export async function evaluateScene(code: string, options: EvaluateOptions = {}): Promise<Evaluation> {
  const started = performance.now();
  if (typeof code !== "string") throw new SandboxError("code must be a string");
  const limits = withDefaults(options.limits);
  const js = transpile(code);
  const result = await runInVm(js, {
    limits,
    resolve: options.resolve,
    checkAwaited: (json) => validateAwaited(parseBounded(json, limits.maxTreeBytes), limits.maxElements),
    source: code,
    transpiled: js,
  });
  const tree = validateTree(parseBounded(result.json, limits.maxTreeBytes), limits.maxElements);
  attachResolved(tree, result.resolved);
  return { tree, evalMs: performance.now() - started, logs: result.logs };
}

/** `resolved` comes from what the host resolved, never from the VM's say-so. */
function attachResolved(tree: VargElementJson, resolved: Map<string, ResolvedMedia>): void {
  forEachElement(tree, (el) => {
    const media = resolved.get(el.id) ?? segmentMedia(el, resolved);
    if (media) el.resolved = media;
    else delete el.resolved;
  });
}

/** The window of a resolved Speech that a segment element (s.segments[i]) plays. */
function segmentMedia(node: VargElementJson, resolved: Map<string, ResolvedMedia>): ResolvedMedia | undefined {
  const ref = node.props.segment as { of?: unknown; index?: unknown } | undefined;
  if (node.type !== "speech" || !ref || typeof ref.of !== "string" || typeof ref.index !== "number") return undefined;
  const whole = resolved.get(ref.of);
  const segment = whole?.segments?.[ref.index];
  if (!whole || !segment) return undefined;
  return { duration: segment.duration, url: whole.url, mediaType: whole.mediaType, words: segment.words };
}
