// Runs transpiled scene code in a fresh QuickJS runtime and returns the JSON text of its
// element tree. Everything the code can reach lives inside the wasm VM; the host only exposes
// a few functions to the prelude (resolve an awaited element, report a fatal problem, log) and
// the module loader.
import type { QuickJSContext, QuickJSHandle } from "quickjs-emscripten-core";
import type { ResolvedMedia, VargElementJson } from "../tree.ts";
import { SandboxError } from "./errors.ts";
import type { SandboxLimits } from "./limits.ts";
import { importLocation, SCENE_FILE, SCENE_PREFIX } from "./locate.ts";
import { discardQuickJS, quickJS } from "./quickjs.ts";
import { cpuExceeded, type DescribedError, fromVmError } from "./vm-errors.ts";
import { tagName, VM_MODULES } from "./vm-source/modules.ts";
import { PRELUDE } from "./vm-source/prelude.ts";

export type Resolver = (el: VargElementJson, context: { signal: AbortSignal }) => Promise<ResolvedMedia>;

export interface VmOptions {
  limits: SandboxLimits;
  /** Called for each element the code awaits, after `checkAwaited` accepted it. */
  resolve?: Resolver;
  /** Parses and validates the JSON of an awaited element (throws SandboxError when bad). */
  checkAwaited: (json: string) => VargElementJson;
  /** The submitted source and what it was transpiled to, for locations in messages. */
  source: string;
  transpiled: string;
}

export interface VmResult {
  json: string;
  /** What the host resolved, by element id. */
  resolved: Map<string, ResolvedMedia>;
  logs: string[];
}

/** A failure of the host's resolver: rethrown as is (it is not the code's fault). */
class ResolverFailure {
  readonly error: unknown;
  constructor(error: unknown) {
    this.error = error;
  }
}

type Disposable = { dispose(): void; alive: boolean };

export async function runInVm(js: string, opts: VmOptions): Promise<VmResult> {
  const { limits } = opts;
  const runtime = (await quickJS()).newRuntime();
  const owned: Disposable[] = [];
  const own = <T extends Disposable>(h: T): T => {
    owned.push(h);
    return h;
  };
  const inflight = new Set<Promise<void>>();
  const abort = new AbortController();
  const resolved = new Map<string, ResolvedMedia>();
  const logs: string[] = [];
  // Mutable run state, set from VM callbacks (an object, so TypeScript does not narrow it).
  const run = {
    fatal: undefined as SandboxError | ResolverFailure | undefined,
    interrupts: 0,
    cpuExceeded: false,
    /** Set by the start module: from then on, a module request is a dynamic import(). */
    started: false,
    /** Wall time spent in finished VM calls, and when the current one started (0: none). */
    vmMs: 0,
    vmSince: 0,
    squeezed: false,
  };

  // Every entry into the VM goes through here, so time spent awaiting the host is not counted.
  const inVm = <T>(fn: () => T): T => {
    run.vmSince = Date.now();
    try {
      return fn();
    } finally {
      run.vmMs += Date.now() - run.vmSince;
      run.vmSince = 0;
    }
  };
  // Stopping: the interrupt error QuickJS throws is uncatchable, but async functions and promise
  // executors turn any exception into a rejection, so `for (;;) spinAsync()` would absorb one
  // interrupt per call and go on. Once the run must end, nothing may allocate any more: every
  // call of an async function, every promise and every error object then fails at once, the
  // stack unwinds to the host within a few interrupt checks, and stack-overflow storms stop
  // paying for stack traces (an error that cannot be allocated is thrown as null, untraced).
  const squeeze = () => {
    if (!run.squeezed) runtime.setMemoryLimit(1);
    run.squeezed = true;
  };
  const setFatal = (err: SandboxError | ResolverFailure) => {
    run.fatal ??= err;
    squeeze();
  };
  /** Why the run must end regardless of what the VM reports, if it must. */
  const decided = (): Error | undefined => {
    if (run.fatal instanceof ResolverFailure) return run.fatal.error as Error;
    if (run.fatal) return run.fatal;
    if (run.cpuExceeded) return cpuExceeded(limits, run.interrupts);
    return undefined;
  };

  try {
    runtime.setMemoryLimit(limits.memoryBytes);
    runtime.setMaxStackSize(limits.stackBytes);
    runtime.setInterruptHandler(() => {
      if (!run.fatal && !run.cpuExceeded) {
        if (++run.interrupts > limits.maxInterrupts) run.cpuExceeded = true;
        else if (run.vmSince && run.vmMs + (Date.now() - run.vmSince) > limits.maxRunMs) run.cpuExceeded = true;
        else return false;
      }
      squeeze();
      return true;
    });
    runtime.setModuleLoader(
      (name) => {
        const source = VM_MODULES[name];
        if (source !== undefined) return source;
        const message = `unsupported import ${JSON.stringify(name)}: only vargai/react and vargai/ai are available`;
        setFatal(new SandboxError(message, importLocation(opts.source, name)));
        return { error: new Error(message) };
      },
      // Every import, static or dynamic, is normalized first (even of an already loaded module).
      // Static imports are all linked before the scene's first line runs (the start module is its
      // first import), so a request after that is a dynamic import(). Names stay as written.
      (_base, requested) => {
        if (!run.started) return requested;
        const message = `dynamic import(${JSON.stringify(requested)}) is not supported: use a static import at the top of the code`;
        setFatal(new SandboxError(message, importLocation(opts.source, requested, true)));
        return { error: new Error(message) };
      },
    );
    const ctx = own(runtime.newContext());

    // ---- the bridge the prelude receives ----
    const bridge = own(ctx.newObject());
    const limitsHandle = own(ctx.newObject());
    for (const key of ["maxBulkChars", "maxElements", "maxTreeBytes", "maxAwaits"] as const) {
      ctx.setProp(limitsHandle, key, own(ctx.newNumber(limits[key])));
    }
    ctx.setProp(bridge, "limits", limitsHandle);
    const fn = (name: string, impl: Parameters<QuickJSContext["newFunction"]>[1]) => ctx.setProp(bridge, name, own(ctx.newFunction(name, impl)));
    fn("fatal", (msg) => setFatal(new SandboxError(ctx.getString(msg))));
    fn("started", () => {
      run.started = true;
    });
    fn("log", (level, text) => {
      if (logs.length < limits.maxLogLines) logs.push(`${ctx.getString(level)}: ${ctx.getString(text)}`);
    });
    fn("resolve", (jsonHandle) => {
      // On a fatal problem the run ends (setFatal stops the VM): returning nothing is enough.
      let element: VargElementJson;
      try {
        element = opts.checkAwaited(ctx.getString(jsonHandle));
      } catch (err) {
        setFatal(err instanceof SandboxError ? err : new SandboxError(String(err)));
        return;
      }
      const resolver = opts.resolve;
      if (!resolver) {
        setFatal(new SandboxError(`awaiting <${tagName(element.type)}> needs its media resolved, which is not available here`));
        return;
      }
      const deferred = own(ctx.newPromise());
      const task = resolver(element, { signal: abort.signal }).then(
        (media) => {
          resolved.set(element.id, media);
          if (!deferred.alive) return; // the run is over
          const text = ctx.newString(JSON.stringify(media));
          deferred.resolve(text);
          text.dispose();
        },
        (err: unknown) => setFatal(new ResolverFailure(err)),
      );
      const settled: Promise<void> = task.finally(() => inflight.delete(settled));
      inflight.add(settled);
      return deferred.handle.dup();
    });

    // ---- prelude ----
    const prelude = own(orThrow(ctx, inVm(() => ctx.evalCode(PRELUDE, "varg-prelude.js", { type: "global", strict: true }))));
    const internals = own(orThrow(ctx, inVm(() => ctx.callFunction(prelude, ctx.undefined, bridge))));
    const finalize = own(ctx.getProp(internals, "finalize"));
    const describeError = own(ctx.getProp(internals, "describeError"));

    const failure = (errHandle: QuickJSHandle): Error => {
      const early = decided();
      if (early) return early;
      let info: DescribedError = { name: "", message: "code failed", stack: "" };
      const described = inVm(() => ctx.callFunction(describeError, ctx.undefined, errHandle));
      if (described.error) described.error.dispose();
      else {
        info = JSON.parse(ctx.getString(described.value)) as DescribedError;
        described.value.dispose();
      }
      return decided() ?? fromVmError(info, limits, opts.source, opts.transpiled);
    };
    const valueOrFail = (result: ReturnType<QuickJSContext["evalCode"]>): QuickJSHandle => {
      if (result.error) throw failure(own(result.error));
      return (result as { value: QuickJSHandle }).value;
    };

    // Runs jobs until `promise` settles, waiting for the host's resolves in between.
    const settle = async (promise: QuickJSHandle): Promise<QuickJSHandle> => {
      for (;;) {
        const ran = inVm(() => runtime.executePendingJobs());
        if (ran.error) throw failure(own(ran.error));
        const early = decided();
        if (early) throw early;
        const state = ctx.getPromiseState(promise);
        if (state.type === "fulfilled") return state.notAPromise ? promise.dup() : state.value;
        if (state.type === "rejected") throw failure(own(state.error));
        if (runtime.hasPendingJob()) continue;
        if (inflight.size === 0) throw new SandboxError("code never finished: a promise it awaited never settled");
        await Promise.race(inflight);
      }
    };

    // ---- the scene module, then its default export finalized into JSON ----
    // The start module is imported first, on the same line, so that line numbers stay right.
    const moduleSource = SCENE_PREFIX + js;
    const modulePromise = own(valueOrFail(inVm(() => ctx.evalCode(moduleSource, SCENE_FILE, { type: "module", strict: true }))));
    const namespace = own(await settle(modulePromise));
    const exported = own(ctx.getProp(namespace, "default"));
    if (ctx.typeof(exported) === "undefined") {
      throw new SandboxError("the code has no default export: it must `export default` a <Render> element");
    }
    const finalized = own(valueOrFail(inVm(() => ctx.callFunction(finalize, ctx.undefined, exported))));
    const jsonHandle = own(await settle(finalized));
    const early = decided();
    if (early) throw early;
    if (ctx.typeof(jsonHandle) !== "string") throw new SandboxError("the scene could not be serialized");
    return { json: ctx.getString(jsonHandle), resolved, logs };
  } catch (err) {
    if (err instanceof SandboxError || (run.fatal instanceof ResolverFailure && err === run.fatal.error)) throw err;
    // A host-level failure (a wasm trap, the host stack overflowing inside the VM): the wasm
    // instance may be left inconsistent, so the next evaluation gets a fresh one.
    discardQuickJS();
    if (err instanceof RangeError) throw new SandboxError(`code recursed too deeply (the sandbox's host stack overflowed): ${err.message}`);
    throw new SandboxError(`the sandbox failed while running the code: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    abort.abort(); // resolves still running are no longer wanted
    try {
      // Freeing should not allocate, but give the runtime room again before tearing it down.
      if (run.squeezed) runtime.setMemoryLimit(limits.memoryBytes);
      for (const h of owned.reverse()) if (h.alive) h.dispose();
      runtime.dispose();
    } catch {
      discardQuickJS();
    }
  }
}

/** The value of a trusted call (the prelude), or an internal error. */
function orThrow(ctx: QuickJSContext, result: ReturnType<QuickJSContext["evalCode"]>): QuickJSHandle {
  if (!result.error) return result.value;
  const detail = JSON.stringify(ctx.dump(result.error));
  result.error.dispose();
  throw new Error(`the sandbox prelude failed: ${detail}`);
}
