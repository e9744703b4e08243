import pino, { type Logger } from "pino";
import PinoPretty from "pino-pretty";

export type { Logger };

export interface LoggerOptions {
  /** pino's levels: trace, debug, info, warn, error, fatal, silent. */
  level?: string;
  /** Human-readable lines (for a terminal); JSON lines otherwise (for a log collector). */
  pretty?: boolean;
  /** Where JSON lines go; stdout by default. */
  destination?: NodeJS.WritableStream;
}

/**
 * The server's structured logger (pino). Pretty output is written synchronously through
 * pino-pretty's stream rather than a worker transport: a line is never lost when the process
 * exits right after it (a failed start, SIGTERM).
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? "info";
  const base = { level, base: { service: "rollguard" } };
  if (options.pretty)
    return pino(base, PinoPretty({ colorize: true, ignore: "pid,hostname,service", sync: true }));
  const json = { ...base, timestamp: pino.stdTimeFunctions.isoTime };
  return options.destination ? pino(json, options.destination) : pino(json);
}

/** For tests and embedded uses that do not want log lines. */
export const silentLogger: Logger = pino({ level: "silent" });
