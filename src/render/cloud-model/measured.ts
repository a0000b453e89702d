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
  "captureMsPerFrame": 33.6,
  "captureCpuSPerFrame": 0.035,
  "encodeMsPerFrame": 10.1,
  "encodeCpuSPerFrame": 0.0158,
  "renders": [
    {
      "chunks": 1,
      "wallS": 10.6
    },
    {
      "chunks": 2,
      "wallS": 15.7
    }
  ],
  "hyperframesS": 21.9,
  "browserStartS": null,
  "finalizeS": null
};
