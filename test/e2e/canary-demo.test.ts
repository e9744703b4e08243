import { execFile } from "node:child_process";
import { describe, expect, it } from "vitest";

const root = new URL("../..", import.meta.url).pathname;

/** Runs `examples/canary/run.ts` as a user would (tsx), in a child process; resolves with its exit and output. */
function runDemo(
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["--import", "tsx", "examples/canary/run.ts", ...args],
      { cwd: root, timeout: timeoutMs },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : null) : 0;
        resolve({ code, output: stdout + stderr, ms: performance.now() - started });
      },
    );
  });
}

describe("the canary demo (examples/canary/run.ts)", () => {
  it("default: the 20% rollout breaks, the guard rolls it back, every instance serves the old path", async () => {
    const { code, output, ms } = await runDemo([], 25_000);
    expect(code, output).toBe(0);
    expect(output).toMatch(/new-checkout at 20% in production/);
    expect(output).toMatch(/guard: healthy, treatment \d/);
    expect(output).toMatch(/the new path starts failing/);
    expect(output).toMatch(/ROLLED BACK by the guard: new-checkout 20% → 0%/);
    expect(output).toMatch(/evidence: new path [\d,]+ of [\d,]+ failed/);
    expect(output).toMatch(/every instance serves the old path to all 5,000 users/);
    const tookMs = Number(/done: rolled back (\d+) ms after the new path started failing/.exec(output)?.[1]);
    expect(tookMs).toBeLessThan(5000);
    expect(ms).toBeLessThan(25_000);
  }, 30_000);

  it("--plan --broken: the plan stops at its first stage, rolled back by the guard", async () => {
    const { code, output } = await runDemo(["--plan", "--broken"], 25_000);
    expect(code, output).toBe(0);
    expect(output).toMatch(/plan running, stage 1 of 4 at 1%/);
    expect(output).toMatch(/ROLLED BACK by the guard: new-checkout 1% → 0%/);
    expect(output).toMatch(/plan rolled_back at stage 1 \(1%\)/);
    expect(output).not.toMatch(/stage 2 of 4/);
    expect(output).toMatch(/every instance serves the old path to all 5,000 users/);
  }, 30_000);

  // A healthy plan takes 20–30 s: a stage counts exposures from the first 10 s metrics bucket that
  // starts after it began (server/plans/stage-evidence.ts), so each of the three stages with
  // `minExposures` waits for a bucket boundary. Too slow for every run; ROLLGUARD_SLOW_TESTS=1 runs it.
  it.skipIf(!process.env.ROLLGUARD_SLOW_TESTS)(
    "--plan: a healthy plan runs 1% → 10% → 50% → 100% and every instance serves the new path",
    async () => {
      const { code, output } = await runDemo(["--plan"], 60_000);
      expect(code, output).toBe(0);
      for (const stage of [
        "stage 2 of 4 at 10%",
        "stage 3 of 4 at 50%",
        "plan completed: new-checkout at 100%",
      ])
        expect(output).toContain(stage);
      expect(output).toMatch(/every instance serves the new path to all 5,000 users/);
      expect(output).not.toMatch(/ROLLED BACK/);
    },
    70_000,
  );
});
