/**
 * Runs a regex program (regex-program.ts) over a subject by keeping every live state at once
 * (Thompson's construction, as RE2 and Go do) instead of backtracking: each code point of the
 * subject visits each instruction at most once, so a test costs at most program size × subject
 * length steps, whatever the pattern. No pattern can make it explode.
 */
import {
  ASSERT_END,
  ASSERT_START,
  ASSERT_WORD,
  CHAR,
  JUMP,
  MATCH,
  type Program,
  SPLIT,
} from "./regex-program.js";
import type { CharSet } from "./regex-syntax.js";

function isWord(cp: number): boolean {
  return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || cp === 95 || (cp >= 97 && cp <= 122);
}

function inRanges(set: CharSet, cp: number): boolean {
  const r = set.ranges;
  for (let i = 0; i < r.length; i += 2) {
    if (cp < r[i]!) return set.negated;
    if (cp <= r[i + 1]!) return !set.negated;
  }
  return set.negated;
}

/**
 * A matcher for one program. Its state lists are allocated once and reused by every test
 * (evaluation is synchronous and nothing here re-enters), so a test allocates nothing.
 */
export class Matcher {
  private readonly op: Int32Array;
  private readonly x: Int32Array;
  private readonly y: Int32Array;
  /** Per instruction, 128 bits: which ASCII code points a CHAR takes (the common case, no search). */
  private readonly ascii: Uint32Array;
  private readonly sets: ReadonlyArray<CharSet | undefined>;
  private readonly start: number;
  private readonly anchored: boolean;
  private current: Int32Array;
  private next: Int32Array;
  private readonly mark: Int32Array;
  private readonly stack: Int32Array;
  private generation = 0;
  /**
   * The ASCII code points a match can begin with (128 bits), or undefined when the pattern can
   * match the empty string: with no live state, the scan skips ahead to the next of them.
   */
  private readonly first: Uint32Array | undefined;

  constructor(program: Program) {
    const n = program.op.length;
    this.op = Int32Array.from(program.op);
    this.x = Int32Array.from(program.x);
    this.y = Int32Array.from(program.y);
    this.sets = program.sets;
    this.start = program.start;
    this.anchored = program.anchored;
    this.ascii = new Uint32Array(n * 4);
    for (let pc = 0; pc < n; pc++) {
      const set = program.sets[pc];
      if (!set) continue;
      for (let cp = 0; cp < 128; cp++)
        if (inRanges(set, cp)) this.ascii[pc * 4 + (cp >>> 5)]! |= 1 << (cp & 31);
    }
    this.current = new Int32Array(n);
    this.next = new Int32Array(n);
    this.mark = new Int32Array(n);
    this.stack = new Int32Array(n * 2 + 2);
    this.first = this.anchored ? undefined : this.firstChars();
  }

  /** The union of the CHARs reachable from the start without consuming (assertions passed). */
  private firstChars(): Uint32Array | undefined {
    const first = new Uint32Array(4);
    const seen = new Set<number>();
    const stack = [this.start];
    while (stack.length > 0) {
      const at = stack.pop()!;
      if (seen.has(at)) continue;
      seen.add(at);
      const code = this.op[at]!;
      if (code === MATCH) return undefined;
      if (code === CHAR) for (let w = 0; w < 4; w++) first[w]! |= this.ascii[at * 4 + w]!;
      else {
        stack.push(this.x[at]!);
        if (code === SPLIT) stack.push(this.y[at]!);
      }
    }
    return first;
  }

  /**
   * Adds `pc` and what it reaches without consuming a code point to `list` (holding `size`
   * states); returns the new size, or -1 when MATCH is reached. `prev` and `cur` are the code
   * points around the position (-1 past either end), for the assertions.
   */
  private add(list: Int32Array, size: number, pc: number, prev: number, cur: number): number {
    const op = this.op;
    const x = this.x;
    const mark = this.mark;
    const stack = this.stack;
    const generation = this.generation;
    let top = 0;
    stack[top++] = pc;
    while (top > 0) {
      const at = stack[--top]!;
      if (mark[at] === generation) continue;
      mark[at] = generation;
      const code = op[at]!;
      if (code === CHAR) list[size++] = at;
      else if (code === SPLIT) {
        stack[top++] = this.y[at]!;
        stack[top++] = x[at]!;
      } else if (code === MATCH) return -1;
      else if (code === JUMP) stack[top++] = x[at]!;
      else if (code === ASSERT_START) {
        if (prev === -1) stack[top++] = x[at]!;
      } else if (code === ASSERT_END) {
        if (cur === -1) stack[top++] = x[at]!;
      } else {
        const boundary = (prev !== -1 && isWord(prev)) !== (cur !== -1 && isWord(cur));
        if (boundary === (code === ASSERT_WORD)) stack[top++] = x[at]!;
      }
    }
    return size;
  }

  private takes(pc: number, cp: number): boolean {
    if (cp < 128) return (this.ascii[pc * 4 + (cp >>> 5)]! & (1 << (cp & 31))) !== 0;
    return inRanges(this.sets[pc]!, cp);
  }

  /** Whether the pattern matches anywhere in `s`. */
  test(s: string): boolean {
    let current = this.current;
    let next = this.next;
    const length = s.length;
    let size = 0;
    let prev = -1;
    let i = 0;
    // One generation of marks per position: the states carried into a position were marked when
    // the step before added them, so the start state's closure added here does not repeat them.
    this.generation++;
    const first = this.first;
    for (;;) {
      if (size === 0 && first !== undefined) {
        // Nothing is live: skip the ASCII code points no match can begin with.
        while (i < length) {
          const c = s.charCodeAt(i);
          if (c >= 128 || (first[c >>> 5]! & (1 << (c & 31))) !== 0) break;
          i++;
        }
        if (i >= length) return false;
        prev = i > 0 ? s.codePointAt(i - 1)! : -1;
        if (prev >= 0xdc00 && prev <= 0xdfff && i > 1) prev = s.codePointAt(i - 2)!;
      }
      const cur = i < length ? s.codePointAt(i)! : -1;
      if (i === 0 || !this.anchored) {
        size = this.add(current, size, this.start, prev, cur);
        if (size < 0) return true;
      }
      if (cur === -1 || (size === 0 && this.anchored)) return false;
      const width = cur > 0xffff ? 2 : 1;
      const after = i + width < length ? s.codePointAt(i + width)! : -1;
      this.generation++;
      let nextSize = 0;
      for (let k = 0; k < size; k++) {
        const pc = current[k]!;
        if (this.takes(pc, cur)) {
          nextSize = this.add(next, nextSize, this.x[pc]!, cur, after);
          if (nextSize < 0) return true;
        }
      }
      const swap = current;
      current = next;
      next = swap;
      size = nextSize;
      prev = cur;
      i += width;
    }
  }
}
