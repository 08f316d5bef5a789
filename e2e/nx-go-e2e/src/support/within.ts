// Waiting for a process with an upper bound, without leaving a timer behind.

/**
 * `promise`'s value, or `fallback` once `ms` have passed, whichever comes first. The timer is cleared
 * either way: a pending one kept Jest's process alive after the last test ("did not exit one second
 * after the test run has completed").
 */
export async function within<T>(promise: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<T>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
