import { describe, expect, it } from "vitest";
import { parseDuration } from "../../server/plans/duration.js";

describe("parseDuration", () => {
  it("reads short forms, combinations and ISO 8601", () => {
    expect(parseDuration("500ms")).toBe(500);
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("30m")).toBe(1_800_000);
    expect(parseDuration("2h")).toBe(7_200_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("1d")).toBe(86_400_000);
    expect(parseDuration(" 2H ")).toBe(7_200_000);
    expect(parseDuration("PT30M")).toBe(1_800_000);
    expect(parseDuration("P1DT2H")).toBe(93_600_000);
    expect(parseDuration("pt1.5s")).toBe(1_500);
  });

  it("refuses anything else", () => {
    for (const bad of ["", "30", "m", "30 minutes", "1w", "-5m", "P", "PT", "P1H", "1h 30m", "PT1M2H"])
      expect(parseDuration(bad), bad).toBeUndefined();
  });
});
