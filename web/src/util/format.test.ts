import { describe, expect, it } from "vitest";
import { fmt, linearTicks, logTicks, tickLabel } from "./format";

describe("ticks", () => {
  it("linear ticks are round (1, 2, 2.5, 5 × 10^n) and cover the maximum", () => {
    expect(linearTicks(37.3)).toEqual([0, 10, 20, 30, 40]);
    expect(linearTicks(0.83)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks(112)).toEqual([0, 20, 40, 60, 80, 100, 120]);
    for (const max of [0.013, 7.7, 55, 1234]) {
      const t = linearTicks(max);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(max);
      const step = t[1] - t[0];
      expect(step / 10 ** Math.floor(Math.log10(step))).toBeCloseTo([1, 2, 2.5, 5].find((m) => Math.abs(step / 10 ** Math.floor(Math.log10(step)) - m) < 1e-9)!, 9);
    }
  });
  it("log ticks are 1, 2, 5 per decade", () => {
    expect(logTicks(0.3, 60)).toEqual([0.5, 1, 2, 5, 10, 20, 50]);
  });
  it("labels carry no floating-point noise", () => {
    expect(tickLabel(0.1 + 0.2)).toBe("0.3");
    expect(fmt(undefined)).toBe("–");
    expect(fmt(1.23456, 2)).toBe("1.23");
  });
});
