// The varg compiler's pure parts: timeline arithmetic (as the SDK's editly lays clips out),
// colour props, and compiled pages checked for what the engine will do with them: windows,
// audio attributes, escaping, refusals. Pixels are checked in test/e2e/varg-compose.test.ts.
import { describe, expect, it } from "vitest";
import { collectMedia } from "../../src/dialects/varg/compose/collect.ts";
import { parseColor } from "../../src/dialects/varg/compose/color.ts";
import { compileScene } from "../../src/dialects/varg/compose/compile.ts";
import { layoutClips, type ClipTimingInput } from "../../src/dialects/varg/compose/timeline.ts";
import { SUPPORTED_TRANSITIONS } from "../../src/dialects/varg/compose/transitions.ts";
import { ComposeError, type MediaInfo } from "../../src/dialects/varg/compose/types.ts";
import type { VargElementJson } from "../../src/dialects/varg/tree.ts";
import { el } from "../fixtures/varg-tree.ts";

const U = (name: string) => `https://cdn.example/${name}`;
const MEDIA = new Map<string, MediaInfo>([
  [U("a.png"), { path: "media/a.png", kind: "image", mediaType: "image/png", width: 320, height: 180 }],
  [U("b.png"), { path: "media/b.png", kind: "image", mediaType: "image/png", width: 90, height: 180 }],
  [U("v.mp4"), { path: "media/v.mp4", kind: "video", mediaType: "video/mp4", width: 320, height: 180, duration: 5, hasAudio: true }],
  [U("quiet.mp4"), { path: "media/quiet.mp4", kind: "video", mediaType: "video/mp4", duration: 5, hasAudio: false }],
  [U("m.wav"), { path: "media/m.wav", kind: "audio", mediaType: "audio/wav", duration: 20 }],
  [U("s.mp3"), { path: "media/s.mp3", kind: "audio", mediaType: "audio/mpeg", duration: 2.4 }],
]);
const render = (children: VargElementJson[], props: VargElementJson["props"] = {}) => el("render", { width: 320, height: 180, fps: 10, ...props }, children);
const img = (props: VargElementJson["props"] = {}) => el("image", { src: U("a.png"), zoom: null, ...props });
const compile = (tree: VargElementJson) => compileScene(tree, MEDIA, new Map());
const page = (tree: VargElementJson) => compile(tree).files["index.html"] as string;
/** The opening tag of the first element matching `pattern` (attributes in order). */
const tag = (html: string, pattern: RegExp) => html.match(new RegExp(`<[^>]*${pattern.source}[^>]*>`))?.[0] ?? "";

describe("varg timeline (editly's layout)", () => {
  const input = (duration: number | undefined, transition: ClipTimingInput["transition"] = null, extra: Partial<ClipTimingInput> = {}): ClipTimingInput => ({
    ...(duration !== undefined ? { duration } : {}),
    transition,
    where: "clip",
    ...extra,
  });

  it("overlaps clips by their transitions: the video lasts Σ durations − Σ transitions", () => {
    const t = layoutClips([input(3, { name: "fade", duration: 1 }), input(2, { name: "wipeleft", duration: 0.5 }), input(4)]);
    expect(t.total).toBe(7.5);
    expect(t.clips.map((c) => [c.start, c.end, c.inSeconds, c.outSeconds])).toEqual([
      [0, 3, 0, 1],
      [2, 4, 1, 0.5],
      [3.5, 7.5, 0.5, 0],
    ]);
  });

  it("ignores the last clip's transition for timing but remembers it (the SDK fades kept audio out by it)", () => {
    const t = layoutClips([input(1), input(1, { name: "fade", duration: 0.5 })]);
    expect(t.total).toBe(2);
    expect(t.clips[1]).toMatchObject({ outSeconds: 0, next: null, ownTransition: { name: "fade", duration: 0.5 } });
  });

  it("sizes content-length clips from the first video, cuts a longer duration down to it, defaults to 4 s", () => {
    const t = layoutClips([input(undefined, null, { videoDuration: 2.5 }), input(10, null, { videoDuration: 3 }), input(undefined), input(2, null, { videoDuration: 5 })]);
    expect(t.clips.map((c) => c.duration)).toEqual([2.5, 3, 4, 2]);
  });

  it("takes the audio's length for a content-length clip without video (the docs' promise)", () => {
    expect(layoutClips([input(undefined, null, { audioDuration: 2.4 })]).total).toBe(2.4);
    expect(layoutClips([input(undefined, null, { audioDuration: 2.4, videoDuration: 1 })]).total).toBe(1);
  });

  it("refuses transitions longer than their clips", () => {
    expect(() => layoutClips([input(1, { name: "fade", duration: 2 }), input(3)])).toThrow(/longer than the clips it joins/);
    expect(() => layoutClips([input(2, { name: "fade", duration: 1 }), input(1.5, { name: "fade", duration: 1 }), input(2)])).toThrow(/less than its transitions/);
    expect(() => layoutClips([])).toThrow(ComposeError);
  });
});

describe("varg colours", () => {
  it("reads FFmpeg's and CSS's colour syntaxes", () => {
    expect(parseColor("white", "c")).toBe("white");
    expect(parseColor("#FF6B00", "c")).toBe("rgb(255, 107, 0)");
    expect(parseColor("0xff6b0080", "c")).toBe("rgba(255, 107, 0, 0.502)");
    expect(parseColor("00ff00", "c")).toBe("rgb(0, 255, 0)");
    expect(parseColor("black@0.7", "c")).toBe("color-mix(in srgb, black 70%, transparent)");
    expect(parseColor("#abc", "c")).toBe("rgb(170, 187, 204)");
    expect(parseColor("rgba(10, 20, 30, 0.5)", "c")).toBe("rgba(10, 20, 30, 0.5)");
  });

  it.each(["red; background:url(http://x)", "url(x)", "red}", "expression(alert(1))", "#12", "black@2", "", 12, null])(
    "refuses %j",
    (value) => {
      expect(() => parseColor(value, "<Title> color in clip 1")).toThrow(/<Title> color in clip 1 must be a colour/);
    },
  );
});

describe("varg compiler", () => {
  it("makes a HyperFrames root sized and timed like the scene, one timed layer per clip", () => {
    const compiled = compile(
      render([
        el("clip", { duration: 2, transition: { name: "fade", duration: 0.5 } }, [img()]),
        el("clip", { duration: 1.5 }, [img()]),
      ]),
    );
    expect(compiled).toMatchObject({ width: 320, height: 180, fps: 10, duration: 3, warnings: [] });
    expect(compiled.clips).toEqual([
      { index: 0, start: 0, end: 2 },
      { index: 1, start: 1.5, end: 3 },
    ]);
    const html = compiled.files["index.html"] as string;
    expect(tag(html, /data-composition-id="varg"/)).toContain('data-width="320" data-height="180" data-duration="3"');
    expect(tag(html, /id="vg-clip-1"/)).toContain('data-start="0" data-duration="2"');
    expect(tag(html, /id="vg-clip-2"/)).toContain('data-start="1.5" data-duration="1.5"');
    // The fade is an animation of the incoming clip's wrapper, delayed to the overlap's start.
    expect(html).toMatch(/animation: vg-tx1-b 500ms linear 1500ms 1 normal none/);
  });

  it("defaults: 1920×1080 at 30 fps; a transition without a name is a fade of 0.5 s", () => {
    const compiled = compileScene(el("render", {}, [el("clip", { transition: {} }, [img()]), el("clip", {}, [img()])]), MEDIA);
    expect(compiled).toMatchObject({ width: 1920, height: 1080, fps: 30, duration: 7.5 });
  });

  it("refuses an unknown transition, naming it and the supported ones", () => {
    const tree = render([el("clip", { duration: 1, transition: { name: "cube", duration: 0.5 } }, [img()]), el("clip", { duration: 1 }, [img()])]);
    expect(() => compile(tree)).toThrow(ComposeError);
    expect(() => compile(tree)).toThrow(/clip 1: transition "cube" is not supported; supported transitions: .*circleopen.*fade.*wipeleft/);
    expect(SUPPORTED_TRANSITIONS).toEqual(expect.arrayContaining(["fade", "fadeblack", "fadewhite", "wipeleft", "wiperight", "wipeup", "wipedown", "slideleft", "slideright", "slideup", "slidedown", "circleopen", "circleclose", "dissolve", "zoomin"]));
  });

  it("escapes text and refuses CSS in props", () => {
    const html = page(render([el("clip", { duration: 1 }, [img(), el("title", {}, ['<script>alert("x")</script> & </style>'])])]));
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;/style&gt;");
    const bad = (props: VargElementJson["props"]) => () => compile(render([el("clip", { duration: 1 }, [img(), el("title", props, ["hi"])])]));
    expect(bad({ color: "red; background:url(http://x)" })).toThrow(/<Title> color in clip 1 must be a colour/);
    expect(bad({ fontFamily: 'x"; } body { display:none' })).toThrow(/fontFamily/);
    expect(bad({ position: "top; left: 0" })).toThrow(/position/);
    expect(() => compile(render([el("clip", { duration: 1 }, [img({ left: "10px; color: red" })])]))).toThrow(/<Image> left in clip 1 must be pixels/);
  });

  it("keeps a video's sound only with keepAudio, fading it over the transitions around its clip", () => {
    const html = page(
      render([
        el("clip", { duration: 2, transition: { name: "fade", duration: 0.5 } }, [el("video", { src: U("v.mp4") })]),
        el("clip", { duration: 2, transition: { name: "fade", duration: 1 } }, [el("video", { src: U("v.mp4"), keepAudio: true, volume: 0.8, cutFrom: 1 })]),
        el("clip", { duration: 2 }, [el("video", { src: U("quiet.mp4"), keepAudio: true })]),
      ]),
    );
    const videos = html.match(/<video [^>]*>/g)!;
    expect(videos[0]).toContain('data-start="0" data-duration="2" data-media-start="0"');
    expect(videos[0]).not.toContain("data-has-audio");
    expect(videos[0]).toContain(" muted");
    expect(videos[1]).toContain('data-start="1.5" data-duration="2" data-media-start="1" data-has-audio="true" data-volume="0.8" data-fade-in="0.5" data-fade-out="1"');
    // A file without sound is not offered to the mixer.
    expect(videos[2]).not.toContain("data-has-audio");
  });

  it("places Render-level music from `start`, trimmed, and clip-level audio from its clip", () => {
    const speech = { ...el("speech", { voice: "adam" }, ["hi"]), resolved: { duration: 2.4, url: U("s.mp3"), mediaType: "audio/mpeg" } };
    const html = page(
      render([
        el("clip", { duration: 2 }, [img()]),
        el("clip", { duration: 2 }, [img(), speech]),
        el("music", { src: U("m.wav"), start: 1, cutFrom: 3, volume: 0.5 }),
      ]),
    );
    const audios = html.match(/<audio [^>]*>/g)!;
    // Speech in clip 2 (2–4 s): its whole length, cut at the video's end.
    expect(audios[0]).toContain('src="media/s.mp3" preload="auto" data-start="2" data-duration="2" data-media-start="0" data-volume="1"');
    // Music: from 1 s, 3 s into the file, to the video's end (4 s).
    expect(audios[1]).toContain('src="media/m.wav" preload="auto" data-start="1" data-duration="3" data-media-start="3" data-volume="0.5"');
  });

  it("flattens nested clips as the SDK does: container Overlays go to each clip, its Music starts with the first", () => {
    const compiled = compile(
      render([
        el("clip", { duration: 1 }, [img()]),
        el("clip", {}, [
          el("overlay", { left: 0, top: 0, width: 50, height: 50 }, [img({ src: U("b.png") })]),
          el("music", { src: U("m.wav") }),
          el("clip", { duration: 1 }, [img()]),
          el("clip", { duration: 2 }, [img()]),
        ]),
      ]),
    );
    expect(compiled.clips.map((c) => [c.start, c.end])).toEqual([
      [0, 1],
      [1, 2],
      [2, 4],
    ]);
    const html = compiled.files["index.html"] as string;
    expect(html.match(/media\/b\.png/g)).toHaveLength(2);
    expect(tag(html, /src="media\/m.wav"/)).toContain('data-start="1" data-duration="3"');
  });

  it("shows a Title from the end of the transition in to the start of the transition out, unless told", () => {
    const html = page(
      render([
        el("clip", { duration: 2, transition: { name: "fade", duration: 0.5 } }, [img()]),
        el("clip", { duration: 3, transition: { name: "fade", duration: 1 } }, [img(), el("title", {}, ["A"]), el("title", { start: 0.2, end: 1 }, ["B"])]),
        el("clip", { duration: 2 }, [img()]),
      ]),
    );
    const titles = html.match(/<div class="vg-title" [^>]*>/g)!;
    // Clip 2 runs 1.5–4.5: A from 2.0 to 3.5 (+ half a frame: drawtext's `between` includes its end).
    expect(titles[0]).toContain('data-start="2" data-duration="1.55"');
    expect(titles[1]).toContain('data-start="1.7" data-duration="0.85"');
  });

  it("sizes a title as drawtext's auto size does: min(8% of the short side, 90% width over 0.55 em a character)", () => {
    const long = "A title of sixty characters, far too long for one line: yes";
    const html = page(render([el("clip", { duration: 1 }, [img(), el("title", {}, ["Hi"]), el("title", {}, [long])])], { width: 1280, height: 720 }));
    const sizes = [...html.matchAll(/class="vg-text"[^>]*font-size: (\d+)px/g)].map((m) => Number(m[1]));
    expect(sizes).toEqual([Math.round(720 * 0.08), Math.floor((1280 * 0.9) / (long.length * 0.55))]);
    // Never below 16 px.
    expect(page(render([el("clip", { duration: 1 }, [img(), el("title", {}, ["Hi"])])]))).toMatch(/font-size: 16px/);
  });

  it("says where an element without media is", () => {
    expect(() => compile(render([el("clip", { duration: 1 }, [el("image", { prompt: "a cat" })])]))).toThrow(
      /<Image> in clip 1 has no media: give it a src/,
    );
    expect(() => compile(render([el("clip", { duration: 1 }, [el("image", { src: U("nope.png") })])]))).toThrow(/nope\.png was not fetched/);
    expect(() => compile(render([el("clip", { duration: 1 }, [el("video", { src: U("a.png") })])]))).toThrow(/<Video> in clip 1 needs a video file/);
    expect(() => compile(el("clip", {}, []))).toThrow(/must export a <Render>/);
  });

  it("warns about what the SDK would not render either", () => {
    const compiled = compile(render([el("title", {}, ["floating"]), el("clip", { duration: 1 }, [img(), el("subtitle", { color: "red" }, ["s"])])]));
    expect(compiled.warnings).toEqual([
      "<Title> directly in <Render> is not rendered (put it in a <Clip>)",
      "<Subtitle> color in clip 1 is ignored (the SDK's Subtitle takes only its text and backgroundColor)",
    ]);
  });
});

describe("varg media collection", () => {
  it("lists every rendered media file with where it is, not a prompt's inputs", () => {
    const speech = { ...el("speech", {}, ["hello"]), resolved: { duration: 2.4, url: U("s.mp3"), mediaType: "audio/mpeg" } };
    const refs = collectMedia(
      render([
        el("clip", { duration: 1 }, [img(), el("video", { prompt: { text: "move", images: [el("image", { src: U("ref.png") })] } })]),
        el("clip", {}, [el("clip", { duration: 1 }, [el("overlay", {}, [el("video", { src: U("v.mp4") })])]), el("captions", { srt: U("c.srt") }), el("captions", { src: speech })]),
        el("music", { src: U("m.wav") }),
      ]),
    );
    expect(refs).toEqual([
      { url: U("a.png"), kind: "image", where: "<Image> in clip 1" },
      { url: U("v.mp4"), kind: "video", where: "<Video> in <Overlay> in clip 2.1" },
      { url: U("c.srt"), kind: "subtitles", where: "<Captions> in clip 2" },
      { url: U("s.mp3"), kind: "audio", where: "<Speech> in <Captions> in clip 2" },
      { url: U("m.wav"), kind: "audio", where: "<Music> in <Render>" },
    ]);
  });
});
