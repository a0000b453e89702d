// Time limits on promises that may never settle (a browser that hangs, a connection that never
// answers). The promise itself is not cancelled: the caller decides what to do with it.

/** `promise`, or a rejection naming `what` once `ms` have passed. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether `promise` fulfilled within `ms` (false when it rejected or took longer). */
export async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return within(promise, ms, "").then(
    () => true,
    () => false,
  );
}
