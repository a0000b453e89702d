// Resource limits of one evaluation. Defaults fit a scene of a few hundred elements with room
// to spare; everything hostile code can grow is bounded by one of these.

export interface SandboxLimits {
  /** Interrupt-handler calls before the code is stopped. QuickJS calls the handler every 10k
   *  calls/backward jumps, so this is a CPU budget that needs no clock (deployed Workers' clocks
   *  do not advance during CPU work). Measured in workerd: 2000 ≈ 40 ms of an empty loop, ≈ 0.5 s
   *  of regex backtracking; a 300-clip scene needs fewer than 50. */
  maxInterrupts: number;
  /** Milliseconds of wall time spent inside the VM (host resolves excluded), checked at each
   *  interrupt. A safety net where clocks advance during CPU work (workerd locally, Node):
   *  deployed Workers freeze clocks during CPU work, so there the interrupt budget above and the
   *  platform's own CPU limit apply. It catches code whose every interrupt interval is slow,
   *  e.g. exception storms where each of ~10k calls builds a deep stack trace. */
  maxRunMs: number;
  /** Bytes the VM may allocate in total at any one time. */
  memoryBytes: number;
  /** VM stack (bytes). Larger values let deep recursion overflow the host's own stack first. */
  stackBytes: number;
  /** Characters bulk built-ins (repeat, padStart, join, …) may produce over the whole run: the
   *  interrupt handler never fires inside one built-in call, so a loop of large `repeat`s would
   *  otherwise burn seconds per interrupt check. */
  maxBulkChars: number;
  /** Elements in the output tree (each reference to an element counts). */
  maxElements: number;
  /** Size of the serialized tree (bytes of JSON). */
  maxTreeBytes: number;
  /** Elements the code may await (each one is a generation run by the host). */
  maxAwaits: number;
  /** console.* lines kept (longer output is dropped). */
  maxLogLines: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  maxInterrupts: 2000,
  maxRunMs: 3000,
  memoryBytes: 32 * 1024 * 1024,
  stackBytes: 256 * 1024,
  maxBulkChars: 16 * 1024 * 1024,
  maxElements: 10_000,
  maxTreeBytes: 1024 * 1024,
  maxAwaits: 200,
  maxLogLines: 200,
};

export function withDefaults(limits: Partial<SandboxLimits> | undefined): SandboxLimits {
  const out = { ...DEFAULT_LIMITS };
  for (const [key, value] of Object.entries(limits ?? {}) as [keyof SandboxLimits, number | undefined][]) {
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) throw new TypeError(`sandbox limit ${key} must be a positive number`);
    out[key] = value;
  }
  return out;
}
