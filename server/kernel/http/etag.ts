/**
 * Entity tags for evaluated answers: a 64-bit hash (two independent 32-bit lanes) of the
 * request's context and of the answer. Plain JavaScript over UTF-16 code units, no allocation:
 * it is a cache key, not a security boundary.
 *
 * An answer built from cached fragments is hashed from the fragments' own hashes (computed once
 * when each fragment is made), so tagging a 50-flag answer costs 50 mixes, not a pass over its
 * 3 KB. Everything hashed is content, so two servers (or a restarted one) give equal answers
 * equal tags.
 */
export class EtagHash {
  a = 0x811c9dc5;
  b = 0x5bd1e995;

  /** Mixes a whole string in. */
  text(s: string): this {
    let a = this.a;
    let b = this.b;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193);
      b = Math.imul(b ^ c, 0x2c1b3c6d);
      b ^= b >>> 13;
    }
    this.a = a;
    this.b = b;
    return this;
  }

  /** Mixes in a pair of lanes computed earlier (a fragment's `hashA`, `hashB`). */
  pair(x: number, y: number): this {
    this.a = Math.imul(this.a ^ x, 0x01000193) ^ (this.a >>> 15);
    this.b = Math.imul(this.b ^ y, 0x2c1b3c6d) ^ (this.b >>> 13);
    return this;
  }

  /** A quoted strong ETag: both lanes, finalised, as 14 base-32 digits. */
  etag(): string {
    let a = this.a ^ (this.a >>> 16);
    a = Math.imul(a, 0x85ebca6b);
    a ^= a >>> 13;
    let b = this.b ^ (this.b >>> 15);
    b = Math.imul(b, 0xc2b2ae35);
    b ^= b >>> 16;
    // Digits by hand instead of Number#toString(36), which cost more than tagging the whole
    // answer: 7 digits of 5 bits cover a lane's 32 bits (the first holds the top 2).
    putDigits(a, 1);
    putDigits(b, 8);
    return String.fromCharCode.apply(null, tag);
  }
}

const QUOTE = 0x22;
const tag: number[] = [QUOTE, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, QUOTE];
const DIGITS = "0123456789abcdefghijklmnopqrstuv";

function putDigits(lane: number, at: number): void {
  for (let i = at + 6; i >= at; i--, lane >>>= 5) tag[i] = DIGITS.charCodeAt(lane & 31);
}

/** A part of an answer whose hash lanes were computed once, when the part was made. */
export interface HashedPart {
  readonly hashA: number;
  readonly hashB: number;
}

/**
 * The one ETag scheme of evaluated answers: the request's text, then each part of the answer
 * (one per flag) by its own hash lanes. Equal requests with equal answers get equal tags on every
 * server; an answer of cached parts is tagged with one mix per flag, not a pass over its text.
 */
export class AnswerTag {
  readonly #hash: EtagHash;

  constructor(requestText: string) {
    this.#hash = new EtagHash().text(requestText);
  }

  add(part: HashedPart): this {
    this.#hash.pair(part.hashA, part.hashB);
    return this;
  }

  /** Hashes `text` as a part of its own (a part that is not cached, like an OFREP result). */
  addText(text: string): this {
    const h = new EtagHash().text(text);
    this.#hash.pair(h.a, h.b);
    return this;
  }

  etag(): string {
    return this.#hash.etag();
  }
}

/** The tag of an answer given as one text (the same scheme, with the whole body as one part). */
export function evaluationEtag(requestText: string, body: string): string {
  return new AnswerTag(requestText).addText(body).etag();
}

/** Whether an If-None-Match header (a list of tags, weak or strong, or `*`) matches `etag`. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header === etag) return true;
  for (const part of header.split(",")) {
    const tag = part.trim();
    if (tag === "*" || tag === etag || (tag.startsWith("W/") && tag.slice(2) === etag)) return true;
  }
  return false;
}
