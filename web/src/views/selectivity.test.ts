// Showing the core's selectivity pairs (presentation only: which pairs, in which order, where on
// the TCC; the margins and verdicts are the engine's).
import { describe, expect, it } from "vitest";
import type { SelectivityPair, SelectivityReport, TccReport } from "../engine/protection";
import { focusedPairs, pairDevices, pairKey } from "./Selectivity";
import { selectivityDatasets } from "./TccChart";

const pair = (downstream: string, upstream: string, pass: boolean, extra: Partial<SelectivityPair> = {}): SelectivityPair => ({
  upstream, downstream, fault_bus: "B", current_upstream_ka: 1, current_downstream_ka: 1, time_upstream_s: 0.5, time_downstream_s: 0.1,
  margin_s: 0.4, required_s: 0.2, pass, reason: "", ...extra,
});

// a radial chain F1 (at the fault) below TU1 below R1, and a fuse F2 beside F1 below TU1
const report = {
  study: { cti_s: 0.2, buses: null, short_circuit: { case: "max" } }, network_digest: "", warnings: [],
  pairs: [pair("TU1", "R1", true), pair("F1", "TU1", false), pair("F2", "TU1", true)],
} as SelectivityReport;

describe("selectivity pairs", () => {
  it("shows failing pairs first, then by device", () => {
    expect(focusedPairs(report, { kind: "all" }).map(pairKey)).toEqual(["F1>TU1", "F2>TU1", "TU1>R1"]);
  });
  it("a bus shows the pairs the engine finds in series from it (none while it looks)", () => {
    expect(focusedPairs(report, { kind: "bus", bus: "LV2", keys: null })).toEqual([]);
    expect(focusedPairs(report, { kind: "bus", bus: "LV2", keys: new Set(["F2>TU1", "TU1>R1"]) }).map(pairKey)).toEqual(["F2>TU1", "TU1>R1"]);
  });
  it("a device shows the pairs it is in, above or below; a pair itself", () => {
    expect(focusedPairs(report, { kind: "device", device: "TU1" }).map(pairKey)).toEqual(["F1>TU1", "F2>TU1", "TU1>R1"]);
    expect(focusedPairs(report, { kind: "device", device: "R1" }).map(pairKey)).toEqual(["TU1>R1"]);
    expect(focusedPairs(report, { kind: "pair", key: "F2>TU1" }).map(pairKey)).toEqual(["F2>TU1"]);
  });
  it("lists the devices from the fault towards the source", () => {
    expect(pairDevices(report.pairs)).toEqual(["F1", "F2", "TU1", "R1"]);
  });
});

describe("selectivity on the TCC", () => {
  const curve = (device: string, scale: number) => ({ device, kind: "relay", bus: "X", vn_kv: 0.4, scale, points: [] });
  const tcc = { reference_kv: 0.4, current_range_a: [10, 1e5], curves: [curve("F1", 1), curve("TU1", 1), curve("R1", 50)], marks: [], warnings: [] } as unknown as TccReport;
  it("marks each pair at the currents through its devices, referred to the plot's voltage by the curve's scale", () => {
    const p = pair("TU1", "R1", true, { current_downstream_ka: 20, current_upstream_ka: 0.4, time_downstream_s: 0.08, time_upstream_s: 0.45, margin_s: 0.37 });
    const [d] = selectivityDatasets(tcc, [p]);
    // R1 sits at 20 kV: 0.4 kA there is 20 kA at 0.4 kV, the downstream current (a radial chain)
    expect(d.data).toEqual([{ x: 20000, y: 0.08 }, { x: 20000, y: 0.45 }]);
    expect(d.label).toBe("TU1 below R1 (fault at B): CTI 0.37 s, required 0.2 s, selective");
    expect(d.borderColor).toBe("#1a7f37");
  });
  it("a device that does not operate has no point; a pair with a device not drawn is left out", () => {
    const p = pair("F1", "TU1", false, { time_downstream_s: null, margin_s: null });
    const [d] = selectivityDatasets(tcc, [p]);
    expect(d.data).toHaveLength(1);
    expect(d.label).toMatch(/no interval, required 0\.2 s, not selective$/);
    expect(d.borderColor).toBe("#cf222e");
    expect(selectivityDatasets(tcc, [pair("F2", "TU1", true)])).toEqual([]);
  });
});
