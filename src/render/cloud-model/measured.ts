// Written by `npm run bench` (scripts/lib/bench-measured.ts) on 2026-11-30, 2 cores.
// Do not edit by hand: run the bench again. Read by the cost model and the chunk planner.
import type { Measured } from "./measured-schema.ts";

export const MEASURED: Measured = {
  "measuredAt": "2026-11-30",
  "cores": 2,
  "frames": 300,
  "fps": 30,
  "width": 1920,
  "height": 1080,
  "captureMsPerFrame": 33.5,
  "captureCpuSPerFrame": 0.0344,
  "encodeMsPerFrame": 9.4,
  "encodeCpuSPerFrame": 0.0148,
  "renders": [
    {
      "chunks": 1,
      "wallS": 10.9
    },
    {
      "chunks": 2,
      "wallS": 14.4
    }
  ],
  "hyperframesS": 22.3,
  "browserStartS": null,
  "finalizeS": null
};
