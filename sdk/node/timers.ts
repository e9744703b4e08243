/** An opaque timer handle, as the injected `setTimeout` returns it. */
export type TimerHandle = unknown;

/**
 * Time as the SDK sees it. Pass your own in tests to control reconnect delays, polling and
 * throttling without patching globals.
 */
export interface Timers {
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

/** Real timers, unref'd: the SDK alone never keeps a process alive. */
export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms);
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
