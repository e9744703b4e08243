/**
 * A parsed pattern (regex-syntax.ts) turned into a Thompson automaton: a flat program of
 * instructions that regex-run.ts runs over all states at once. Its size is bounded (counted
 * repetitions are expanded), and that size times the subject's length bounds a test's work.
 */
import type { CharSet, RegexNode } from "./regex-syntax.js";

/** Instructions one pattern may compile to. */
export const PROGRAM_LIMIT = 2_000;

export const CHAR = 0;
export const SPLIT = 1;
export const JUMP = 2;
export const ASSERT_START = 3;
export const ASSERT_END = 4;
export const ASSERT_WORD = 5;
export const ASSERT_NONWORD = 6;
export const MATCH = 7;

export interface Program {
  readonly op: readonly number[];
  /** The next instruction (CHAR, JUMP, asserts) or the first branch (SPLIT). */
  readonly x: readonly number[];
  /** The second branch of a SPLIT. */
  readonly y: readonly number[];
  /** The code points a CHAR takes, as ranges (negation applied at build). */
  readonly sets: ReadonlyArray<CharSet | undefined>;
  readonly start: number;
  /** Whether the pattern can only match at the start (it begins with `^` on every branch). */
  readonly anchored: boolean;
}

class TooLarge extends Error {}

/** Under `caseInsensitive` the subject is lower-cased: a set then also takes its members' lower case. */
function lowerCased(set: CharSet): CharSet {
  let size = 0;
  for (let i = 0; i < set.ranges.length; i += 2) size += set.ranges[i + 1]! - set.ranges[i]! + 1;
  if (size > 5_000) return set; // huge sets (\W, [^…] escapes) already hold both cases
  const extra: number[] = [];
  for (let i = 0; i < set.ranges.length; i += 2)
    for (let cp = set.ranges[i]!; cp <= set.ranges[i + 1]!; cp++) {
      const lower = String.fromCodePoint(cp).toLowerCase();
      const l = lower.codePointAt(0)!;
      if (l !== cp && lower.length === String.fromCodePoint(l).length) extra.push(l, l);
    }
  if (extra.length === 0) return set;
  const merged = [...set.ranges, ...extra];
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < merged.length; i += 2) pairs.push([merged[i]!, merged[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const ranges: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = ranges.length - 1;
    if (last > 0 && lo <= ranges[last]! + 1) ranges[last] = Math.max(ranges[last]!, hi);
    else ranges.push(lo, hi);
  }
  return { ranges, negated: set.negated };
}

class Builder {
  readonly op: number[] = [];
  readonly x: number[] = [];
  readonly y: number[] = [];
  readonly sets: Array<CharSet | undefined> = [];

  constructor(private readonly caseInsensitive: boolean) {}

  emit(op: number, x: number, y = -1, set?: CharSet): number {
    if (this.op.length >= PROGRAM_LIMIT) throw new TooLarge();
    this.op.push(op);
    this.x.push(x);
    this.y.push(y);
    this.sets.push(set);
    return this.op.length - 1;
  }

  /** Compiles `node` so that it continues at `next`; returns its first instruction. */
  compile(node: RegexNode, next: number): number {
    switch (node.t) {
      case "char":
        return this.emit(CHAR, next, -1, this.caseInsensitive ? lowerCased(node.set) : node.set);
      case "assert": {
        const op = { start: ASSERT_START, end: ASSERT_END, word: ASSERT_WORD, nonword: ASSERT_NONWORD }[
          node.kind
        ];
        return this.emit(op, next);
      }
      case "seq": {
        let at = next;
        for (let i = node.items.length - 1; i >= 0; i--) at = this.compile(node.items[i]!, at);
        return at;
      }
      case "alt": {
        let at = this.compile(node.options[node.options.length - 1]!, next);
        for (let i = node.options.length - 2; i >= 0; i--)
          at = this.emit(SPLIT, this.compile(node.options[i]!, next), at);
        return at;
      }
      case "repeat": {
        let at = next;
        if (node.max === Number.POSITIVE_INFINITY) {
          // A loop: the split is emitted first so the body can jump back to it.
          const loop = this.emit(SPLIT, -1, next);
          this.x[loop] = this.compile(node.node, loop);
          at = loop;
        } else
          for (let i = node.max - node.min; i > 0; i--)
            at = this.emit(SPLIT, this.compile(node.node, at), next);
        for (let i = 0; i < node.min; i++) at = this.compile(node.node, at);
        return at;
      }
    }
  }
}

function startsAnchored(node: RegexNode): boolean {
  if (node.t === "assert") return node.kind === "start";
  if (node.t === "seq") return node.items.length > 0 && startsAnchored(node.items[0]!);
  if (node.t === "alt") return node.options.every(startsAnchored);
  return false;
}

/** The program of a parsed pattern, or why it is too large to run within bounds. */
export function buildProgram(node: RegexNode, caseInsensitive: boolean): Program | string {
  const b = new Builder(caseInsensitive);
  try {
    const match = b.emit(MATCH, -1);
    const start = b.compile(node, match);
    return { op: b.op, x: b.x, y: b.y, sets: b.sets, start, anchored: startsAnchored(node) };
  } catch (error) {
    if (error instanceof TooLarge)
      return `the pattern expands to more than ${PROGRAM_LIMIT} steps: use fewer or smaller counts {n,m}`;
    return "the pattern could not be compiled";
  }
}
