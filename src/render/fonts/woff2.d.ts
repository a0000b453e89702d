// Wrangler's Data rule for *.woff2 (wrangler.toml; the vitest plugin applies the same rules)
// imports a font file as an ArrayBuffer.
declare module "*.woff2" {
  const bytes: ArrayBuffer;
  export default bytes;
}
