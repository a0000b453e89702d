// Wrangler's CompiledWasm rule (and the vitest plugin, which applies the same rules) imports
// `.wasm` files as compiled WebAssembly.Module objects.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
