/**
 * The syntax of Rollguard's regular expressions: a subset of JavaScript's (with the `u` flag)
 * parsed into a tree, so that regex-run.ts can match it in time linear in the subject. Parsing
 * refuses what a linear matcher cannot do (backreferences, lookahead and lookbehind) and what JS
 * would read differently (unknown escapes), with a message that says what to write instead.
 *
 * Supported: literals, `.`, classes `[a-z]` `[^…]`, escapes `\d \D \w \W \s \S \b \B \t \n \r
 * \f \v \0 \xhh \uhhhh \u{h…}` and escaped punctuation, groups `( )` `(?: )` `(?<name> )`,
 * alternation `|`, quantifiers `* + ? {n} {n,} {n,m}` (lazy forms too: a test has no captures,
 * so greedy and lazy match the same strings), anchors `^ $` (of the whole value).
 */

/** A set of code points: sorted, non-overlapping inclusive ranges [lo0, hi0, lo1, hi1, …]. */
export interface CharSet {
  readonly ranges: readonly number[];
  readonly negated: boolean;
}

export type RegexNode =
  | { readonly t: "char"; readonly set: CharSet }
  | { readonly t: "assert"; readonly kind: "start" | "end" | "word" | "nonword" }
  | { readonly t: "seq"; readonly items: readonly RegexNode[] }
  | { readonly t: "alt"; readonly options: readonly RegexNode[] }
  | { readonly t: "repeat"; readonly node: RegexNode; readonly min: number; readonly max: number };

/** The largest count a `{n,m}` may state; larger ones make programs too big to run in bounds. */
export const REPEAT_LIMIT = 100;

const DIGIT = [48, 57];
const WORD = [48, 57, 65, 90, 95, 95, 97, 122];
const SPACE = [
  9, 13, 32, 32, 160, 160, 5760, 5760, 8192, 8202, 8232, 8233, 8239, 8239, 8287, 8287, 12288, 12288, 65279,
  65279,
];
const LINE_TERMINATORS = [10, 10, 13, 13, 8232, 8233];

class Refused extends Error {}

/** Sorts and merges ranges. */
function normalise(ranges: number[]): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i]!, ranges[i + 1]!]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last]! + 1) out[last] = Math.max(out[last]!, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** The complement of normalised ranges within all code points. */
function complement(ranges: readonly number[]): number[] {
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i]! > next) out.push(next, ranges[i]! - 1);
    next = ranges[i + 1]! + 1;
  }
  if (next <= 0x10ffff) out.push(next, 0x10ffff);
  return out;
}

const set = (ranges: number[], negated = false): CharSet => ({ ranges: normalise(ranges), negated });

class Parser {
  i = 0;
  readonly cps: number[];

  constructor(pattern: string) {
    this.cps = [...pattern].map((c) => c.codePointAt(0)!);
  }

  peek(): number | undefined {
    return this.cps[this.i];
  }

  eat(cp: number): boolean {
    if (this.cps[this.i] !== cp) return false;
    this.i++;
    return true;
  }

  alternation(): RegexNode {
    const options = [this.sequence()];
    while (this.eat(124 /* | */)) options.push(this.sequence());
    return options.length === 1 ? options[0]! : { t: "alt", options };
  }

  sequence(): RegexNode {
    const items: RegexNode[] = [];
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === 124 || c === 41 /* ) */) break;
      items.push(this.quantified(this.atom()));
    }
    return items.length === 1 ? items[0]! : { t: "seq", items };
  }

  quantified(node: RegexNode): RegexNode {
    const c = this.peek();
    let min: number;
    let max: number;
    if (c === 42 /* * */) [min, max] = [0, Number.POSITIVE_INFINITY];
    else if (c === 43 /* + */) [min, max] = [1, Number.POSITIVE_INFINITY];
    else if (c === 63 /* ? */) [min, max] = [0, 1];
    else if (c === 123 /* { */) {
      const bounds = this.braces();
      if (!bounds) return node;
      [min, max] = bounds;
    } else return node;
    if (c !== 123) this.i++;
    if (node.t === "assert") throw new Refused("an anchor or \\b cannot be repeated");
    this.eat(63); // lazy: the same strings match
    const next = this.peek();
    if (next === 42 || next === 43 || next === 63 || next === 123)
      throw new Refused("a quantifier follows a quantifier: put the inner one in a group");
    return { t: "repeat", node, min, max };
  }

  /** `{n}`, `{n,}`, `{n,m}` at the cursor; undefined (cursor unmoved) when it is none of them. */
  braces(): [number, number] | undefined {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(String.fromCodePoint(...this.cps.slice(this.i, this.i + 12)));
    if (!m) throw new Refused("a `{` that is not a count `{n}`, `{n,}` or `{n,m}`: escape it as `\\{`");
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? Number.POSITIVE_INFINITY : Number(m[3]);
    if (min > max) throw new Refused(`{${min},${max}}: the smaller count comes first`);
    if (min > REPEAT_LIMIT || (max !== Number.POSITIVE_INFINITY && max > REPEAT_LIMIT))
      throw new Refused(`counts in {n,m} may be at most ${REPEAT_LIMIT}`);
    this.i += m[0].length;
    return [min, max];
  }

  atom(): RegexNode {
    const c = this.cps[this.i++]!;
    switch (c) {
      case 94 /* ^ */:
        return { t: "assert", kind: "start" };
      case 36 /* $ */:
        return { t: "assert", kind: "end" };
      case 46 /* . */:
        return { t: "char", set: set(LINE_TERMINATORS, true) };
      case 40 /* ( */:
        return this.group();
      case 91 /* [ */:
        return { t: "char", set: this.charClass() };
      case 92 /* \ */:
        return this.escape();
      case 42:
      case 43:
      case 63:
        throw new Refused(`\`${String.fromCodePoint(c)}\` has nothing to repeat: escape it with \\`);
      case 123:
        throw new Refused("a `{` that is not a count: escape it as `\\{`");
      case 125 /* } */:
      case 93 /* ] */:
        throw new Refused(`a lone \`${String.fromCodePoint(c)}\`: escape it with \\`);
      default:
        return { t: "char", set: set([c, c]) };
    }
  }

  group(): RegexNode {
    if (this.eat(63 /* ? */)) {
      if (this.eat(58 /* : */)) return this.closeGroup();
      if (this.peek() === 60 /* < */ && this.cps[this.i + 1] !== 61 && this.cps[this.i + 1] !== 33) {
        // A named group: its name is read and dropped (a test has no captures).
        while (this.peek() !== undefined && this.peek() !== 62) this.i++;
        if (!this.eat(62)) throw new Refused("a group name without `>`");
        return this.closeGroup();
      }
      throw new Refused("lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported");
    }
    return this.closeGroup();
  }

  closeGroup(): RegexNode {
    const inner = this.alternation();
    if (!this.eat(41)) throw new Refused("a `(` without its `)`");
    return inner;
  }

  /** One escape outside a class; classes and assertions included. */
  escape(): RegexNode {
    const c = this.peek();
    if (c === 98 /* b */ || c === 66 /* B */) {
      this.i++;
      return { t: "assert", kind: c === 98 ? "word" : "nonword" };
    }
    const ranges = this.classEscape();
    if (ranges) return { t: "char", set: ranges };
    const cp = this.characterEscape();
    return { t: "char", set: set([cp, cp]) };
  }

  /** `\d \D \w \W \s \S` at the cursor (after `\`), or undefined. */
  classEscape(): CharSet | undefined {
    const c = this.peek();
    const table: Record<number, [number[], boolean]> = {
      100: [DIGIT, false],
      68: [DIGIT, true],
      119: [WORD, false],
      87: [WORD, true],
      115: [SPACE, false],
      83: [SPACE, true],
    };
    const hit = c === undefined ? undefined : table[c];
    if (!hit) return undefined;
    this.i++;
    return set(hit[0], hit[1]);
  }

  /** A single code point escape at the cursor (after `\`). */
  characterEscape(): number {
    const c = this.cps[this.i++];
    if (c === undefined) throw new Refused("the pattern ends with a lone `\\`");
    const simple: Record<number, number> = { 116: 9, 110: 10, 114: 13, 102: 12, 118: 11 };
    if (simple[c] !== undefined) return simple[c]!;
    if (c === 48 /* 0 */ && !isDigit(this.peek())) return 0;
    if (c >= 49 && c <= 57) throw new Refused("backreferences (\\1 …) are not supported");
    if (c === 107 /* k */) throw new Refused("backreferences (\\k<name>) are not supported");
    if (c === 120 /* x */) return this.hex(2);
    if (c === 117 /* u */) {
      if (this.eat(123)) {
        const start = this.i;
        while (this.peek() !== undefined && this.peek() !== 125) this.i++;
        const value = Number.parseInt(String.fromCodePoint(...this.cps.slice(start, this.i)), 16);
        if (
          !this.eat(125) ||
          !/^[0-9a-fA-F]{1,6}$/.test(String.fromCodePoint(...this.cps.slice(start, this.i - 1))) ||
          value > 0x10ffff
        )
          throw new Refused("\\u{…} needs 1–6 hex digits up to 10FFFF");
        return value;
      }
      return this.hex(4);
    }
    if (isSyntax(c)) return c;
    throw new Refused(`\\${String.fromCodePoint(c)} is not an escape: write the character itself`);
  }

  hex(digits: number): number {
    const text = String.fromCodePoint(...this.cps.slice(this.i, this.i + digits));
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(text))
      throw new Refused(`a hex escape needs ${digits} hex digits`);
    this.i += digits;
    return Number.parseInt(text, 16);
  }

  charClass(): CharSet {
    const negated = this.eat(94);
    const ranges: number[] = [];
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) throw new Refused("a `[` without its `]`");
      if (c === 93 && !first) break;
      if (c === 93) throw new Refused("an empty class `[]` matches nothing: remove it");
      first = false;
      const lo = this.classAtom(ranges);
      if (lo === undefined) continue;
      if (this.peek() === 45 /* - */ && this.cps[this.i + 1] !== 93 && this.cps[this.i + 1] !== undefined) {
        this.i++;
        const hi = this.classAtom(ranges);
        if (hi === undefined) throw new Refused("a range in a class ends with a class escape");
        if (hi < lo) throw new Refused("a range in a class runs backwards");
        ranges.push(lo, hi);
      } else ranges.push(lo, lo);
    }
    this.i++;
    return set(ranges, negated);
  }

  /** One member of a class: its code point, or undefined after adding a class escape's ranges. */
  classAtom(ranges: number[]): number | undefined {
    const c = this.cps[this.i++]!;
    if (c !== 92) return c;
    if (this.peek() === 98 /* \b in a class is backspace */) {
      this.i++;
      return 8;
    }
    if (this.peek() === 45) {
      this.i++;
      return 45;
    }
    const shorthand = this.classEscape();
    if (!shorthand) return this.characterEscape();
    ranges.push(...(shorthand.negated ? complement(shorthand.ranges) : shorthand.ranges));
    return undefined;
  }
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 48 && c <= 57;
}

/** Characters that may be escaped to stand for themselves (the `u` flag's SyntaxCharacter and `/`). */
function isSyntax(c: number): boolean {
  return "^$\\.*+?()[]{}|/".includes(String.fromCodePoint(c));
}

/** The pattern's tree, or why it is refused. Never throws. */
export function parseRegex(pattern: string): RegexNode | string {
  try {
    const parser = new Parser(pattern);
    const node = parser.alternation();
    if (parser.i < parser.cps.length) return "a `)` without its `(`: escape it as `\\)`";
    return node;
  } catch (error) {
    if (error instanceof Refused) return error.message;
    return "the pattern could not be read";
  }
}
