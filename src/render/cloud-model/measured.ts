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
  "captureMsPerFrame": 37.5,
  "captureCpuSPerFrame": 0.0408,
  "encodeMsPerFrame": 9.8,
  "encodeCpuSPerFrame": 0.015,
  "renders": [
    {
      "chunks": 1,
      "wallS": 11.3,
      "cpuS": 21.06
    },
    {
      "chunks": 2,
      "wallS": 15.7,
      "cpuS": 30.3
    }
  ],
  "hyperframesS": 22.4,
  "browserStartS": null,
  "finalizeS": null,
  "localRender": {
    "startS": 0.99,
    "loopMsPerFrame": 33.1,
    "finalizeS": 0.42
  }
};
