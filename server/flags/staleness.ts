/**
 * Whether a flag looks finished, and why: a pure function of the flag, its states, when it was
 * last evaluated, the policy and the time. Nothing is stored: the mark is worked out on each read,
 * so it follows a changed policy, kind or lifetime at once.
 */
import { type FlagKind, lifetimeDaysOf } from "./flag-kinds.js";

const DAY_MS = 86_400_000;

export interface StalePolicy {
  /** A flag not evaluated in any environment for this many days is stale (default 30). */
  unusedDays: number;
}

export const DEFAULT_STALE_POLICY: StalePolicy = { unusedDays: 30 };

export interface StaleReason {
  /** `settled`: served everyone alike past its lifetime; `unused`: not evaluated for a while. */
  code: "settled" | "unused";
  message: string;
}

export interface StaleInput {
  kind: FlagKind;
  lifetimeDays: number | null;
  createdAt: number;
  states: ReadonlyArray<{
    environment: string;
    enabled: boolean;
    percentageMilli: number;
    rules: readonly unknown[];
    updatedAt: number;
  }>;
  /** Environment → last evaluation (epoch ms). */
  usage: ReadonlyMap<string, number>;
}

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** What one state serves everyone when it serves everyone alike; undefined when it does not. */
function uniformly(state: StaleInput["states"][number]): string | undefined {
  if (!state.enabled) return "off";
  if (state.rules.length > 0) return undefined;
  if (state.percentageMilli === 0) return "at 0%";
  if (state.percentageMilli === 100_000) return "at 100%";
  return undefined;
}

function settled(input: StaleInput, now: number): StaleReason | undefined {
  const lifetime = lifetimeDaysOf(input);
  if (lifetime === null || input.states.length === 0) return undefined;
  const limit = now - lifetime * DAY_MS;
  const parts: string[] = [];
  for (const state of input.states) {
    const what = uniformly(state);
    // One environment still rolling out, or changed within the lifetime, means work in progress.
    if (what === undefined || state.updatedAt > limit) return undefined;
    parts.push(`${state.environment} ${what} since ${day(state.updatedAt)}`);
  }
  return {
    code: "settled",
    message: `${input.kind} flags are expected to live ${lifetime} days; this one has served everyone alike for longer in every environment (${parts.join(", ")}): remove it from the code, then archive it`,
  };
}

function unused(input: StaleInput, now: number, policy: StalePolicy): StaleReason | undefined {
  let last: number | undefined;
  for (const at of input.usage.values()) if (last === undefined || at > last) last = at;
  const since = last ?? input.createdAt;
  if (now - since < policy.unusedDays * DAY_MS) return undefined;
  return {
    code: "unused",
    message:
      last === undefined
        ? `never evaluated since it was created on ${day(input.createdAt)} (the limit is ${policy.unusedDays} days): no code seems to read it`
        : `not evaluated in any environment since ${day(last)} (the limit is ${policy.unusedDays} days): no code seems to read it any more`,
  };
}

/** The flag's stale mark: null when it is not stale, else every reason that holds. */
export function staleMark(
  input: StaleInput,
  now: number,
  policy: StalePolicy,
): { reasons: StaleReason[] } | null {
  const reasons = [settled(input, now), unused(input, now, policy)].filter((r) => r !== undefined);
  return reasons.length > 0 ? { reasons } : null;
}
