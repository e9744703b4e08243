import { describe, expect, it } from "vitest";
import { compileRegex, REGEX_SUBJECT_LENGTH, regexError } from "../../sdk/core/index.js";
import { PROGRAM_LIMIT } from "../../sdk/core/regex-program.js";

/** Our matcher against JavaScript's own RegExp (u flag) on patterns both accept. */
const agreement: Array<[string, string[]]> = [
  ["^a+b$", ["ab", "aab", "b", "aabc", ""]],
  ["@example\\.com$", ["x@example.com", "x@exampleXcom", "a@example.com.au"]],
  ["^(foo|bar)+baz", ["foobarbaz", "foobaz", "baz", "xfoobaz"]],
  ["colou?r", ["color", "colour", "colr"]],
  ["\\bcat\\b", ["a cat here", "concat", "cat", "cats"]],
  ["^\\d{3}-\\d{2,4}$", ["123-45", "123-4567", "123-4", "12-45", "123-45678"]],
  ["[^a-c]x", ["ax", "dx", "x"]],
  ["^$", ["", "a"]],
  ["^.$", ["a", "😀", "ab", "\n"]],
  ["^[\\w.-]+@[\\w-]+\\.[a-z]{2,}$", ["john.doe@mail.com", "x@y.z", "bad@", "a-b@c-d.org"]],
  ["Chrome/(1[2-9]\\d|[2-9]\\d\\d)", ["Mozilla/5.0 (X11) Chrome/120.0", "Mozilla/5.0 Chrome/99.0"]],
  ["a{0,3}$", ["aaaa", ""]],
  ["x*", ["", "y"]],
  ["[-a]", ["-", "b"]],
  ["\\u{1F600}|\\x41", ["😀", "A", "x"]],
  ["(?<year>\\d{4})-(?:0[1-9]|1[0-2])", ["2025-12", "2025-13"]],
  ["\\s\\S\\D\\W", [" a_!", " aa!", "\t1b-"]],
];

describe("regular expressions (matches, not_matches)", () => {
  it.each(agreement)("%s matches what JavaScript's RegExp matches", (pattern, subjects) => {
    const ours = compileRegex(pattern);
    if (typeof ours === "string") throw new Error(ours);
    const js = new RegExp(pattern, "u");
    for (const s of subjects) expect(ours.test(s), JSON.stringify(s)).toBe(js.test(s));
  });

  it("ignores case like RegExp's i flag when asked (on a lower-cased subject)", () => {
    for (const [pattern, subjects] of [
      ["^[A-Z]+$", ["abc", "ABC", "aB1"]],
      ["[^A-Z]", ["a", "1"]],
      ["straße", ["STRASSE", "Straße"]],
    ] as Array<[string, string[]]>) {
      const ours = compileRegex(pattern, true);
      if (typeof ours === "string") throw new Error(ours);
      const js = new RegExp(pattern, "iu");
      for (const s of subjects) expect(ours.test(s.toLowerCase()), `${pattern} ${s}`).toBe(js.test(s));
    }
  });

  it.each([
    ["(a)\\1", "backreferences"],
    ["(?<n>a)\\k<n>", "backreferences"],
    ["(?=a)b", "lookahead and lookbehind"],
    ["(?<!a)b", "lookahead and lookbehind"],
    ["a**", "a quantifier follows a quantifier"],
    ["\\q", "is not an escape"],
    ["(a", "without its `)`"],
    ["a)", "without its `(`"],
    ["[a", "without its `]`"],
    ["a{2,1}", "the smaller count comes first"],
    ["a{1000}", "at most 100"],
    ["(a{100}){100}", `more than ${PROGRAM_LIMIT} steps`],
    ["x".repeat(257), "at most 256 characters"],
  ])("refuses %s, saying why", (pattern, why) => {
    expect(regexError(pattern)).toContain(why);
  });

  it("runs catastrophic patterns in linear time: they answer, and correctly", () => {
    // A backtracking engine takes exponential (nested) or polynomial (adjacent) time here: V8's
    // RegExp needs most of a second for a*a*c on 1,000 a's and never finishes ^(a+)+$ on 40.
    const subject = "a".repeat(REGEX_SUBJECT_LENGTH - 1) + "!";
    for (const pattern of ["^(a+)+$", "(a|aa)+$", "a*a*a*a*a*a*c", "(a*)*b", "(.*a){20}x"]) {
      const re = compileRegex(pattern);
      if (typeof re === "string") throw new Error(re);
      expect(re.test(subject), pattern).toBe(false);
      expect(
        re.test(
          subject.slice(0, -1) +
            (pattern.endsWith("c") ? "c" : pattern.endsWith("b") ? "b" : pattern.endsWith("x") ? "x" : "a"),
        ),
        pattern,
      ).toBe(true);
    }
  });
});
