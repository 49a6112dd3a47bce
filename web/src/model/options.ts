// The study form: every option of `ampflux sc` (its flags and `--set NAME=VALUE`), with the
// format's names and defaults (docs/network-format.md, "Study options"). The form keeps text;
// `toStudyOptions` turns it into the object the engine and the server take, leaving out what
// equals the core's default so that server results are cached by the options that matter.

export interface OptionSpec {
  key: string;
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
  { key: "fault", label: "Fault", kind: "select", initial: "3ph", options: [
    { value: "3ph", label: "three-phase (3ph)" }, { value: "2ph", label: "line-to-line (2ph)" },
    { value: "1ph", label: "line-to-earth (1ph)" }, { value: "2phe", label: "double line-to-earth (2phE)" }] },
  { key: "case", label: "Case", kind: "select", initial: "max", options: [
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
  { key: "buses", label: "Fault buses", kind: "text", initial: "", advanced: true, help: "Ids separated by commas or spaces; empty: every bus" },
  { key: "line_faults", label: "Faults along lines", kind: "text", initial: "", advanced: true, help: "LINE:POSITION, e.g. L1:0.5 (0 < position < 1)" },
  { key: "branch_results", label: "Branch currents and bus voltages", kind: "bool", initial: true, coreDefault: false,
    help: "Contributions of each branch and the voltages for every fault location" },
  { key: "method", label: "Method", kind: "select", initial: "iec60909", options: [
    { value: "iec60909", label: "IEC 60909 equivalent voltage source" }, { value: "classical", label: "classical (pre-fault voltage)" }], advanced: true },
  { key: "prefault_pu", label: "Pre-fault voltage (classical)", unit: "p.u.", kind: "number", initial: "1", advanced: true },
  { key: "base_mva", label: "Base power", unit: "MVA", kind: "number", initial: "100", advanced: true },
];

export type OptionValues = Record<string, string | boolean>;

export function initialOptionValues(): OptionValues {
  return Object.fromEntries(STUDY_OPTIONS.map((o) => [o.key, o.initial]));
}

/** Splits a list of ids typed by a person: commas, semicolons or white space. */
export function splitList(text: string): string[] {
  return text.split(/[\s,;]+/).map((s) => s.trim()).filter(Boolean);
}

/**
 * The options object for the engine and the server: values that differ from the default,
 * numbers as numbers. Text that is not a number is passed as is, so that the core's
 * `invalid_option` error names the option.
 */
export function toStudyOptions(values: OptionValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of STUDY_OPTIONS) {
    const v = values[o.key] ?? o.initial;
    if (v === (o.coreDefault ?? o.initial)) continue;
    if (o.key === "buses") {
      const list = splitList(String(v));
      if (list.length) out.buses = list;
    } else if (o.key === "line_faults") {
      out.line_faults = splitList(String(v)).map((item) => {
        const at = item.lastIndexOf(":");
        const position = at > 0 ? Number(item.slice(at + 1)) : NaN;
        return { line: at > 0 ? item.slice(0, at) : item, position: Number.isFinite(position) ? position : item.slice(at + 1) };
      });
    } else if (o.kind === "bool") {
      out[o.key] = Boolean(v);
    } else if (o.kind === "number" || o.key === "lv_tolerance_percent") {
      const s = String(v).trim();
      if (s === "") continue;
      const num = Number(s.replace(",", "."));
      out[o.key] = Number.isFinite(num) ? num : s;
    } else {
      out[o.key] = v;
    }
  }
  return out;
}
