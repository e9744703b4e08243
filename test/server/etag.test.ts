import { describe, expect, it } from "vitest";
import { EtagHash, evaluationEtag, matchesIfNoneMatch } from "../../server/kernel/http/etag.js";

describe("EtagHash", () => {
  it("gives a quoted tag of 14 base-32 digits, the same for the same input", () => {
    const tag = new EtagHash().text('{"userId":"u-1"}').pair(7, 9).etag();
    expect(tag).toMatch(/^"[0-9a-v]{14}"$/);
    expect(new EtagHash().text('{"userId":"u-1"}').pair(7, 9).etag()).toBe(tag);
  });

  it("gives 20,000 different inputs 20,000 different tags, and uses every digit in every place", () => {
    const tags = new Set<string>();
    const seen = Array.from({ length: 14 }, () => new Set<string>());
    for (let i = 0; i < 20_000; i++) {
      const tag = new EtagHash()
        .text(`{"userId":"user-${i}"}`)
        .pair(i, i * 31)
        .etag();
      tags.add(tag);
      for (let d = 0; d < 14; d++) seen[d]!.add(tag[d + 1]!);
    }
    expect(tags.size).toBe(20_000);
    // The first digit of each lane holds its top 2 bits (4 values), the others 5 bits (32).
    expect(seen.map((s) => s.size)).toEqual([4, 32, 32, 32, 32, 32, 32, 4, 32, 32, 32, 32, 32, 32]);
  });

  it("tags an answer by its context and its body", () => {
    const tag = evaluationEtag("{}", '{"flags":[]}');
    expect(evaluationEtag("{}", '{"flags":[1]}')).not.toBe(tag);
    expect(evaluationEtag('{"a":1}', '{"flags":[]}')).not.toBe(tag);
    expect(matchesIfNoneMatch(`W/${tag}, "other"`, tag)).toBe(true);
    expect(matchesIfNoneMatch('"other"', tag)).toBe(false);
  });
});
