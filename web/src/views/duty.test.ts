// Ordering and placing duty verdicts (presentation of the core's rows; no physics here).
import { describe, expect, it } from "vitest";
import type { DutyCheck, DutyReport } from "../../pkg/ampflux_wasm.js";
import type { NetworkDoc } from "../model/doc";
import { dutyMarks, worstFirst } from "./Duty";

const check = (element: string, table: string, verdict: string, utilization: number | null, kind = "breaking"): DutyCheck =>
  ({ element, table, check: kind, duty: 1, rating: utilization === null ? null : 1, unit: "kA", utilization_percent: utilization, verdict, fault: "3ph", location: "B1", scenario: "base", note: "" }) as unknown as DutyCheck;

describe("duty verdicts", () => {
  const checks = [check("B1", "buses", "pass", 40, "peak"), check("Q1", "switches", "fail", 120), check("C1", "lines", "marginal", 95, "cable_thermal"), check("Q2", "switches", "unrated", null), check("Q1", "switches", "pass", 60, "making")];
  it("lists the worst first: fail, marginal, unrated, pass, then by utilization", () => {
    expect(worstFirst(checks).map((c) => `${c.element}:${c.check}`)).toEqual(["Q1:breaking", "C1:cable_thermal", "Q2:breaking", "Q1:making", "B1:peak"]);
  });
  it("marks each bus and branch with the worst verdict of its own checks and its switches'", () => {
    const doc = {
      format: "ampflux-network", version: 1, frequency_hz: 50,
      buses: [{ id: "B1", vn_kv: 20 }, { id: "B2", vn_kv: 20 }],
      lines: [{ id: "C1", from_bus: "B1", to_bus: "B2" }],
      switches: [{ id: "Q1", bus: "B1", element: "C1" }, { id: "Q2", bus: "B1", element: "B2" }],
    } as unknown as NetworkDoc;
    const m = dutyMarks({ checks } as unknown as DutyReport, doc);
    // Q1 sits at the end of C1: C1 shows Q1's failure; Q2 is a bus coupler, its own edge
    expect(m.get("C1")?.kind).toBe("fail");
    expect(m.get("C1")?.notes[0]).toMatch(/^Q1 breaking/);
    expect(m.get("Q2")?.kind).toBe("unrated");
    expect(m.get("B1")?.kind).toBe("pass");
    expect(m.has("Q1")).toBe(false);
  });
});
