// What a failed run becomes: the error the VM described (describeError in vm-source) turned
// into a SandboxError whose message names the problem.
import { SandboxError } from "./errors.ts";
import type { SandboxLimits } from "./limits.ts";
import { stackLocation } from "./locate.ts";

export interface DescribedError {
  name: string;
  message: string;
  stack: string;
}

export function cpuExceeded(limits: SandboxLimits, interrupts: number): SandboxError {
  const spent = interrupts > limits.maxInterrupts ? `${limits.maxInterrupts} interrupt checks` : `${limits.maxRunMs} ms`;
  return new SandboxError(`code ran too long and was stopped (CPU budget of ${spent} used up): an endless loop?`);
}

export function fromVmError(info: DescribedError, limits: SandboxLimits, source: string, transpiled: string): SandboxError {
  const where = () => stackLocation(info.stack, source, transpiled);
  if (info.name === "InternalError") {
    if (/out of memory/i.test(info.message)) {
      return new SandboxError(`code used too much memory (limit ${Math.round(limits.memoryBytes / 1048576)} MB)`);
    }
    if (/stack overflow/i.test(info.message)) {
      return new SandboxError(`code recursed too deeply (stack overflow; limit ${Math.round(limits.stackBytes / 1024)} KB)`, where());
    }
  }
  // SceneError: raised by the sandbox's own code about the scene, already worded as a message.
  const bare = !info.name || info.name === "SceneError";
  return new SandboxError(bare ? info.message : `${info.name}: ${info.message}`, where());
}
