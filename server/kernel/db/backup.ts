import { existsSync, renameSync, rmSync, statSync } from "node:fs";
import Database from "better-sqlite3";

export interface BackupResult {
  file: string;
  bytes: number;
  pages: number;
}

/**
 * Copies the SQLite database at `source` to `destination` with SQLite's online backup API, while
 * a server may be serving and writing it: the copy is read in one step, one read transaction, so
 * it is the database as of one commit (WAL lets the server's writes go on meanwhile). It is
 * written beside the destination and renamed into place, so a failed backup leaves no half file;
 * then checked (`integrity_check`) and turned into a single self-contained file (no -wal).
 * An existing destination is never overwritten.
 */
export async function backupDatabase(source: string, destination: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`no database at ${source}: give the server's ROLLGUARD_DB (--db)`);
  if (existsSync(destination)) throw new Error(`${destination} exists already: name a new file`);
  const partial = `${destination}.partial-${process.pid}`;
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    // Every remaining page in the next step, so the copy is one consistent read (SQLite restarts
    // a stepwise copy whenever another connection writes, which a busy server always does).
    const { totalPages } = await db.backup(partial, { progress: () => 0x7fffffff });
    const copy = new Database(partial);
    try {
      const check = copy.pragma("integrity_check", { simple: true });
      if (check !== "ok") throw new Error(`the copy failed its integrity check: ${String(check)}`);
      copy.pragma("journal_mode = DELETE");
    } finally {
      copy.close();
    }
    renameSync(partial, destination);
    return { file: destination, bytes: statSync(destination).size, pages: totalPages };
  } finally {
    db.close();
    for (const leftover of [partial, `${partial}-wal`, `${partial}-shm`, `${partial}-journal`])
      rmSync(leftover, { force: true });
  }
}
