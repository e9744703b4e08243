import type { ClientOptions, FlagResult } from "./types.js";

export interface Saved {
  flags: Record<string, FlagResult>;
  etag: string | null;
}

const PREFIX = "rollguard:";
const INDEX = `${PREFIX}index`;
/** Contexts kept per page origin; the oldest is dropped beyond this. */
const KEEP = 8;

/**
 * The last values per context in localStorage, so a page starts with them at once (marked stale
 * until the server answers). Storage can be full, disabled or hold garbage: every failure here
 * means "nothing saved", never an exception.
 */
export function valueStore(storage: ClientOptions["storage"]) {
  return {
    load(id: string): Saved | undefined {
      try {
        const saved = JSON.parse(storage?.getItem(PREFIX + id) ?? "null");
        return saved && typeof saved.flags === "object" ? saved : undefined;
      } catch {
        return undefined;
      }
    },
    save(id: string, saved: Saved): void {
      try {
        if (!storage) return;
        const ids: string[] = (JSON.parse(storage.getItem(INDEX) ?? "[]") as string[]).filter(
          (k) => k !== id,
        );
        ids.push(id);
        for (const old of ids.splice(0, Math.max(0, ids.length - KEEP))) storage.removeItem(PREFIX + old);
        storage.setItem(PREFIX + id, JSON.stringify(saved));
        storage.setItem(INDEX, JSON.stringify(ids));
      } catch {
        // full or disabled: the values still work in memory
      }
    },
  };
}
