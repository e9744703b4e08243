/**
 * MurmurHash3 x86 32-bit over the UTF-8 bytes of JavaScript strings, without allocating.
 *
 * The `murmurhash` package gives the same numbers but encodes every string with a fresh
 * TextEncoder buffer first, which costs more than the hash itself on the evaluation hot path.
 * Here each UTF-16 code unit is turned into its UTF-8 bytes on the fly and fed into the 4-byte
 * block mixer, so nothing is allocated. Lone surrogates become U+FFFD (EF BF BD), exactly as
 * TextEncoder does, so both agree on every string.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

// The hash in progress lives in module state rather than in locals of one function so that
// `hashKey` can feed "salt", ":" and "value" one after another: concatenating them would allocate
// a new string on every evaluation. JavaScript runs one call at a time and `absorb` calls nothing
// that could re-enter, so one shared state is safe.
let stateHash = 0; // h1 after every complete 4-byte block so far
let stateTail = 0; // bytes not yet forming a full block, little-endian
let stateTailBits = 0; // bits used in stateTail: 0, 8, 16 or 24
let stateLength = 0; // bytes absorbed so far

function reset(seed: number): void {
  stateHash = seed | 0;
  stateTail = 0;
  stateTailBits = 0;
  stateLength = 0;
}

/** Feeds the UTF-8 encoding of `str` into the hash state. */
function absorb(str: string): void {
  // Locals for the loop, written back at the end: registers are much faster than module slots.
  let h = stateHash;
  let k = stateTail;
  let bits = stateTailBits;
  let length = stateLength;
  const n = str.length;
  for (let i = 0; i < n; i++) {
    // Fast path: at a block boundary with four ASCII characters ahead, they are the block.
    if (bits === 0 && i + 3 < n) {
      const c0 = str.charCodeAt(i);
      const c1 = str.charCodeAt(i + 1);
      const c2 = str.charCodeAt(i + 2);
      const c3 = str.charCodeAt(i + 3);
      if ((c0 | c1 | c2 | c3) < 0x80) {
        k = c0 | (c1 << 8) | (c2 << 16) | (c3 << 24);
        k = Math.imul(k, C1);
        k = (k << 15) | (k >>> 17);
        h ^= Math.imul(k, C2);
        h = (h << 13) | (h >>> 19);
        h = (Math.imul(h, 5) + 0xe6546b64) | 0;
        k = 0;
        length += 4;
        i += 3;
        continue;
      }
    }
    const c = str.charCodeAt(i);
    if (c < 0x80) {
      // ASCII, the common case for ids: one byte, which never straddles a block.
      length++;
      k |= c << bits;
      bits += 8;
      if (bits < 32) continue;
      k = Math.imul(k, C1);
      k = (k << 15) | (k >>> 17);
      h ^= Math.imul(k, C2);
      h = (h << 13) | (h >>> 19);
      h = (Math.imul(h, 5) + 0xe6546b64) | 0;
      k = 0;
      bits = 0;
      continue;
    }
    // `bytes` holds this code point's UTF-8 bytes, first byte lowest; `count` how many.
    let bytes: number;
    let count: number;
    if (c < 0x800) {
      bytes = 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8);
      count = 2;
    } else if (c < 0xd800 || c > 0xdfff) {
      bytes = 0xe0 | (c >> 12) | ((0x80 | ((c >> 6) & 0x3f)) << 8) | ((0x80 | (c & 0x3f)) << 16);
      count = 3;
    } else {
      const d = i + 1 < n ? str.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && d >= 0xdc00 && d <= 0xdfff) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        bytes =
          0xf0 |
          (cp >> 18) |
          ((0x80 | ((cp >> 12) & 0x3f)) << 8) |
          ((0x80 | ((cp >> 6) & 0x3f)) << 16) |
          ((0x80 | (cp & 0x3f)) << 24);
        count = 4;
        i++;
      } else {
        bytes = 0xef | (0xbf << 8) | (0xbd << 16); // lone surrogate: U+FFFD
        count = 3;
      }
    }
    length += count;
    k |= bytes << bits;
    const filled = bits + (count << 3);
    if (filled < 32) {
      bits = filled;
      continue;
    }
    // A block is complete: mix it in, keep the bytes of this code point that did not fit.
    k = Math.imul(k, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
    // `bits` was the fill before this code point, so its first (32 - bits) / 8 bytes went in.
    k = bits === 0 ? 0 : bytes >>> (32 - bits);
    bits = filled - 32;
  }
  stateHash = h;
  stateTail = k;
  stateTailBits = bits;
  stateLength = length;
}

function finish(): number {
  let h = stateHash;
  if (stateTailBits > 0) {
    let k = Math.imul(stateTail, C1);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, C2);
  }
  h ^= stateLength;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86 32-bit of the UTF-8 bytes of `str`, unsigned; equals `murmurhash`'s `v3`. */
export function murmur3(str: string, seed: number): number {
  reset(seed);
  absorb(str);
  return finish();
}

/** `murmur3(salt + ":" + value, seed)` without building the joined string. */
export function hashKey(salt: string, value: string, seed: number): number {
  reset(seed);
  absorb(salt);
  absorb(":");
  absorb(value);
  return finish();
}
