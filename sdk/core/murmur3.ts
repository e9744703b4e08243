/**
 * MurmurHash3 x86 32-bit over the UTF-8 bytes of JavaScript strings, built for bucketing: the
 * hashed text is always `salt:value`, where the salt belongs to a flag and the value to a user.
 *
 * - The state after `salt:` is a `HashPrefix`, computed once per compiled flag.
 * - The value's UTF-8 bytes, and its 4-byte blocks already mixed (the half of the block step
 *   that does not depend on the hash so far), are kept for the last value seen. A request
 *   evaluates every flag for one user, so the user's id is encoded and mixed once, and each flag
 *   only folds those blocks into its own prefix: a few integer operations per block.
 *
 * The `murmurhash` package gives the same numbers but encodes every string with a fresh
 * TextEncoder buffer first. Here strings are encoded into a reused buffer; lone surrogates become
 * U+FFFD (EF BF BD), exactly as TextEncoder does, so both agree on every string.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** The hash state after some leading text: continue it with `hashAfter`. */
export interface HashPrefix {
  /** h1 after the text's complete 4-byte blocks. */
  readonly h: number;
  /** The bytes after the last complete block, little-endian. */
  readonly tail: number;
  /** How many bytes `tail` holds: 0 to 3. */
  readonly tailBytes: number;
  /** Bytes of text so far. */
  readonly length: number;
}

/** The first half of a block step: it depends only on the block's bytes. */
function mixBlock(k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, C2);
}

/** The second half: folds a mixed block into the hash. */
function fold(h: number, mixed: number): number {
  h ^= mixed;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function finish(h: number, tail: number, tailBytes: number, length: number): number {
  if (tailBytes > 0) h ^= mixBlock(tail);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Module state, not per call: JavaScript runs one call at a time and nothing below calls out, so
// nothing can re-enter, and an evaluation allocates nothing.
let bytes = new Uint8Array(256); // UTF-8 of `lastValue` (or of text being absorbed into a prefix)
let lastValue: string | undefined;
let lastLength = 0;
// For a prefix with `a` tail bytes (which the value's first (4 - a) % 4 bytes complete):
// mixed[a] holds lastValue's complete blocks after those, mixed; blockCount[a] how many, -1
// until `split` has cut the value for that alignment.
const mixed: Int32Array[] = [new Int32Array(64), new Int32Array(64), new Int32Array(64), new Int32Array(64)];
const blockCount = new Int32Array(4).fill(-1);
// heads[a]: the value's first (4 - a) % 4 bytes, placed after the prefix's; tails[a]: the bytes after
// the last complete block.
const heads = new Int32Array(4);
const tails = new Int32Array(4);

/** Writes the UTF-8 encoding of `str` into `bytes` and returns its length. */
function encode(str: string): number {
  const n = str.length;
  // A UTF-16 code unit becomes at most 3 bytes (a surrogate pair, two units, becomes 4).
  if (bytes.length < n * 3) bytes = new Uint8Array(n * 3 + 64);
  const out = bytes;
  // Ids are mostly ASCII: copy that run first, one byte per code unit, with nothing to decide.
  let i = 0;
  for (; i < n; i++) {
    const c = str.charCodeAt(i);
    if (c >= 0x80) break;
    out[i] = c;
  }
  let p = i;
  for (; i < n; i++) {
    let c = str.charCodeAt(i);
    if (c < 0x80) {
      out[p++] = c;
      continue;
    }
    if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c <= 0xdfff) {
      const d = i + 1 < n ? str.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        out[p++] = 0xf0 | (cp >> 18);
        out[p++] = 0x80 | ((cp >> 12) & 0x3f);
        out[p++] = 0x80 | ((cp >> 6) & 0x3f);
        out[p++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd; // a lone surrogate
    }
    out[p++] = 0xe0 | (c >> 12);
    out[p++] = 0x80 | ((c >> 6) & 0x3f);
    out[p++] = 0x80 | (c & 0x3f);
  }
  return p;
}

/** Reads little-endian bytes `from` … `to` (at most 4) of `bytes`, starting at bit `shift`. */
function gather(from: number, to: number, shift: number): number {
  const b = bytes;
  let k = 0;
  for (let i = from; i < to; i++, shift += 8) k |= b[i]! << shift;
  return k;
}

/** The state of `prefix` continued with `text`. For preparing prefixes, not for hot paths. */
export function extendPrefix(prefix: HashPrefix, text: string): HashPrefix {
  lastValue = undefined; // `bytes` is about to hold `text`
  const n = encode(text);
  const a = prefix.tailBytes;
  let h = prefix.h;
  let tail = prefix.tail;
  let filled = a;
  for (let i = 0; i < n; i++) {
    tail |= bytes[i]! << (filled << 3);
    if (++filled < 4) continue;
    h = fold(h, mixBlock(tail));
    tail = 0;
    filled = 0;
  }
  return { h, tail, tailBytes: filled, length: prefix.length + n };
}

/** The state before any text. */
export function seedPrefix(seed: number): HashPrefix {
  return { h: seed | 0, tail: 0, tailBytes: 0, length: 0 };
}

/** The hash of the prefix's text followed by `value`, unsigned. */
export function hashAfter(prefix: HashPrefix, value: string): number {
  if (value !== lastValue) {
    lastLength = encode(value);
    lastValue = value;
    blockCount[0] = blockCount[1] = blockCount[2] = blockCount[3] = -1;
  }
  const n = lastLength;
  const a = prefix.tailBytes;
  const lead = (4 - a) & 3; // the value's bytes that complete the prefix's last block
  const length = prefix.length + n;
  if (n < lead) return finish(prefix.h, prefix.tail | gather(0, n, a << 3), a + n, length);
  if (blockCount[a]! < 0) split(a, lead, n);
  let h = lead === 0 ? prefix.h : fold(prefix.h, mixBlock(prefix.tail | heads[a]!));
  const count = blockCount[a]!;
  const blocks = mixed[a]!;
  for (let j = 0; j < count; j++) h = fold(h, blocks[j]!);
  return finish(h, tails[a]!, n - lead - (count << 2), length);
}

/** Cuts lastValue's bytes for a prefix with `a` tail bytes: head, mixed blocks, tail. */
function split(a: number, lead: number, n: number): void {
  const count = (n - lead) >> 2;
  let blocks = mixed[a]!;
  if (blocks.length < count) blocks = mixed[a] = new Int32Array(count + 64);
  const b = bytes;
  for (let j = 0, p = lead; j < count; j++, p += 4)
    blocks[j] = mixBlock(b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24));
  heads[a] = gather(0, lead, a << 3);
  tails[a] = gather(lead + (count << 2), n, 0);
  blockCount[a] = count;
}

/** MurmurHash3 x86 32-bit of the UTF-8 bytes of `str`, unsigned; equals `murmurhash`'s `v3`. */
export function murmur3(str: string, seed: number): number {
  return hashAfter(seedPrefix(seed), str);
}
