import { CliError } from "./cli-error.js";
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

/**
 * A poll that survives a server restart mid-rollout: an unreachable server is forgiven up to
 * `allowed` times in a row (the call gives undefined), then its error is thrown like any other.
 */
export function forgiving<T>(read: () => Promise<T>, allowed = 5): () => Promise<T | undefined> {
  let misses = 0;
  return async () => {
    try {
      const value = await read();
      misses = 0;
      return value;
    } catch (error) {
      if (error instanceof CliError && error.exitCode === EXIT.unreachable && ++misses < allowed)
        return undefined;
      throw error;
    }
  };
}
