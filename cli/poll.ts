import { EXIT } from "./exit-codes.js";

/**
 * Loops that never end by themselves (`--watch`, `--follow`) stop on Ctrl-C with exit 130, as
 * shells expect, after `cleanup` has put the terminal back (e.g. ended a redrawn line).
 */
export function exitOnInterrupt(cleanup: () => void = () => {}): void {
  process.once("SIGINT", () => {
    cleanup();
    process.exit(EXIT.interrupted);
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
