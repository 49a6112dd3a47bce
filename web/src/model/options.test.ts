import { describe, expect, it } from "vitest";
import { initialOptionValues, optionsFor, splitList, STUDY_OPTIONS, toStudyOptions } from "./options";

describe("study options", () => {
  it("sends only what differs from the core's defaults (branch results are on in the form)", () => {
    expect(toStudyOptions(initialOptionValues())).toEqual({ branch_results: true });
  });
  it("converts numbers, lists and line faults", () => {
    const v = { ...initialOptionValues(), fault: "1ph", tk_s: "0,5", lv_tolerance_percent: "6", c_max_lv: "1.05", buses: "B1, B2  B3", line_faults: "L1:0.5 L2:0.25", branch_results: false };
    expect(toStudyOptions(v)).toEqual({ fault: "1ph", tk_s: 0.5, lv_tolerance_percent: 6, c_max_lv: 1.05, buses: ["B1", "B2", "B3"], line_faults: [{ line: "L1", position: 0.5 }, { line: "L2", position: 0.25 }] });
  });
  it("passes text that is not a number on, for the core to name the option", () => {
    expect(toStudyOptions({ ...initialOptionValues(), tk_s: "soon" }).tk_s).toBe("soon");
  });
  it("lists every option of the format's study options", () => {
    const keys = STUDY_OPTIONS.map((o) => o.key);
    for (const k of ["fault", "case", "ip_method", "topology", "tk_s", "tmin_s", "breaking_current", "lv_tolerance_percent", "c_max_lv", "c_min_lv", "c_max_hv", "c_min_hv",
      "kt_in_min_case", "r_fault_ohm", "x_fault_ohm", "r_earth_ohm", "x_earth_ohm", "buses", "line_faults", "branch_results", "method", "prefault_pu", "base_mva", "partial_currents", "kts_at_generator_terminals"]) {
      expect(keys).toContain(k);
    }
    expect(splitList(" a;b ,c ")).toEqual(["a", "b", "c"]);
  });
});

describe("duty and arc-flash options", () => {
  it("duty: the short-circuit options it takes, and its own; never fault, case, buses, line faults or branch results", () => {
    const v = { ...initialOptionValues(), fault: "1ph", case: "min", tk_s: "0.5", faults: "3ph 1ph", duty_basis: "through", marginal_percent: "85", scenarios: "base tie-closed", all_scenarios: true };
    expect(optionsFor("duty", v)).toEqual({ tk_s: 0.5, faults: ["3ph", "1ph"], duty_basis: "through", marginal_percent: 85, scenarios: ["base", "tie-closed"], all_scenarios: true });
    expect(optionsFor("duty", initialOptionValues())).toEqual({});
  });
  it("arc flash: its own options, the short-circuit ones under short_circuit; \"none\" lets motors feed the arc until a device opens", () => {
    const v = { ...initialOptionValues(), case: "min", fault: "1ph", af_buses: "LV1, LV2", max_arc_duration_s: "1", motor_decay_s: "none", energy_method: "step_wise" };
    expect(optionsFor("arc_flash", v)).toEqual({ buses: ["LV1", "LV2"], max_arc_duration_s: 1, motor_decay_s: null, energy_method: "step_wise", short_circuit: { case: "min" } });
    expect(optionsFor("arc_flash", initialOptionValues())).toEqual({});
  });
  it("selectivity: the coordination time interval and fault buses, the short-circuit case under short_circuit", () => {
    const v = { ...initialOptionValues(), case: "min", fault: "1ph", cti_s: "0,3", sel_buses: "LV-MAIN", af_buses: "X" };
    expect(optionsFor("selectivity", v)).toEqual({ cti_s: 0.3, buses: ["LV-MAIN"], short_circuit: { case: "min" } });
    expect(optionsFor("selectivity", initialOptionValues())).toEqual({});
  });
});
