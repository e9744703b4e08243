import { readFileSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { FlagSet } from "../core/index.js";
import { asFlagSet } from "./flag-set-shape.js";
import { RollguardError } from "./rollguard-error.js";
import type { TimerHandle, Timers } from "./timers.js";

/**
 * Reads the backup file at start-up (synchronously, so the first evaluation can already use it).
 * A missing file is not an error; an unreadable or corrupt one is reported and ignored.
 */
export function readBackup(path: string): { set?: FlagSet; error?: RollguardError } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    return { error: RollguardError.from(error, "BACKUP", `could not read the backup file ${path}`) };
  }
  try {
    const set = asFlagSet(JSON.parse(text));
    if (set) return { set };
  } catch {
    // reported below
  }
  return { error: new RollguardError("BAD_DATA", `the backup file ${path} is not a flag set; ignored`) };
}

/**
 * Writes the last good flag set to the backup file, atomically (a temp file renamed over the old
 * one, so a crash never leaves half a file), at most once per `throttleMs`: a burst of changes
 * costs one write, made with the newest set.
 */
export class BackupWriter {
  #timer: TimerHandle | undefined;
  #lastWrite = Number.NEGATIVE_INFINITY;
  #writing: Promise<void> = Promise.resolve();
  #pending: (() => FlagSet) | undefined;
  #sequence = 0;

  constructor(
    private readonly path: string,
    private readonly throttleMs: number,
    private readonly timers: Timers,
    private readonly onError: (error: RollguardError) => void,
  ) {}

  /** Asks for a write of `snapshot()` (taken when the write happens). */
  schedule(snapshot: () => FlagSet): void {
    this.#pending = snapshot;
    if (this.#timer !== undefined) return;
    const wait = Math.max(0, this.#lastWrite + this.throttleMs - this.timers.now());
    this.#timer = this.timers.setTimeout(() => {
      this.#timer = undefined;
      void this.#write();
    }, wait);
  }

  /** Writes a pending set now and waits for every write in flight. */
  async flush(): Promise<void> {
    if (this.#timer !== undefined) this.timers.clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#write();
  }

  #write(): Promise<void> {
    const snapshot = this.#pending;
    this.#pending = undefined;
    if (!snapshot) return this.#writing;
    this.#lastWrite = this.timers.now();
    const tmp = `${this.path}.${process.pid}.${++this.#sequence}.tmp`;
    this.#writing = this.#writing.then(async () => {
      try {
        await mkdir(dirname(this.path), { recursive: true });
        await writeFile(tmp, JSON.stringify(snapshot()));
        await rename(tmp, this.path);
      } catch (error) {
        this.onError(RollguardError.from(error, "BACKUP", `could not write the backup file ${this.path}`));
      }
    });
    return this.#writing;
  }
}
