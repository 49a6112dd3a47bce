// The engine's protection and arc-flash functions (issue 15: `Network.arcFlash`, `Network.tcc`,
// `Network.selectivity`, `arcFlashLabelSvg`), reached through feature detection: the client builds and runs with an
// engine that has them or not, and offers the arc-flash study and the protective-device forms
// only when it has them. The shapes below are those of the engine's JSON (docs/network-format.md,
// "Arc-flash, selectivity and TCC studies"): the fields this client reads, nothing computed.
import * as pkg from "../../pkg/ampflux_wasm.js";
import type { Issue } from "../../pkg/ampflux_wasm.js";

export interface ArcDeviceOperation { device: string; current_ka: number; time_ms: number | null; opened: boolean; opened_at_ms: number | null }

export interface ArcFlashScenario {
  scenario: "full" | "reduced";
  iarc_ka: number;
  clearing_time_ms: number;
  device: string | null;
  ended_by: string;
  energy_j_per_cm2: number;
  afb_mm: number;
  devices: ArcDeviceOperation[];
}

export interface ArcFlashBus {
  id: string;
  name: string | null;
  vn_kv: number;
  ibf_ka: number;
  iarc_ka: number;
  iarc_min_ka: number;
  clearing_time_ms: number;
  clearing_time_min_ms: number;
  device: string | null;
  incident_energy_j_per_cm2: number;
  incident_energy_cal_per_cm2: number;
  afb_mm: number;
  ppe_category: number | null;
  warnings: Issue[];
  governing: "full" | "reduced";
  equipment: { working_distance_mm: number; gap_mm: number; electrode_configuration: string };
  equipment_class: string;
  typical_values: string[];
  scenarios: ArcFlashScenario[];
}

export interface ArcFlashReport {
  study: { max_arc_duration_s: number; motor_decay_s: number | null; converter_trip_s: number | null; energy_method: string; short_circuit: { case: string } };
  network_digest: string;
  buses: ArcFlashBus[];
  warnings: Issue[];
}

/** `scale`: the device's currents times `scale` are its currents at the TCC's reference voltage. */
export interface TccCurve { device: string; kind: string; bus: string; vn_kv: number; scale: number; points: { current_a: number; min_time_s: number | null; max_time_s: number | null }[] }
export interface TccMark { device: string; fault_bus: string; kind: "bolted" | "arcing"; current_a: number; time_s: number | null }
export interface TccReport { reference_kv: number; current_range_a: [number, number]; curves: TccCurve[]; marks: TccMark[]; warnings: Issue[] }

/** One pair of neighbouring devices in series (`Network.selectivity`): the downstream device
 * (nearer the fault) must clear before the upstream one operates, by `required_s`, at the fault
 * with the largest current through the downstream device (`fault_bus`). */
export interface SelectivityPair {
  upstream: string;
  downstream: string;
  fault_bus: string;
  current_upstream_ka: number;
  current_downstream_ka: number;
  time_upstream_s: number | null;
  time_downstream_s: number | null;
  margin_s: number | null;
  required_s: number;
  pass: boolean;
  reason: string;
}

export interface SelectivityReport {
  study: { cti_s: number; buses: string[] | null; short_circuit: { case: string } };
  network_digest: string;
  pairs: SelectivityPair[];
  warnings: Issue[];
}

export interface LabelOptions { date?: string | null; study?: string | null; method?: "incident_energy" | "ppe_category" }

/** The engine's network methods of issue 15, where it has them. */
export interface ProtectionMethods {
  arcFlash(options: unknown): ArcFlashReport;
  tcc(options: unknown): TccReport;
  selectivity(options: unknown): SelectivityReport;
}

// looked up by a name held in a variable, so that bundling works with an engine without them
const LABEL_FN = "arcFlashLabelSvg";
const ARC_METHOD = "arcFlash";

/** Whether the loaded engine has the arc-flash study, TCCs and labels. */
export function hasProtection(): boolean {
  return typeof (pkg as unknown as Record<string, unknown>)[LABEL_FN] === "function"
    && typeof (pkg.Network.prototype as unknown as Record<string, unknown>)[ARC_METHOD] === "function";
}

/** The label (SVG text, NFPA 70E 130.5(H)) the core draws for one bus row of an arc-flash report. */
export function arcFlashLabelSvg(bus: ArcFlashBus, options: LabelOptions): string {
  const fn = (pkg as unknown as Record<string, unknown>)[LABEL_FN] as ((b: ArcFlashBus, o: LabelOptions) => string) | undefined;
  if (!fn) throw new Error("this engine has no arc-flash labels");
  return fn(bus, options);
}
