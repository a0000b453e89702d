// The modules scene code may import, as source text for the VM's module loader. They only
// re-export what the prelude built and left on a hidden global.

/** Components of `vargai/react` and their element types. */
export const COMPONENTS = {
  Render: "render",
  Clip: "clip",
  Overlay: "overlay",
  Image: "image",
  Video: "video",
  Speech: "speech",
  TalkingHead: "talking-head",
  Title: "title",
  Subtitle: "subtitle",
  Music: "music",
  Captions: "captions",
  Split: "split",
  Grid: "grid",
  Slot: "slot",
  Slider: "slider",
  Swipe: "swipe",
  Packshot: "packshot",
} as const;

/** Providers of `vargai/ai`, also injected as globals. */
export const PROVIDERS = ["fal", "elevenlabs", "higgsfield", "replicate", "openai", "google"] as const;

/** Where the modules find the objects the prelude builds (a non-writable global). */
export const HIDDEN = "__vargai_internal";

/** Source text of the modules the scene may import. */
export const VM_MODULES: Record<string, string> = {
  "vargai/react": `const m = globalThis.${HIDDEN}.react;\n${Object.keys(COMPONENTS)
    .map((name) => `export const ${name} = m.${name};`)
    .join("\n")}`,
  "vargai/ai": `const m = globalThis.${HIDDEN}.ai;\n${PROVIDERS.map((p) => `export const ${p} = m.${p};`).join("\n")}`,
  "vargai/jsx-runtime": `const m = globalThis.${HIDDEN}.jsx;\nexport const jsx = m.jsx, jsxs = m.jsxs, jsxDEV = m.jsx, Fragment = m.Fragment;`,
  "vargai/jsx-dev-runtime": `const m = globalThis.${HIDDEN}.jsx;\nexport const jsx = m.jsx, jsxs = m.jsxs, jsxDEV = m.jsx, Fragment = m.Fragment;`,
};

/** Imported first by the scene module (prepended by the host): once it has run, every module
 *  request the loader sees comes from a dynamic `import()`. */
export const START_MODULE = "vargai/internal-start";
VM_MODULES[START_MODULE] = `globalThis.${HIDDEN}.started();`;

/** The component name of an element type, for messages (every name in COMPONENTS follows it). */
export { componentName as tagName } from "../../tree.ts";
