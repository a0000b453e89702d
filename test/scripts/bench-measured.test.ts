// `npm run bench` hands its figures to the cost model through src/render/cloud-model/measured.ts:
// per-frame figures from the one-chunk row, every row's wall time, and nothing written from a
// run that cannot give them.
import { describe, expect, it } from "vitest";
import { measuredFrom, measuredModule } from "../../scripts/lib/bench-measured.ts";

const run = {
  frames: 300,
  fps: 30,
  width: 1920,
  height: 1080,
  cores: 2,
  date: new Date("2026-11-30T10:00:00Z"),
  rows: [
    { chunks: 1, wallMs: 64_500, captureOnlyMs: 71_000, encodeOnlyMs: 7_500, captureCpu: 88.5, encodeCpu: 17.8 },
    { chunks: 2, wallMs: 54_100, captureOnlyMs: 40_000, encodeOnlyMs: 5_000, captureCpu: 90, encodeCpu: 18 },
  ],
  hyperframesMs: 58_700,
};

describe("bench → measured figures", () => {
  it("takes per-frame capture and encode from the one-chunk row", () => {
    expect(measuredFrom(run)).toMatchObject({
      measuredAt: "2026-11-30",
      captureMsPerFrame: 236.7,
      captureCpuSPerFrame: 0.295,
      encodeMsPerFrame: 25,
      encodeCpuSPerFrame: 0.0593,
      renders: [{ chunks: 1, wallS: 64.5 }, { chunks: 2, wallS: 54.1 }],
      hyperframesS: 58.7,
      browserStartS: null,
    });
  });

  it("carries each render's machine CPU and the one-chunk render's phases for the local profile", () => {
    const withStack = {
      ...run,
      rows: run.rows.map((r, i) => ({ ...r, renderCpu: [21.063, 30.3][i]! })),
      localRender: { startS: 0.987, loopMsPerFrame: 33.14, finalizeS: 0.416 },
    };
    expect(measuredFrom(withStack)).toMatchObject({
      renders: [
        { chunks: 1, wallS: 64.5, cpuS: 21.06 },
        { chunks: 2, wallS: 54.1, cpuS: 30.3 },
      ],
      localRender: { startS: 0.99, loopMsPerFrame: 33.1, finalizeS: 0.42 },
    });
    // A render whose phases came out impossible (no frame loop) is refused, not written.
    expect(() => measuredFrom({ ...withStack, localRender: { ...withStack.localRender, loopMsPerFrame: 0 } })).toThrow();
  });

  it("writes nothing from a run without a one-chunk row, and refuses nonsense", () => {
    expect(measuredFrom({ ...run, rows: run.rows.slice(1) })).toBeNull();
    expect(() => measuredFrom({ ...run, rows: [{ ...run.rows[0]!, captureOnlyMs: Number.NaN }] })).toThrow();
  });

  it("renders a module the model imports", () => {
    const text = measuredModule(measuredFrom(run)!);
    expect(text).toMatch(/^export const MEASURED: Measured = \{/m);
    expect(text).toContain('"captureMsPerFrame": 236.7');
  });
});
