/**
 * What a flag is for, and how long such a flag is expected to live. The kinds and their default
 * lifetimes are Unleash's, so a team (and an import) brings its habits along: a release or an
 * experiment is done within weeks, an operational toggle within a week, and kill switches and
 * permission flags are meant to stay.
 */
export const FLAG_KINDS = ["release", "experiment", "operational", "kill-switch", "permission"] as const;
export type FlagKind = (typeof FLAG_KINDS)[number];

/** Expected lifetime in days per kind; null: the kind is permanent (never stale by age). */
export const DEFAULT_LIFETIME_DAYS: Record<FlagKind, number | null> = {
  release: 40,
  experiment: 40,
  operational: 7,
  "kill-switch": null,
  permission: null,
};

/** The lifetime that applies: the flag's own when set, else its kind's. */
export function lifetimeDaysOf(flag: { kind: FlagKind; lifetimeDays: number | null }): number | null {
  return flag.lifetimeDays ?? DEFAULT_LIFETIME_DAYS[flag.kind];
}
