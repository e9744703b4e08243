/**
 * A tiny benchmark harness shared by the bench scripts: warm up, then time several runs and
 * report the median nanoseconds per operation. The median, because this machine is noisy and a
 * single GC pause or neighbour can ruin a mean.
 *
 * `run(iterations)` performs the operation `iterations` times in its own loop and returns a number
 * derived from every result (a checksum). The loop lives in the caller's closure, so the timed code
 * is not a megamorphic call per operation; the checksum is what keeps the JIT from removing work
 * whose result nobody reads. Print it.
 */

export interface MeasureOptions {
  /** Timed runs; the median is reported. Default 7 (or BENCH_RUNS). */
  runs?: number;
  /** Operations per run. Default 1,000,000 (or BENCH_ITERATIONS). */
  iterations?: number;
  /** Operations before timing, to let the JIT optimise. Default a fifth of a run. */
  warmup?: number;
  /** Print the result line (default true). */
  print?: boolean;
}

export interface Measurement {
  name: string;
  /** Median nanoseconds per operation over the runs. */
  medianNs: number;
  /** Nanoseconds per operation of every run, in order. */
  runsNs: number[];
  /** Sum of the checksums `run` returned: print it, so the work cannot be optimised away. */
  checksum: number;
}

function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function measure(
  name: string,
  run: (iterations: number) => number,
  options: MeasureOptions = {},
): Measurement {
  const runs = options.runs ?? envNumber("BENCH_RUNS", 7);
  const iterations = options.iterations ?? envNumber("BENCH_ITERATIONS", 1_000_000);
  let checksum = run(options.warmup ?? Math.max(1, Math.floor(iterations / 5)));
  const runsNs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    checksum += run(iterations);
    runsNs.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  const result = { name, medianNs: median(runsNs), runsNs, checksum };
  if (options.print ?? true) {
    const spread = `${Math.min(...runsNs).toFixed(0)}–${Math.max(...runsNs).toFixed(0)}`;
    console.log(
      `${name.padEnd(58)} ${result.medianNs.toFixed(1).padStart(8)} ns/op  (runs ${spread}, checksum ${checksum})`,
    );
  }
  return result;
}
