// The composition's own fault: the queue consumer fails the render at once instead of retrying.
import { RenderFailure } from "../core/errors.ts";

/** The composition itself is wrong (throws, declares no duration, hangs, runs out of memory…):
 *  retrying cannot help. */
export class CompositionError extends RenderFailure {}

/**
 * Names the step in a composition's failure ("planning: …", "capturing chunk 2: …"): the
 * consumer prefixes only the errors it retries, and a failure must say where it happened.
 */
export function inStep(step: string): (err: unknown) => never {
  return (err) => {
    throw err instanceof RenderFailure ? new CompositionError(`${step}: ${err.message}`, err.category) : err;
  };
}
