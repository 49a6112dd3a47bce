// Data types of the AmpFlux JS API, appended to the .d.ts that wasm-bindgen writes.
// The field names are the serde names of ampflux-core (the same as `ampflux sc --format json`);
// tests/types.test.mjs checks every declared field against real reports.

/** Fault type: three-phase, line-to-line, line-to-earth, double line-to-earth. */
export type FaultKind = "3ph" | "2ph" | "1ph" | "2phe";
/** Maximum or minimum short-circuit currents (IEC 60909-0 §4.3). */
export type Case = "max" | "min";
/** How kappa is found in meshed networks (IEC 60909-0 §8.1.3). */
export type PeakMethod = "b" | "c";
/** Radial or meshed treatment of fault locations (`auto`: decided per location). */
export type Topology = "auto" | "meshed" | "radial";
/** Breaking current I_b: with the decay of machine contributions, or I_b = I''k (upper bound). */
export type BreakingCurrent = "exact" | "conservative";
/** IEC 60909 equivalent voltage source, or classical symmetrical components. */
export type Method = "iec60909" | "classical";
/** The tables of a network document (`scenarios`: named alternatives to the network). */
export type TableName =
  | "buses" | "external_grids" | "lines" | "transformers" | "transformers3w" | "generators"
  | "motors" | "converters" | "impedances" | "switches" | "loads" | "shunts"
  | "protective_devices" | "scenarios";

/** A fault along a line, `position` as a fraction of its length from `from_bus`. */
export interface LineFault {
  line: string;
  position: number;
}

/** Study options with their resolved values, as a report's `study` carries them. */
export interface StudyOptions {
  fault: FaultKind;
  case: Case;
  ip_method: PeakMethod;
  topology: Topology;
  /** Short-circuit duration T_k for I_th, in s. */
  tk_s: number;
  /** Minimum time delay t_min for I_b, in s. */
  tmin_s: number;
  breaking_current: BreakingCurrent;
  /** Voltage tolerance of LV systems, 6 or 10 percent. */
  lv_tolerance_percent: number;
  c_max_lv: number | null;
  c_min_lv: number | null;
  c_max_hv: number | null;
  c_min_hv: number | null;
  kt_in_min_case: boolean;
  r_fault_ohm: number;
  x_fault_ohm: number;
  r_earth_ohm: number;
  x_earth_ohm: number;
  /** Fault buses (`null`: every bus). */
  buses: string[] | null;
  line_faults: LineFault[];
  /** Compute branch currents and bus voltages for each fault location. */
  branch_results: boolean;
  /** Report the partial current of every source at every fault location. */
  partial_currents: boolean;
  /** Faults at the generator terminals of a power station unit: K_T,S on the unit transformer
   * (IEC 60909-0:2016 §6.7.1, default true); false follows PowerFactory and pandapower. */
  kts_at_generator_terminals: boolean;
  method: Method;
  prefault_pu: number;
  base_mva: number;
}

/** Study options as given to `shortCircuit`: any subset; absent ones take their defaults. */
export type StudyOptionsInput = Partial<StudyOptions>;

/** One validation finding, naming the element and the field it concerns. */
export interface Issue {
  severity: "error" | "warning";
  /** Stable machine-readable code (`dangling_reference`, `non_positive`, ...). Warnings of
   * the bus locations: `unsupplied` (no source can feed the bus's island), `isolated_neutral`
   * and `resonance_earthed` (line-to-earth faults outside IEC 60909; also from `validate` with
   * `fault: "1ph"`), `earth_current_outside_standard`, `missing_data`. */
  code: string;
  table?: TableName;
  element?: string;
  field?: string;
  message: string;
}

/** State of a fault location. `no_zero_sequence_path` (isolated neutral) and
 * `resonance_earthed`: a line-to-earth fault outside IEC 60909 (clause 1); the currents are
 * `null` and the capacitive earth-fault current (`ice_ka`) or residual current (`ires_ka`) is
 * given where the network data determine it. */
export type BusStatus = "ok" | "unsupplied" | "no_zero_sequence_path" | "resonance_earthed";

/** Results at one fault location. A quantity IEC 60909 does not define at the location is
 * `null`. */
export interface BusResult {
  /** Bus id (or `LINE@POSITION` for a fault along a line). */
  id: string;
  vn_kv: number;
  /** Initial symmetrical short-circuit current I''k in kA. */
  ikss_ka: number | null;
  /** Initial symmetrical short-circuit power S''k in MVA. */
  skss_mva: number | null;
  /** Peak short-circuit current i_p in kA. */
  ip_ka: number | null;
  /** Symmetrical breaking current I_b in kA. */
  ib_ka: number | null;
  /** Thermal equivalent short-circuit current I_th in kA. */
  ith_ka: number | null;
  /** Steady-state short-circuit current I_k in kA (I_kmax or I_kmin by the study's case). */
  ik_ka: number | null;
  /** DC component i_DC at t_min in kA. */
  idc_ka: number | null;
  /** Asymmetrical breaking current √(I_b² + i_DC²) in kA. */
  ib_asym_ka: number | null;
  rk_ohm: number;
  xk_ohm: number;
  /** Negative-sequence impedance (unbalanced faults). */
  rk2_ohm?: number;
  xk2_ohm?: number;
  /** Zero-sequence impedance (earth faults). */
  rk0_ohm?: number;
  xk0_ohm?: number;
  /** Current through earth 3·I(0) in kA (earth faults). */
  ikss_earth_ka?: number;
  /** Capacitive earth-fault current I_CE in kA (isolated neutral, capacitances given). */
  ice_ka?: number;
  /** Residual current I_Res in kA (resonance earthing, coil impedance given). */
  ires_ka?: number;
  kappa: number | null;
  c: number;
  meshed: boolean;
  status: BusStatus;
}

/** Magnitude (kA) and angle (degrees) of the three phase currents. */
export interface PhaseCurrents {
  ia_ka: number;
  ib_ka: number;
  ic_ka: number;
  ia_deg: number;
  ib_deg: number;
  ic_deg: number;
}

/** Current through one branch for one fault location (`from` is the HV side of transformers). */
export interface BranchResult {
  id: string;
  fault_bus: string;
  from_bus: string;
  to_bus: string;
  ikss_from_ka: number;
  ikss_to_ka: number;
  angle_from_deg: number;
  angle_to_deg: number;
  ip_ka: number;
  ith_ka: number;
  /** Three-winding transformers: the MV end. */
  mv_bus?: string;
  ikss_mv_ka?: number;
  angle_mv_deg?: number;
  /** Unbalanced faults: the phase currents at each end. */
  phases_from?: PhaseCurrents;
  phases_to?: PhaseCurrents;
}

/** Voltage of one bus during one fault, in p.u. of U_n/√3. */
export interface VoltageResult {
  fault_bus: string;
  bus: string;
  v1_pu: number;
  v2_pu: number;
  v0_pu: number;
  va_pu: number;
  vb_pu: number;
  vc_pu: number;
  va_deg: number;
  vb_deg: number;
  vc_deg: number;
}

/** Kind of a short-circuit source. */
export type SourceKind = "feeder" | "generator" | "unit" | "motor" | "converter";

/** The share of one source in the current at one fault location (`partial_currents`). */
export interface PartialCurrent {
  fault_bus: string;
  /** Source id and its bus. */
  source: string;
  kind: SourceKind;
  bus: string;
  /** The source's I''k at its terminals in kA (largest phase) and the angle of phase a. */
  ikss_ka: number;
  angle_deg: number;
  /** Its peak, breaking (μ·q·I''k) and steady-state share in kA. */
  ip_ka: number | null;
  ib_ka: number | null;
  ik_ka: number | null;
  mu: number;
  q: number;
}

/** Everything a study computed, keyed by element ids (the CLI's `--format json`). */
export interface StudyReport {
  study: StudyOptions;
  /** SHA-256 of the network the study ran on (`Network.digest()`). */
  network_digest: string;
  buses: BusResult[];
  branches: BranchResult[];
  voltages: VoltageResult[];
  /** With the option `partial_currents`: one row per fault location and source. */
  partial_currents?: PartialCurrent[];
  warnings: Issue[];
}

/** The bus rows of a study as columns (`Network.shortCircuitColumns`): row `i` of every
 * column is the fault location `id[i]`, and `columns[field][i]` equals
 * `shortCircuit().buses[i][field]` (NaN where the object API has `null`). */
export interface BusColumns {
  /** Location ids (bus id, or `LINE@POSITION` for a fault along a line). Frozen; for a study
   * of all buses the same array is handed out by every call on the same `Network`. */
  id: readonly string[];
  vn_kv: Float64Array;
  ikss_ka: Float64Array;
  skss_mva: Float64Array;
  ip_ka: Float64Array;
  ib_ka: Float64Array;
  ith_ka: Float64Array;
  ik_ka: Float64Array;
  idc_ka: Float64Array;
  ib_asym_ka: Float64Array;
  rk_ohm: Float64Array;
  xk_ohm: Float64Array;
  kappa: Float64Array;
  c: Float64Array;
  /** Unbalanced and earth faults: present when some row has the field (NaN in the others). */
  rk2_ohm?: Float64Array;
  xk2_ohm?: Float64Array;
  rk0_ohm?: Float64Array;
  xk0_ohm?: Float64Array;
  ikss_earth_ka?: Float64Array;
  ice_ka?: Float64Array;
  ires_ka?: Float64Array;
  /** 1 where the location is fed through a meshed network, 0 otherwise. */
  meshed: Uint8Array;
  /** Location state as a code: `status_names[status[i]]`. */
  status: Uint8Array;
  /** The name of each status code (`["ok", "unsupplied", ...]`). */
  status_names: BusStatus[];
}

/** The phase currents of one branch end, as columns (NaN in rows without them). */
export interface PhaseCurrentColumns {
  ia_ka: Float64Array;
  ib_ka: Float64Array;
  ic_ka: Float64Array;
  ia_deg: Float64Array;
  ib_deg: Float64Array;
  ic_deg: Float64Array;
}

/** The branch rows (`BranchResult`) as columns; empty arrays without `branch_results`. */
export interface BranchColumns {
  id: string[];
  fault_bus: string[];
  from_bus: string[];
  to_bus: string[];
  ikss_from_ka: Float64Array;
  ikss_to_ka: Float64Array;
  angle_from_deg: Float64Array;
  angle_to_deg: Float64Array;
  ip_ka: Float64Array;
  ith_ka: Float64Array;
  /** Three-winding transformers (null / NaN in the other rows). */
  mv_bus?: (string | null)[];
  ikss_mv_ka?: Float64Array;
  angle_mv_deg?: Float64Array;
  /** Unbalanced faults. */
  phases_from?: PhaseCurrentColumns;
  phases_to?: PhaseCurrentColumns;
}

/** The voltage rows (`VoltageResult`) as columns; empty arrays without `branch_results`. */
export interface VoltageColumns {
  fault_bus: string[];
  bus: string[];
  v1_pu: Float64Array;
  v2_pu: Float64Array;
  v0_pu: Float64Array;
  va_pu: Float64Array;
  vb_pu: Float64Array;
  vc_pu: Float64Array;
  va_deg: Float64Array;
  vb_deg: Float64Array;
  vc_deg: Float64Array;
}

/** The partial currents (`PartialCurrent`) as columns. */
export interface PartialCurrentColumns {
  fault_bus: string[];
  source: string[];
  bus: string[];
  /** Source kind as a code: `kind_names[kind[i]]`. */
  kind: Uint8Array;
  kind_names: SourceKind[];
  ikss_ka: Float64Array;
  angle_deg: Float64Array;
  ip_ka: Float64Array;
  ib_ka: Float64Array;
  ik_ka: Float64Array;
  mu: Float64Array;
  q: Float64Array;
}

/** `Network.shortCircuitColumns`: a `StudyReport` whose tables of rows are columns. */
export interface StudyColumns {
  study: StudyOptions;
  network_digest: string;
  buses: BusColumns;
  branches: BranchColumns;
  voltages: VoltageColumns;
  /** With the option `partial_currents`. */
  partial_currents?: PartialCurrentColumns;
  warnings: Issue[];
}

/** Which current a switch or cable is taken to carry: its bus's fault current, or its own. */
export type DutyBasis = "bus_total" | "through";

/** Options of `duty`, as a report's `study` carries them: the study options (without `fault`,
 * `case`, `buses`, `line_faults`, `branch_results`, `partial_currents`, which the duty study
 * decides) and its own. */
export interface DutyOptions {
  topology: Topology;
  ip_method: PeakMethod;
  /** Short-circuit duration T_k for I_th, in s. */
  tk_s: number;
  /** Minimum time delay t_min for I_b (contact separation), in s. */
  tmin_s: number;
  breaking_current: BreakingCurrent;
  lv_tolerance_percent: number;
  c_max_lv: number | null;
  c_min_lv: number | null;
  c_max_hv: number | null;
  c_min_hv: number | null;
  kt_in_min_case: boolean;
  r_fault_ohm: number;
  x_fault_ohm: number;
  r_earth_ohm: number;
  x_earth_ohm: number;
  /** Faults at the generator terminals of a power station unit: K_T,S on the unit transformer
   * (IEC 60909-0:2016 §6.7.1, default true); false follows PowerFactory and pandapower. */
  kts_at_generator_terminals: boolean;
  method: Method;
  prefault_pu: number;
  base_mva: number;
  /** Fault types of the envelope (`null`: every type the network allows). */
  faults: FaultKind[] | null;
  duty_basis: DutyBasis;
  /** Utilization in percent from which a passing check is `marginal` (default 90). */
  marginal_percent: number;
  /** Scenario ids of the envelope (`base`: the network as drawn; empty: the base only). */
  scenarios: string[];
  /** The base network and every scenario. */
  all_scenarios: boolean;
}

/** Options as given to `duty`: any subset; a single fault type or scenario id may be a string. */
export type DutyOptionsInput = Partial<Omit<DutyOptions, "faults" | "scenarios">> & {
  faults?: FaultKind | FaultKind[] | null;
  scenarios?: string | string[];
};

/** What a duty check compares. */
export type DutyCheckKind =
  | "breaking" | "breaking_asym" | "dc_component" | "service_breaking" | "making" | "short_time" | "peak"
  | "cable_thermal";

/** Outcome of a duty check (`unrated`: the device has no rating for it). */
export type Verdict = "pass" | "marginal" | "fail" | "unrated";

/** One device and check, with the governing case of the envelope. */
export interface DutyCheck {
  element: string;
  table: TableName;
  check: DutyCheckKind;
  /** The largest duty over the envelope, in `unit`. */
  duty: number;
  /** The rating it is compared with (`null` when unrated). */
  rating: number | null;
  unit: "kA" | "kA peak" | "mm2";
  /** duty / rating × 100 (`null` when unrated). */
  utilization_percent: number | null;
  verdict: Verdict;
  /** Governing fault type, location (bus id) and scenario (`null` when nothing supplies the device). */
  fault: FaultKind | null;
  location: string | null;
  scenario: string | null;
  /** What was compared and where a rating came from. */
  note: string;
}

/** Number of checks per verdict. */
export interface DutySummary {
  pass: number;
  marginal: number;
  fail: number;
  unrated: number;
}

/** One short-circuit study of the envelope. */
export interface DutyCase {
  scenario: string;
  fault: FaultKind;
  network_digest: string;
}

/** The equipment duty report (`ampflux duty --format json`). */
export interface DutyReport {
  study: DutyOptions;
  network_digest: string;
  checks: DutyCheck[];
  summary: DutySummary;
  cases: DutyCase[];
  warnings: Issue[];
}

/** A JSON value inside a change (an element, a field's value). */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** One change between two networks; `old`/`new` null means the field was absent. */
export type Change =
  | { op: "document"; field: string; old: JsonValue | null; new: JsonValue | null }
  | { op: "added"; table: TableName; id: string; element: JsonValue }
  | { op: "removed"; table: TableName; id: string; element: JsonValue }
  | { op: "changed"; table: TableName; id: string; field: string; old: JsonValue | null; new: JsonValue | null }
  | { op: "reordered"; table: TableName; ids: string[] }
  | { op: "table_replaced"; table: TableName; old: JsonValue[]; new: JsonValue[] };

/** The changes that turn one network into another (`Network.diff`). */
export interface ChangeSet {
  changes: Change[];
}

/** Codes of `AmpFluxError`: the core's codes, plus `invalid_input` and `internal_error`. */
export type AmpFluxErrorCode =
  | "format_error" | "unsupported_version" | "validation_error" | "invalid_option"
  | "topology_error" | "solver_error" | "conflict" | "invalid_input" | "internal_error";

/**
 * What every function of this package throws: a JS `Error` with `name === "AmpFluxError"`,
 * a stable `code` and every problem in `issues` (never empty). Format errors also carry the
 * JSON `path`, option errors the `option` name.
 */
export interface AmpFluxError extends Error {
  name: "AmpFluxError";
  code: AmpFluxErrorCode;
  issues: Issue[];
  path?: string;
  option?: string;
}

// --- Arc flash (IEEE 1584-2018) and protection ---------------------------------------------

/** Electrode configuration of IEEE 1584-2018. */
export type ElectrodeConfiguration = "VCB" | "VCBB" | "HCB" | "VOA" | "HOA";
/** Full arcing current, or the reduced one of IEEE 1584-2018 equation (2). */
export type ArcScenario = "full" | "reduced";
/** Class of equipment whose typical values (IEEE 1584-2018 Tables 8 and 10) fill gaps. */
export type EquipmentClass = "switchgear" | "mcc" | "panelboard" | "cable_junction_box";
/** Incident energy over the whole arc (`single_step`) or per opening (`step_wise`). */
export type EnergyMethod = "single_step" | "step_wise";
/** How an arc ended. */
export type ArcEnd = "device" | "motor_decay" | "converter_trip" | "max_arc_duration";
/** Typical or shallow enclosure, or open air. */
export type EnclosureType = "typical" | "shallow" | "open_air";

/** Inner enclosure dimensions in mm. */
export interface Enclosure {
  height_mm: number;
  width_mm: number;
  depth_mm: number;
}

/** The equipment of one calculation (typical values filled in). */
export interface Equipment {
  voc_kv: number;
  electrode_configuration: ElectrodeConfiguration;
  gap_mm: number;
  working_distance_mm: number;
  enclosure: Enclosure;
}

/** Enclosure size correction (IEEE 1584-2018 Table 6, equations (11) to (15)). */
export interface EnclosureCorrection {
  enclosure_type: EnclosureType;
  width_1_in?: number;
  height_1_in?: number;
  ees_in?: number;
  cf: number;
}

/** Arcing current of one scenario with the intermediate values (kA). */
export interface ArcingCurrent {
  scenario: ArcScenario;
  iarc_ka: number;
  iarc_600_ka: number;
  iarc_2700_ka?: number;
  iarc_14300_ka?: number;
}

/** Incident energy (J/cm²) and arc-flash boundary (mm) of one scenario. */
export interface ArcEnergy {
  scenario: ArcScenario;
  time_ms: number;
  energy_j_per_cm2: number;
  afb_mm: number;
  /** At 600 V, 2700 V, 14 300 V (Voc above 600 V). */
  intermediate_energy_j_per_cm2?: [number, number, number];
  intermediate_afb_mm?: [number, number, number];
}

/** The inputs of `ieee1584` (the flags of `ampflux arcflash`). */
export interface Ieee1584Params {
  voc_kv: number;
  config: ElectrodeConfiguration;
  gap_mm: number;
  distance_mm: number;
  height_mm?: number | null;
  width_mm?: number | null;
  depth_mm?: number | null;
  ibf_ka: number;
  time_ms: number;
  time_min_ms?: number | null;
}

/** The result of `ieee1584` (`ampflux arcflash --format json`); the `incident_energy_*` and
 * `ppe_category` fields are those of the governing scenario. */
export interface Ieee1584Result {
  iarc_ka: number;
  iarc_min_ka: number;
  energy_j_per_cm2: number;
  energy_min_j_per_cm2: number;
  afb_mm: number;
  afb_min_mm: number;
  cf: number;
  var_cf: number;
  incident_energy_j_per_cm2: number;
  incident_energy_cal_per_cm2: number;
  /** NFPA 70E category: 0 up to 1.2 cal/cm², null above 40 cal/cm². */
  ppe_category: number | null;
  governing: ArcScenario;
  arc_flash_boundary_mm: number;
  ibf_ka: number;
  equipment: Equipment;
  enclosure_correction: EnclosureCorrection;
  currents: [ArcingCurrent, ArcingCurrent];
  energies: [ArcEnergy, ArcEnergy];
  warnings: Issue[];
}

/** Options of the arc-flash study with their resolved values. */
export interface ArcFlashOptions {
  buses: string[] | null;
  max_arc_duration_s: number;
  motor_decay_s: number | null;
  converter_trip_s: number | null;
  energy_method: EnergyMethod;
  short_circuit: StudyOptions;
}

/** Arc-flash options as given to `arcFlash`: any subset. */
export type ArcFlashOptionsInput = Partial<Omit<ArcFlashOptions, "short_circuit">> & {
  short_circuit?: StudyOptionsInput;
};

/** A device that carried current during an arc. */
export interface DeviceOperation {
  device: string;
  current_ka: number;
  /** Total clearing time at that current (null: it does not operate). */
  time_ms: number | null;
  opened: boolean;
  opened_at_ms: number | null;
}

/** One step of an arc (one for the single-step method). */
export interface ArcStep {
  start_ms: number;
  duration_ms: number;
  ibf_ka: number;
  iarc_ka: number;
}

/** One source's contribution to an arc: its IEC 60909 partial current of the bolted fault at
 * its terminals, its share of the arcing current (kA), and when (ms) and how it stopped. */
export interface ArcContribution {
  source: string;
  kind: SourceKind;
  bus: string;
  ibf_ka: number;
  iarc_ka: number;
  end_ms: number;
  ended_by: ArcEnd;
  device: string | null;
}

/** One scenario at one bus. */
export interface ArcFlashScenario {
  scenario: ArcScenario;
  iarc_ka: number;
  clearing_time_ms: number;
  device: string | null;
  ended_by: ArcEnd;
  energy_j_per_cm2: number;
  afb_mm: number;
  uninterrupted_sources: string[];
  contributions: ArcContribution[];
  devices: DeviceOperation[];
  steps: ArcStep[];
}

/** The arc-flash result of one bus (a row of `ampflux arcflash NET.json --format json`). */
export interface ArcFlashBus {
  id: string;
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
  name: string | null;
  label?: string;
  vn_kv: number;
  governing: ArcScenario;
  equipment: Equipment;
  equipment_class: EquipmentClass;
  typical_values: string[];
  cf: number;
  var_cf: number;
  scenarios: [ArcFlashScenario, ArcFlashScenario];
}

/** Everything an arc-flash study computed. */
export interface ArcFlashReport {
  study: ArcFlashOptions;
  network_digest: string;
  buses: ArcFlashBus[];
  warnings: Issue[];
}

/** What a label prints beyond the bus's results. */
export interface LabelOptions {
  date?: string | null;
  study?: string | null;
  method?: "incident_energy" | "ppe_category";
}

/** Options of the selectivity study. */
export interface SelectivityOptions {
  cti_s: number;
  buses: string[] | null;
  short_circuit: StudyOptions;
}

/** The check of one pair of devices in series. */
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

/** The result of a selectivity study. */
export interface SelectivityReport {
  study: SelectivityOptions;
  network_digest: string;
  pairs: SelectivityPair[];
  warnings: Issue[];
}

/** Options of a TCC. */
export interface TccOptions {
  devices: string[];
  reference_kv: number | null;
  points: number;
  short_circuit: StudyOptions;
}

/** TCC options as given: the devices, and any of the others. */
export type TccOptionsInput = { devices: string[] } & Partial<Omit<TccOptions, "devices" | "short_circuit">> & {
  short_circuit?: StudyOptionsInput;
};

/** One sampled point of a time-current band (times null where the device does not operate). */
export interface CurvePoint {
  current_a: number;
  min_time_s: number | null;
  max_time_s: number | null;
}

/** One device's curve, currents at the reference voltage. */
export interface TccCurve {
  device: string;
  kind: "relay" | "trip_unit" | "fuse";
  bus: string;
  vn_kv: number;
  scale: number;
  points: CurvePoint[];
}

/** A fault current marked on a TCC. */
export interface TccMark {
  device: string;
  fault_bus: string;
  kind: "bolted" | "arcing";
  current_a: number;
  time_s: number | null;
}

/** Curves and marks of a TCC plot. */
export interface TccReport {
  reference_kv: number;
  current_range_a: [number, number];
  curves: TccCurve[];
  marks: TccMark[];
  warnings: Issue[];
}
