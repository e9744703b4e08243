/**
 * Runs a regex program (regex-program.ts) over a subject by keeping every live state at once
 * (Thompson's construction, as RE2 and Go do) instead of backtracking: each code point of the
 * subject visits each instruction at most once, so a test costs at most program size × subject
 * length steps, whatever the pattern. No pattern can make it explode.
 */
import {
  ASSERT_END,
  ASSERT_NONWORD,
  ASSERT_START,
  ASSERT_WORD,
  CHAR,
  JUMP,
  MATCH,
  type Program,
  SPLIT,
} from "./regex-program.js";
import type { CharSet } from "./regex-syntax.js";

function inSet(set: CharSet, cp: number): boolean {
  const r = set.ranges;
  let found = false;
  for (let i = 0; i < r.length; i += 2) {
    if (cp < r[i]!) break;
    if (cp <= r[i + 1]!) {
      found = true;
      break;
    }
  }
  return found !== set.negated;
}

function isWord(cp: number): boolean {
  return (cp >= 48 && cp <= 57) || (cp >= 65 && cp <= 90) || cp === 95 || (cp >= 97 && cp <= 122);
}

/** A matcher for one program; its buffers are reused by every test (evaluation is synchronous). */
export class Matcher {
  readonly #p: Program;
  #current: Int32Array;
  #next: Int32Array;
  readonly #mark: Int32Array;
  readonly #stack: Int32Array;
  #generation = 0;

  constructor(program: Program) {
    this.#p = program;
    const n = program.op.length;
    this.#current = new Int32Array(n);
    this.#next = new Int32Array(n);
    this.#mark = new Int32Array(n);
    this.#stack = new Int32Array(n * 2 + 2);
  }

  /**
   * Adds `pc` and what it reaches without consuming a code point to `list` (of `size` states);
   * returns the new size, or -1 when MATCH is reached. `prev`/`cur` are the code points around
   * the position (-1 at the ends), for the assertions.
   */
  #add(list: Int32Array, size: number, pc: number, prev: number, cur: number): number {
    const { op, x, y } = this.#p;
    const mark = this.#mark;
    const stack = this.#stack;
    const generation = this.#generation;
    let top = 0;
    stack[top++] = pc;
    while (top > 0) {
      const at = stack[--top]!;
      if (mark[at] === generation) continue;
      mark[at] = generation;
      switch (op[at]) {
        case CHAR:
          list[size++] = at;
          break;
        case MATCH:
          return -1;
        case SPLIT:
          stack[top++] = y[at]!;
          stack[top++] = x[at]!;
          break;
        case JUMP:
          stack[top++] = x[at]!;
          break;
        case ASSERT_START:
          if (prev === -1) stack[top++] = x[at]!;
          break;
        case ASSERT_END:
          if (cur === -1) stack[top++] = x[at]!;
          break;
        case ASSERT_WORD:
        case ASSERT_NONWORD: {
          const boundary = (prev !== -1 && isWord(prev)) !== (cur !== -1 && isWord(cur));
          if (boundary === (op[at] === ASSERT_WORD)) stack[top++] = x[at]!;
          break;
        }
      }
    }
    return size;
  }

  /** Whether the pattern matches anywhere in `s`. */
  test(s: string): boolean {
    const p = this.#p;
    let current = this.#current;
    let next = this.#next;
    let size = 0;
    let prev = -1;
    let i = 0;
    // One generation of marks per position: the states carried into a position were marked when
    // the step before added them, so the start state's closure added here does not repeat them.
    this.#generation++;
    for (;;) {
      const cur = i < s.length ? s.codePointAt(i)! : -1;
      if (i === 0 || !p.anchored) {
        size = this.#add(current, size, p.start, prev, cur);
        if (size < 0) return true;
      }
      if (cur === -1 || (size === 0 && p.anchored)) return false;
      const width = cur > 0xffff ? 2 : 1;
      const after = i + width < s.length ? s.codePointAt(i + width)! : -1;
      this.#generation++;
      let nextSize = 0;
      for (let k = 0; k < size; k++) {
        const pc = current[k]!;
        if (inSet(p.sets[pc]!, cur)) {
          nextSize = this.#add(next, nextSize, p.x[pc]!, cur, after);
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
