// The study form: every option of `ampflux sc` (its flags and `--set NAME=VALUE`), with the
// format's names and defaults (docs/network-format.md, "Study options"). The form keeps text;
// `toStudyOptions` turns it into the object the engine and the server take, leaving out what
// equals the core's default so that server results are cached by the options that matter.

/** The studies of the study form (the engine's `shortCircuit`, `duty`, `arcFlash`, `selectivity`). */
export type FormStudy = "short_circuit" | "duty" | "arc_flash" | "selectivity";

export const STUDY_KINDS: { id: FormStudy; label: string }[] = [
  { id: "short_circuit", label: "Short circuit (IEC 60909)" },
  { id: "duty", label: "Equipment duty (breakers, fuses, busbars, cables)" },
  { id: "arc_flash", label: "Arc flash (IEEE 1584-2018)" },
  { id: "selectivity", label: "Selectivity of protective devices in series" },
];

/** Studies with their own options beside the short-circuit study's, which go under `short_circuit`. */
const NESTED: FormStudy[] = ["arc_flash", "selectivity"];

export interface OptionSpec {
  key: string;
  /** The studies that take it (absent: every study, as a short-circuit option). */
  studies?: FormStudy[];
  /** Its name in the engine's options, when the form's key differs. */
  name?: string;
  label: string;
  unit?: string;
  kind: "select" | "number" | "bool" | "text";
  options?: { value: string; label: string }[];
  /** The value the form starts with. */
  initial: string | boolean;
  /** The core's default when it differs from `initial` (the option is then always sent). */
  coreDefault?: string | boolean;
  help?: string;
  /** Shown under "More options". */
  advanced?: boolean;
}

export const STUDY_OPTIONS: OptionSpec[] = [
  { key: "fault", label: "Fault", kind: "select", initial: "3ph", studies: ["short_circuit"], options: [
    { value: "3ph", label: "three-phase (3ph)" }, { value: "2ph", label: "line-to-line (2ph)" },
    { value: "1ph", label: "line-to-earth (1ph)" }, { value: "2phe", label: "double line-to-earth (2phE)" }] },
  { key: "case", label: "Case", kind: "select", initial: "max", studies: ["short_circuit", "arc_flash", "selectivity"], options: [
    { value: "max", label: "maximum" }, { value: "min", label: "minimum" }] },
  { key: "ip_method", label: "Peak method", kind: "select", initial: "c", options: [
    { value: "c", label: "C (equivalent frequency)" }, { value: "b", label: "B (R/X at the fault, ×1.15)" }],
    help: "IEC 60909-0 §8.1.3 for meshed networks" },
  { key: "topology", label: "Topology", kind: "select", initial: "auto", options: [
    { value: "auto", label: "auto (per fault location)" }, { value: "meshed", label: "meshed" }, { value: "radial", label: "radial" }] },
  { key: "tk_s", label: "Tk for Ith", unit: "s", kind: "number", initial: "1" },
  { key: "tmin_s", label: "tmin for Ib", unit: "s", kind: "number", initial: "0.1" },
  { key: "breaking_current", label: "Breaking current", kind: "select", initial: "exact", options: [
    { value: "exact", label: "with machine decay (μ, q)" }, { value: "conservative", label: "Ib = I''k (upper bound)" }] },
  { key: "lv_tolerance_percent", label: "LV tolerance", unit: "%", kind: "select", initial: "10", options: [
    { value: "10", label: "10 %" }, { value: "6", label: "6 %" }], help: "cmax of LV systems (IEC 60909-0 Table 1)" },
  { key: "r_fault_ohm", label: "Fault resistance Rf", unit: "Ω", kind: "number", initial: "0", advanced: true },
  { key: "x_fault_ohm", label: "Fault reactance Xf", unit: "Ω", kind: "number", initial: "0", advanced: true },
  { key: "r_earth_ohm", label: "Earth resistance", unit: "Ω", kind: "number", initial: "0", advanced: true },
  { key: "x_earth_ohm", label: "Earth reactance", unit: "Ω", kind: "number", initial: "0", advanced: true },
  { key: "c_max_lv", label: "cmax LV override", kind: "number", initial: "", advanced: true },
  { key: "c_min_lv", label: "cmin LV override", kind: "number", initial: "", advanced: true },
  { key: "c_max_hv", label: "cmax MV/HV override", kind: "number", initial: "", advanced: true },
  { key: "c_min_hv", label: "cmin MV/HV override", kind: "number", initial: "", advanced: true },
  { key: "kt_in_min_case", label: "KT in the minimum case", kind: "bool", initial: false, advanced: true,
    help: "Off as the 2016 edition reads; older reference values need it on" },
  { key: "buses", label: "Fault buses", kind: "text", initial: "", advanced: true, studies: ["short_circuit"], help: "Ids separated by commas or spaces; empty: every bus" },
  { key: "line_faults", label: "Faults along lines", kind: "text", initial: "", advanced: true, studies: ["short_circuit"], help: "LINE:POSITION, e.g. L1:0.5 (0 < position < 1)" },
  { key: "branch_results", label: "Branch currents and bus voltages", kind: "bool", initial: true, coreDefault: false, studies: ["short_circuit"],
    help: "Contributions of each branch and the voltages for every fault location" },
  { key: "partial_currents", label: "Partial currents of the sources", kind: "bool", initial: false, advanced: true, studies: ["short_circuit"],
    help: "The share of every source at every fault location" },
  { key: "kts_at_generator_terminals", label: "KT,S at generator terminals", kind: "bool", initial: true, advanced: true,
    help: "IEC 60909-0:2016 §6.7.1; off follows PowerFactory and pandapower" },
  { key: "method", label: "Method", kind: "select", initial: "iec60909", options: [
    { value: "iec60909", label: "IEC 60909 equivalent voltage source" }, { value: "classical", label: "classical (pre-fault voltage)" }], advanced: true },
  { key: "prefault_pu", label: "Pre-fault voltage (classical)", unit: "p.u.", kind: "number", initial: "1", advanced: true },
  { key: "base_mva", label: "Base power", unit: "MVA", kind: "number", initial: "100", advanced: true },
  // equipment duty (docs/network-format.md, "The duty report")
  { key: "faults", label: "Fault types of the envelope", kind: "text", initial: "", studies: ["duty"], help: "e.g. 3ph 1ph; empty: every type the network allows" },
  { key: "duty_basis", label: "Current a device sees", kind: "select", initial: "bus_total", studies: ["duty"], options: [
    { value: "bus_total", label: "total fault current at its bus (conservative)" }, { value: "through", label: "current through the device (branch results)" }] },
  { key: "marginal_percent", label: "Marginal from", unit: "% utilization", kind: "number", initial: "90", studies: ["duty"] },
  { key: "scenarios", label: "Scenarios", kind: "text", initial: "", studies: ["duty"], help: "Scenario ids (base: the network as drawn); empty: the base only" },
  { key: "all_scenarios", label: "The base network and every scenario", kind: "bool", initial: false, studies: ["duty"] },
  // arc flash (docs/network-format.md, "Arc-flash, selectivity and TCC studies")
  { key: "af_buses", name: "buses", label: "Buses", kind: "text", initial: "", studies: ["arc_flash"], help: "Ids; empty: every in-service bus from 0.208 to 15 kV" },
  { key: "max_arc_duration_s", label: "Longest arc", unit: "s", kind: "number", initial: "2", studies: ["arc_flash"], help: "A contribution no device interrupts lasts this long (flagged)" },
  { key: "motor_decay_s", label: "Motors feed the arc for", unit: "s", kind: "number", initial: "0.1", studies: ["arc_flash"], advanced: true, help: "\"none\": motors feed it until a device opens" },
  { key: "converter_trip_s", label: "Converters trip after", unit: "s", kind: "number", initial: "0.16", studies: ["arc_flash"], advanced: true, help: "IEEE 1547-2018 undervoltage trip; \"none\": until a device opens" },
  { key: "energy_method", label: "Incident energy", kind: "select", initial: "single_step", studies: ["arc_flash"], options: [
    { value: "single_step", label: "single step (whole current, whole arc)" }, { value: "step_wise", label: "step-wise (as devices open)" }] },
  // selectivity (docs/network-format.md, "Arc-flash, selectivity and TCC studies")
  { key: "cti_s", label: "Coordination time interval", unit: "s", kind: "number", initial: "0.2", studies: ["selectivity"],
    help: "Required between a relay and the device below it; other devices need their bands apart" },
  { key: "sel_buses", name: "buses", label: "Fault buses", kind: "text", initial: "", studies: ["selectivity"], help: "Ids; empty: every in-service bus" },
];

/** Whether the option belongs to the form of `study`. */
export function optionApplies(o: OptionSpec, study: FormStudy): boolean {
  return o.studies ? o.studies.includes(study) : true;
}

export type OptionValues = Record<string, string | boolean>;

export function initialOptionValues(): OptionValues {
  return Object.fromEntries(STUDY_OPTIONS.map((o) => [o.key, o.initial]));
}

/** Splits a list of ids typed by a person: commas, semicolons or white space. */
export function splitList(text: string): string[] {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

/** The engine's value of one option from the form's text (`undefined`: leave it to the core's default). */
function optionValue(o: OptionSpec, v: string | boolean): unknown {
  if (v === (o.coreDefault ?? o.initial)) return undefined;
  if (o.key === "buses" || o.key === "af_buses" || o.key === "sel_buses" || o.key === "scenarios" || o.key === "faults") {
    const list = splitList(String(v));
    return list.length ? list : undefined;
  }
  if (o.key === "line_faults") {
    return splitList(String(v)).map((item) => {
      const at = item.lastIndexOf(":");
      const position = at > 0 ? Number(item.slice(at + 1)) : NaN;
      return { line: at > 0 ? item.slice(0, at) : item, position: Number.isFinite(position) ? position : item.slice(at + 1) };
    });
  }
  if (o.kind === "bool") return Boolean(v);
  if (o.kind === "number" || o.key === "lv_tolerance_percent") {
    const s = String(v).trim();
    if (s === "") return undefined;
    if (s.toLowerCase() === "none" && (o.key === "motor_decay_s" || o.key === "converter_trip_s")) return null;
    const num = Number(s.replace(",", "."));
    return Number.isFinite(num) ? num : s;
  }
  return v;
}

function collect(values: OptionValues, keep: (o: OptionSpec) => boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of STUDY_OPTIONS) {
    if (!keep(o)) continue;
    const v = optionValue(o, values[o.key] ?? o.initial);
    if (v !== undefined) out[o.name ?? o.key] = v;
  }
  return out;
}

/**
 * The options object for the engine and the server: values that differ from the default,
 * numbers as numbers. Text that is not a number is passed as is, so that the core's
 * `invalid_option` error names the option.
 */
export function toStudyOptions(values: OptionValues): Record<string, unknown> {
  return collect(values, (o) => optionApplies(o, "short_circuit"));
}

/**
 * Options of `study` as the engine takes them: the short-circuit options; for duty the
 * short-circuit options it accepts with its own beside them; for arc flash and selectivity
 * their own, with the short-circuit options under `short_circuit`.
 */
export function optionsFor(study: FormStudy, values: OptionValues): Record<string, unknown> {
  if (study === "short_circuit") return toStudyOptions(values);
  if (!NESTED.includes(study)) return collect(values, (o) => optionApplies(o, study));
  const ownOnly = (o: OptionSpec) => o.studies?.length === 1 && o.studies[0] === study;
  const own = collect(values, ownOnly);
  const sc = collect(values, (o) => optionApplies(o, study) && !ownOnly(o));
  return Object.keys(sc).length ? { ...own, short_circuit: sc } : own;
}
