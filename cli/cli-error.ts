import { EXIT, type ExitCode } from "./exit-codes.js";

/**
 * Every failure the CLI reports on purpose. main.ts prints `message` and `hint` (one line each)
 * and exits with `exitCode`; anything else thrown is a bug and still gets one line, no stack.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const usageError = (message: string, hint?: string) => new CliError(message, EXIT.usage, hint);
