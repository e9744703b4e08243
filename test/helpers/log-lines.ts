import { Writable } from "node:stream";
import { createLogger } from "../../server/kernel/logger.js";

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

/** The server's real JSON logger, writing into `lines` instead of stdout. */
export function capturedLogger(level = "info") {
  const lines: LogLine[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const text of String(chunk).split("\n")) if (text.trim() !== "") lines.push(JSON.parse(text));
      done();
    },
  });
  return { logger: createLogger({ level, destination }), lines };
}
