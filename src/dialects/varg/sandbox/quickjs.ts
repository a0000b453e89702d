// Loads the QuickJS wasm once per isolate. The wasm is imported by a path ending in `.wasm` so
// wrangler and the vitest plugin hand it over as a compiled WebAssembly.Module: Workers cannot
// compile wasm from bytes at runtime.
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from "quickjs-emscripten-core";
import releaseSync from "@jitl/quickjs-wasmfile-release-sync";
import wasmModule from "../../../../node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm";

const variant = newVariant(releaseSync, { wasmModule: wasmModule as WebAssembly.Module });

let loading: Promise<QuickJSWASMModule> | undefined;

export function quickJS(): Promise<QuickJSWASMModule> {
  loading ??= newQuickJSWASMModuleFromVariant(variant).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/** Drops the shared instance (after a host-level failure such as a wasm trap) so the next
 *  evaluation starts from a fresh wasm instance instead of a possibly corrupt one. */
export function discardQuickJS(): void {
  loading = undefined;
}
