import { run } from "./program.js";

// The entry point bin/rollguard.js imports; program.ts stays importable without running anything.
process.exitCode = await run(process.argv);
