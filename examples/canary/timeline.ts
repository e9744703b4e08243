/** A printer of `t+  1234 ms  message` lines, timed from its creation. */
export function timeline(): (message: string) => void {
  const start = performance.now();
  return (message) => {
    const ms = Math.round(performance.now() - start);
    console.log(`t+${String(ms).padStart(6)} ms  ${message}`);
  };
}
