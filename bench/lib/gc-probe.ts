// Preloaded into the soak's server process (never into a real server): on SIGUSR2 it collects
// garbage twice and prints its memory as one line on stderr, so the soak can compare the heap
// before and after without guessing when V8 will collect.
const collect = (globalThis as { gc?: () => void }).gc;
process.on("SIGUSR2", () => {
  collect?.();
  collect?.();
  const m = process.memoryUsage();
  process.stderr.write(
    `GCPROBE ${JSON.stringify({ heapUsed: m.heapUsed, rss: m.rss, gc: collect !== undefined })}\n`,
  );
});
