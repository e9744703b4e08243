// npm run bench:fuzz [-- --runs 20000 --seeds 3]: the API fuzz of `npm test` (test/fuzz), with
// many more cases over several seeds. Prints cases, answers by class, operations reached, and
// cases per second; exits 1 with the counterexample when a property fails. BENCH_DATABASE=postgres
// fuzzes a server on a fresh PostgreSQL database instead of SQLite.
import { fuzzApi } from "../test/fuzz/fuzz-api.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const runs = arg("runs", 10_000);
const seeds = arg("seeds", 3);
const first = arg("seed", 1);
const dialect = process.env.BENCH_DATABASE === "postgres" ? "postgres" : "sqlite";

let failed = false;
for (let seed = first; seed < first + seeds; seed++) {
  try {
    const s = await fuzzApi({ runs, seed, dialect });
    const rate = Math.round(s.cases / (s.ms / 1000));
    console.log(
      `seed ${seed}: ${s.cases} cases in ${(s.ms / 1000).toFixed(1)} s (${rate}/s); ` +
        `${Object.entries(s.byClass)
          .sort()
          .map(([k, v]) => `${k} ${v}`)
          .join(", ")}; unsendable ${s.unsendable}; ` +
        `operations with a 2xx ${s.reached}/${s.operations}` +
        (s.unreached.length ? ` (not: ${s.unreached.join(", ")})` : ""),
    );
  } catch (error) {
    failed = true;
    console.log(`seed ${seed}: FAILED\n${error instanceof Error ? error.message : String(error)}`);
  }
}
process.exit(failed ? 1 : 0);
