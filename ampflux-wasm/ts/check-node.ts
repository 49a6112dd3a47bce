// Compiled by `tsc -p ts/tsconfig.json` (tests/node/types.test.mjs): every export of the node
// package used with its declared types, and misuse that the declarations must reject.
import {
  Network, arcFlashLabelSvg, defaultOptions, ieee1584, summarizeChanges, version,
  type ArcFlashBus, type ArcFlashReport, type Ieee1584Result, type SelectivityReport, type TccReport,
  type AmpFluxError, type BranchResult, type BusResult, type Change, type ChangeSet, type DutyCheck,
  type DutyReport, type Issue, type StudyOptions, type StudyReport, type VoltageResult,
  type BusColumns, type StudyColumns,
} from "../pkg/ampflux_wasm.js";

const net: Network = Network.fromJson('{"buses": [{"id": "A", "vn_kv": 20}]}');
const issues: Issue[] = net.validate();
const studyIssues: Issue[] = net.validate({ fault: "1ph" });
const report: StudyReport = net.shortCircuit({ fault: "2phe", case: "min", ip_method: "b", buses: ["A"], branch_results: true });
const defaults: StudyReport = net.shortCircuit();
const bus: BusResult | undefined = report.buses[0];
const earth: number | undefined = bus?.ikss_earth_ka;
const branch: BranchResult | undefined = report.branches[0];
const phase: number | undefined = branch?.phases_from?.ia_ka;
const voltage: VoltageResult | undefined = report.voltages[0];
const columns: StudyColumns = net.shortCircuitColumns({ fault: "1ph", case: "min" }, (done: number, total: number) => void (done + total));
const busColumns: BusColumns = columns.buses;
const ikss: Float64Array = busColumns.ikss_ka;
const earthColumn: Float64Array | undefined = busColumns.ikss_earth_ka;
const statusName: string | undefined = busColumns.status_names[busColumns.status[0] ?? 0];
const ids: readonly string[] = busColumns.id;
const columnBranches: Float64Array | undefined = net.shortCircuitColumns({ fault: "1ph", branch_results: true }).branches.phases_from?.ia_ka;
const options: StudyOptions = defaultOptions();
const duty: DutyReport = net.duty({ duty_basis: "through", scenarios: "base", faults: ["3ph", "1ph"], tk_s: 0.5 });
const dutyDefaults: DutyReport = net.duty();
const failing: DutyCheck[] = duty.checks.filter((c) => c.verdict === "fail");
const utilization: number | null | undefined = failing[0]?.utilization_percent;
const digest: string = net.digest();
const text: string = net.toJson(false);
const canonical: string = net.canonicalJson();
const name: string | undefined = net.name;
const hz: number = net.frequencyHz;
const count: number = net.busCount;
const changes: ChangeSet = Network.diff(net, Network.fromJson(text));
const first: Change | undefined = changes.changes[0];
if (first?.op === "changed") {
  const field: string = first.field;
  void field;
}
const applied: Network = net.apply(changes);
const summary: string = summarizeChanges(changes);
const v: string = version();
applied.free();

try {
  Network.fromJson("{");
} catch (e) {
  const err = e as AmpFluxError;
  const code: AmpFluxError["code"] = err.code;
  const problems: Issue[] = err.issues;
  void code;
  void problems;
}

// @ts-expect-error: the bus ids are read-only
busColumns.id[0] = "X";
// @ts-expect-error: no such column
void busColumns.ikss_kA;
// @ts-expect-error: unknown option name
net.shortCircuitColumns({ faul: "3ph" });
// @ts-expect-error: unknown fault type
net.shortCircuit({ fault: "4ph" });
// @ts-expect-error: unknown option name
net.shortCircuit({ faul: "3ph" });
// @ts-expect-error: tk_s is a number
net.shortCircuit({ tk_s: "1" });
// @ts-expect-error: the document is text
Network.fromJson({ buses: [] });
// @ts-expect-error: no such field in a bus result
void report.buses[0]?.ikss_kA;
// @ts-expect-error: unknown duty basis
net.duty({ duty_basis: "sideways" });
// @ts-expect-error: the duty study decides the fault type (use faults)
net.duty({ fault: "1ph" });
// @ts-expect-error: diff takes networks
Network.diff(net, "{}");

const one: Ieee1584Result = ieee1584({
  voc_kv: 4.16, config: "VCB", gap_mm: 104, distance_mm: 914.4, height_mm: 1143, width_mm: 762,
  depth_mm: 508, ibf_ka: 15, time_ms: 197, time_min_ms: 223,
});
const category: number | null = one.ppe_category;
const arc: ArcFlashReport = net.arcFlash({ max_arc_duration_s: 1, short_circuit: { case: "max" } });
const row: ArcFlashBus | undefined = arc.buses[0];
const label: string = row ? arcFlashLabelSvg(row, { date: "2024-05-01" }) : "";
const labels: Record<string, string> = net.arcFlashLabels({ energy_method: "step_wise" }, { method: "ppe_category" });
const sel: SelectivityReport = net.selectivity({ cti_s: 0.3 });
const curves: TccReport = net.tcc({ devices: ["F1"], reference_kv: 0.4 });
const drawing: string = net.tccSvg({ devices: ["F1"] }, "title");
// @ts-expect-error: unknown electrode configuration
ieee1584({ voc_kv: 4.16, config: "XYZ", gap_mm: 104, distance_mm: 914.4, ibf_ka: 15, time_ms: 197 });
// @ts-expect-error: energy_method is single_step or step_wise
net.arcFlash({ energy_method: "sometimes" });
// @ts-expect-error: a TCC needs its devices
net.tcc({ reference_kv: 0.4 });

export const arcUsed = [category, label, labels, sel, curves, drawing];
export const used = [issues, studyIssues, defaults, earth, phase, voltage, options, digest, canonical, name, hz, count, summary, v,
  dutyDefaults, utilization];
export const columnsUsed = [ikss, earthColumn, statusName, ids, columnBranches];
