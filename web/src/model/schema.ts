// The editor's description of the network format (docs/network-format.md): for each table
// its fields with label, unit, kind and default. Only presentation lives here; whether a
// value is acceptable is decided by the core (`Network.validate`, `Network.fromJson`), whose
// issues the forms attach to the field they name.

export type TableName =
  | "buses" | "external_grids" | "lines" | "transformers" | "transformers3w" | "generators"
  | "motors" | "converters" | "impedances" | "switches" | "loads" | "protective_devices" | "scenarios";

/** `switch_states`: a map switch id → closed; `id_list`: ids of elements of any table. */
export type FieldKind = "number" | "integer" | "text" | "bus" | "select" | "bool" | "element" | "switch_states" | "id_list";

export interface FieldSpec {
  key: string;
  label: string;
  unit?: string;
  kind: FieldKind;
  /** Must be present in the document (the format has no default for it). */
  required?: boolean;
  /** Value a new element gets. */
  initial?: number | string | boolean;
  /** A `select` whose values are numbers in the document. */
  numeric?: boolean;
  /** Choices of a `select`. */
  options?: { value: string; label: string }[];
  /** One line of help: the standard's meaning. */
  help?: string;
  /** Shown in the "more fields" part of the form. */
  advanced?: boolean;
  /** Only for elements whose `kind` is one of these (protective devices: relay, trip unit, fuse). */
  kinds?: string[];
}

export interface TableSpec {
  table: TableName;
  /** Singular, for buttons ("Add line"). */
  noun: string;
  /** Plural heading. */
  title: string;
  /** Prefix of new ids. */
  prefix: string;
  /** Fields naming buses: these make the element a branch (2 or 3) or a bus element (1). */
  busFields: string[];
  fields: FieldSpec[];
}

const common: FieldSpec[] = [
  { key: "name", label: "Name", kind: "text", advanced: false },
  { key: "in_service", label: "In service", kind: "bool", initial: true, advanced: true },
];

const n = (key: string, label: string, unit: string | undefined, extra: Partial<FieldSpec> = {}): FieldSpec =>
  ({ key, label, unit, kind: "number", ...extra });
const bus = (key: string, label: string): FieldSpec => ({ key, label, kind: "bus", required: true });

export const TABLES: TableSpec[] = [
  {
    table: "buses", noun: "bus", title: "Buses", prefix: "B", busFields: [],
    fields: [
      n("vn_kv", "Nominal voltage Un", "kV", { required: true, initial: 20, help: "Nominal system voltage of the busbar" }),
      ...common,
      n("lv_tolerance_percent", "LV tolerance", "%", { kind: "select", numeric: true, options: [{ value: "", label: "study default" }, { value: "6", label: "6 %" }, { value: "10", label: "10 %" }], advanced: true, help: "Voltage tolerance of LV systems for cmax (IEC 60909-0 Table 1)" }),
      n("c_max", "cmax override", "", { advanced: true, help: "Voltage factor cmax instead of IEC 60909-0 Table 1" }),
      n("c_min", "cmin override", "", { advanced: true, help: "Voltage factor cmin instead of IEC 60909-0 Table 1" }),
      n("ratings.ipk_ka", "Rated peak withstand Ipk", "kA", { advanced: true, help: "Busbar or switchgear assembly (IEC 61439-1, IEC 62271-200), against ip" }),
      n("ratings.icw_ka", "Rated short-time withstand Icw", "kA", { advanced: true, help: "Against Ith; give its duration too" }),
      n("ratings.icw_duration_s", "Icw duration", "s", { advanced: true }),
      // the equipment at the bus for IEEE 1584-2018 (absent: typical values of its Tables 8 and 10)
      { key: "arc_flash.equipment", label: "Arc flash: equipment class", kind: "select", advanced: true, options: [{ value: "", label: "switchgear (default)" }, { value: "switchgear", label: "switchgear" }, { value: "mcc", label: "motor control centre" }, { value: "panelboard", label: "panelboard" }, { value: "cable_junction_box", label: "cable junction box" }], help: "Its typical gap, enclosure and working distance fill absent fields (IEEE 1584-2018 Tables 8, 10)" },
      { key: "arc_flash.electrode_configuration", label: "Arc flash: electrode configuration", kind: "select", advanced: true, options: [{ value: "", label: "VCB (default)" }, { value: "VCB", label: "VCB vertical, in a box" }, { value: "VCBB", label: "VCBB vertical, box, barrier" }, { value: "HCB", label: "HCB horizontal, in a box" }, { value: "VOA", label: "VOA vertical, open air" }, { value: "HOA", label: "HOA horizontal, open air" }] },
      n("arc_flash.gap_mm", "Arc flash: gap between conductors", "mm", { advanced: true }),
      n("arc_flash.working_distance_mm", "Arc flash: working distance", "mm", { advanced: true }),
      n("arc_flash.enclosure.height_mm", "Arc flash: enclosure height", "mm", { advanced: true }),
      n("arc_flash.enclosure.width_mm", "Arc flash: enclosure width", "mm", { advanced: true }),
      n("arc_flash.enclosure.depth_mm", "Arc flash: enclosure depth", "mm", { advanced: true }),
      { key: "arc_flash.label", label: "Arc flash: name on the label", kind: "text", advanced: true },
    ],
  },
  {
    table: "external_grids", noun: "feeder", title: "Network feeders", prefix: "Q", busFields: ["bus"],
    fields: [
      bus("bus", "Bus"),
      n("s_sc_max_mva", "S''kQ max", "MVA", { required: true, initial: 500, help: "Initial symmetrical short-circuit power, maximum case" }),
      n("s_sc_min_mva", "S''kQ min", "MVA", { initial: 400, help: "Initial symmetrical short-circuit power, minimum case" }),
      n("rx_max", "R/X max", "", { initial: 0.1 }),
      n("rx_min", "R/X min", "", { initial: 0.1 }),
      n("x0x_max", "X0/X max", "", { initial: 1, advanced: true }),
      n("r0x0_max", "R0/X0 max", "", { initial: 0.1, advanced: true }),
      n("x0x_min", "X0/X min", "", { initial: 1, advanced: true }),
      n("r0x0_min", "R0/X0 min", "", { initial: 0.1, advanced: true }),
      ...common,
    ],
  },
  {
    table: "lines", noun: "line or cable", title: "Lines and cables", prefix: "L", busFields: ["from_bus", "to_bus"],
    fields: [
      bus("from_bus", "From bus"), bus("to_bus", "To bus"),
      n("length_km", "Length", "km", { required: true, initial: 1 }),
      n("r_ohm_per_km", "R'", "Ω/km", { required: true, initial: 0.206, help: "Positive-sequence resistance at 20 °C" }),
      n("x_ohm_per_km", "X'", "Ω/km", { required: true, initial: 0.08 }),
      n("c_nf_per_km", "C'", "nF/km", { advanced: true }),
      n("r0_ohm_per_km", "R0'", "Ω/km", { advanced: true, help: "Zero-sequence resistance (earth faults)" }),
      n("x0_ohm_per_km", "X0'", "Ω/km", { advanced: true }),
      n("c0_nf_per_km", "C0'", "nF/km", { advanced: true }),
      n("parallel", "Parallel systems", "", { kind: "integer", advanced: true }),
      n("endtemp_degree", "End temperature θe", "°C", { advanced: true, help: "Conductor temperature at the end of the fault (minimum case)" }),
      { key: "conductor.material", label: "Conductor material", kind: "select", advanced: true, options: [{ value: "", label: "(not given)" }, { value: "cu", label: "copper" }, { value: "al", label: "aluminium" }], help: "For the adiabatic withstand check (IEC 60364-4-43, IEC 60949)" },
      { key: "conductor.insulation", label: "Insulation", kind: "select", advanced: true, options: [{ value: "", label: "(not given)" }, { value: "pvc", label: "PVC" }, { value: "xlpe", label: "XLPE" }, { value: "epr", label: "EPR" }, { value: "paper", label: "paper" }, { value: "bare", label: "bare" }] },
      n("conductor.cross_section_mm2", "Cross-section S", "mm²", { advanced: true }),
      n("conductor.k", "k (overrides material and insulation)", "A·√s/mm²", { advanced: true }),
      n("clearing_time_s", "Fault clearing time", "s", { advanced: true, help: "Of the line's protection (absent: the study's Tk)" }),
      ...common,
    ],
  },
  {
    table: "transformers", noun: "transformer", title: "Transformers (2-winding)", prefix: "T", busFields: ["hv_bus", "lv_bus"],
    fields: [
      bus("hv_bus", "HV bus"), bus("lv_bus", "LV bus"),
      n("sn_mva", "Rated power SrT", "MVA", { required: true, initial: 1 }),
      n("vn_hv_kv", "Rated voltage HV", "kV", { required: true, initial: 20 }),
      n("vn_lv_kv", "Rated voltage LV", "kV", { required: true, initial: 0.4 }),
      n("vk_percent", "ukr", "%", { required: true, initial: 6, help: "Rated short-circuit voltage" }),
      n("vkr_percent", "uRr", "%", { required: true, initial: 1, help: "Resistive part of the short-circuit voltage" }),
      { key: "vector_group", label: "Vector group", kind: "text", required: true, initial: "Dyn5", help: "YN earthed star, Y star, D delta, Z zigzag; e.g. Dyn5, YNd11" },
      n("vk0_percent", "uk0", "%", { advanced: true }),
      n("vkr0_percent", "uR0", "%", { advanced: true }),
      n("tap_pos", "Tap position", "", { advanced: true }),
      n("tap_neutral", "Tap neutral", "", { advanced: true }),
      n("tap_step_percent", "Tap step", "%", { advanced: true }),
      { key: "tap_side", label: "Tap side", kind: "select", advanced: true, options: [{ value: "", label: "none" }, { value: "hv", label: "HV" }, { value: "lv", label: "LV" }] },
      n("hv_grounding_r_ohm", "HV earthing R", "Ω", { advanced: true }),
      n("hv_grounding_x_ohm", "HV earthing X", "Ω", { advanced: true }),
      n("lv_grounding_r_ohm", "LV earthing R", "Ω", { advanced: true }),
      n("lv_grounding_x_ohm", "LV earthing X", "Ω", { advanced: true }),
      { key: "oltc", label: "On-load tap changer", kind: "bool", advanced: true },
      { key: "power_station_unit", label: "Power station unit", kind: "bool", advanced: true },
      n("pt_percent", "Off-load tap range pT", "%", { advanced: true }),
      n("parallel", "Parallel units", "", { kind: "integer", advanced: true }),
      ...common,
    ],
  },
  {
    table: "transformers3w", noun: "3-winding transformer", title: "Transformers (3-winding)", prefix: "T3_", busFields: ["hv_bus", "mv_bus", "lv_bus"],
    fields: [
      bus("hv_bus", "HV bus"), bus("mv_bus", "MV bus"), bus("lv_bus", "LV bus"),
      n("sn_hv_mva", "Rated power HV", "MVA", { required: true, initial: 40 }),
      n("sn_mv_mva", "Rated power MV", "MVA", { required: true, initial: 40 }),
      n("sn_lv_mva", "Rated power LV", "MVA", { required: true, initial: 10 }),
      n("vn_hv_kv", "Rated voltage HV", "kV", { required: true, initial: 110 }),
      n("vn_mv_kv", "Rated voltage MV", "kV", { required: true, initial: 20 }),
      n("vn_lv_kv", "Rated voltage LV", "kV", { required: true, initial: 10 }),
      n("vk_hv_percent", "uk HV-MV", "%", { required: true, initial: 12 }),
      n("vk_mv_percent", "uk MV-LV", "%", { required: true, initial: 8 }),
      n("vk_lv_percent", "uk LV-HV", "%", { required: true, initial: 10 }),
      n("vkr_hv_percent", "uR HV-MV", "%", { required: true, initial: 0.3 }),
      n("vkr_mv_percent", "uR MV-LV", "%", { required: true, initial: 0.3 }),
      n("vkr_lv_percent", "uR LV-HV", "%", { required: true, initial: 0.3 }),
      { key: "vector_group", label: "Vector group", kind: "text", required: true, initial: "YNyn0d5" },
      n("vk0_hv_percent", "uk0 HV-MV", "%", { advanced: true }),
      n("vk0_mv_percent", "uk0 MV-LV", "%", { advanced: true }),
      n("vk0_lv_percent", "uk0 LV-HV", "%", { advanced: true }),
      n("vkr0_hv_percent", "uR0 HV-MV", "%", { advanced: true }),
      n("vkr0_mv_percent", "uR0 MV-LV", "%", { advanced: true }),
      n("vkr0_lv_percent", "uR0 LV-HV", "%", { advanced: true }),
      n("hv_grounding_r_ohm", "HV earthing R", "Ω", { advanced: true }),
      n("hv_grounding_x_ohm", "HV earthing X", "Ω", { advanced: true }),
      n("mv_grounding_r_ohm", "MV earthing R", "Ω", { advanced: true }),
      n("mv_grounding_x_ohm", "MV earthing X", "Ω", { advanced: true }),
      n("lv_grounding_r_ohm", "LV earthing R", "Ω", { advanced: true }),
      n("lv_grounding_x_ohm", "LV earthing X", "Ω", { advanced: true }),
      ...common,
    ],
  },
  {
    table: "generators", noun: "generator", title: "Generators and power station units", prefix: "G", busFields: ["bus"],
    fields: [
      bus("bus", "Bus"),
      n("sn_mva", "Rated power SrG", "MVA", { required: true, initial: 10 }),
      n("vn_kv", "Rated voltage UrG", "kV", { required: true, initial: 10.5 }),
      n("cos_phi", "cos φrG", "", { required: true, initial: 0.8 }),
      n("xdss_pu", "x''d", "p.u.", { required: true, initial: 0.14, help: "Subtransient reactance, saturated" }),
      n("rdss_pu", "R''G", "p.u.", { help: "Absent: the fictitious RGf of IEC 60909-0 §6.6.1" }),
      n("x2_pu", "x(2)", "p.u.", { advanced: true }),
      n("x0_pu", "x(0)", "p.u.", { advanced: true }),
      n("grounding_r_ohm", "Earthing R", "Ω", { advanced: true }),
      n("grounding_x_ohm", "Earthing X", "Ω", { advanced: true }),
      { key: "unit_transformer", label: "Unit transformer (power station unit)", kind: "element", advanced: false, help: "Id of the block transformer: generator and transformer form a power station unit" },
      n("pg_percent", "Voltage range pG", "%", { advanced: true }),
      ...common,
    ],
  },
  {
    table: "motors", noun: "motor", title: "Motors", prefix: "M", busFields: ["bus"],
    fields: [
      bus("bus", "Bus"),
      n("pn_mw", "Rated power PrM", "MW", { required: true, initial: 0.5 }),
      n("vn_kv", "Rated voltage UrM", "kV", { required: true, initial: 0.4 }),
      n("cos_phi", "cos φr", "", { required: true, initial: 0.85 }),
      n("efficiency_percent", "Efficiency ηr", "%", { required: true, initial: 95 }),
      n("lrc_pu", "ILR/IrM", "", { required: true, initial: 6 }),
      n("rx", "RM/XM", "", { advanced: true, help: "Absent: 0.1 / 0.15 / 0.42 by IEC 60909-0 §6.8" }),
      n("pole_pairs", "Pole pairs", "", { kind: "integer", advanced: true }),
      n("count", "Number of motors", "", { kind: "integer", advanced: true }),
      ...common,
    ],
  },
  {
    table: "converters", noun: "converter", title: "Converters (wind, PV, static generators)", prefix: "C", busFields: ["bus"],
    fields: [
      bus("bus", "Bus"),
      n("sn_mva", "Rated power", "MVA", { required: true, initial: 1 }),
      n("vn_kv", "Rated voltage", "kV", { required: true, initial: 0.4 }),
      { key: "kind", label: "Kind", kind: "select", required: true, initial: "full_converter", options: [
        { value: "full_converter", label: "full converter (current source)" },
        { value: "doubly_fed", label: "doubly fed asynchronous" },
        { value: "asynchronous", label: "asynchronous generator" }] },
      n("k", "k (I/Ir)", "", { initial: 1.2, help: "Full converter: source current as a multiple of rated current" }),
      n("current_angle_deg", "Current angle", "°", { advanced: true }),
      n("i_wd_max_ka", "iWDmax", "kA", { advanced: true, help: "Doubly fed: highest instantaneous short-circuit current" }),
      n("kappa_wd", "κWD", "", { advanced: true }),
      n("rx", "R/X", "", { advanced: true }),
      n("lrc_pu", "ILR/Ir", "", { advanced: true }),
      ...common,
    ],
  },
  {
    table: "impedances", noun: "series impedance", title: "Series impedances", prefix: "Z", busFields: ["from_bus", "to_bus"],
    fields: [
      bus("from_bus", "From bus"), bus("to_bus", "To bus"),
      n("r_ohm", "R", "Ω", { initial: 0.01 }),
      n("x_ohm", "X", "Ω", { initial: 0.1 }),
      n("r0_ohm", "R0", "Ω", { advanced: true }),
      n("x0_ohm", "X0", "Ω", { advanced: true }),
      n("sn_mva", "Base power (p.u. form)", "MVA", { advanced: true }),
      n("r_pu", "R", "p.u.", { advanced: true }),
      n("x_pu", "X", "p.u.", { advanced: true }),
      n("r0_pu", "R0", "p.u.", { advanced: true }),
      n("x0_pu", "X0", "p.u.", { advanced: true }),
      ...common,
    ],
  },
  {
    table: "switches", noun: "switch or breaker", title: "Switches and breakers", prefix: "S", busFields: ["bus"],
    fields: [
      bus("bus", "Bus"),
      { key: "element", label: "Switched element (branch id, or a bus for a bus coupler)", kind: "element", required: true },
      { key: "closed", label: "Closed", kind: "bool", required: true, initial: true },
      { key: "kind", label: "Kind", kind: "select", options: [{ value: "", label: "disconnector (default)" }, { value: "breaker", label: "circuit-breaker" }, { value: "fuse", label: "fuse" }, { value: "load_break", label: "load-break switch" }, { value: "disconnector", label: "disconnector" }] },
      n("ratings.breaking_ka", "Rated breaking current", "kA", { help: "Isc (IEC 62271-100) above 1 kV, Icu (IEC 60947-2) at or below 1 kV; fuses: breaking capacity" }),
      n("ratings.service_breaking_ka", "Rated service breaking Ics", "kA", { advanced: true }),
      n("ratings.making_ka", "Rated making current", "kA peak", { advanced: true }),
      n("ratings.dc_percent", "Rated d.c. component", "%", { advanced: true }),
      n("ratings.opening_time_s", "Minimum opening time", "s", { advanced: true }),
      n("ratings.icw_ka", "Rated short-time withstand Icw", "kA", { advanced: true }),
      n("ratings.icw_duration_s", "Icw duration", "s", { advanced: true }),
      n("ratings.ipk_ka", "Rated peak withstand Ipk", "kA peak", { advanced: true }),
      n("r_ohm", "R (closed)", "Ω", { advanced: true }),
      n("x_ohm", "X (closed)", "Ω", { advanced: true }),
      ...common,
    ],
  },
  {
    table: "loads", noun: "load", title: "Loads", prefix: "LD", busFields: ["bus"],
    fields: [
      bus("bus", "Bus"),
      n("p_mw", "Active power", "MW", { required: true, initial: 0.1 }),
      n("q_mvar", "Reactive power", "Mvar", { initial: 0.03 }),
      ...common,
    ],
  },
  {
    // relays, LV trip units and fuses at a switch (docs/network-format.md, `protective_devices`)
    table: "protective_devices", noun: "protective device", title: "Protective devices", prefix: "P", busFields: [],
    fields: [
      { key: "kind", label: "Kind", kind: "select", required: true, initial: "relay", options: [{ value: "relay", label: "relay (inverse time)" }, { value: "trip_unit", label: "LV trip unit" }, { value: "fuse", label: "fuse" }] },
      { key: "switch", label: "At switch (the breaker it opens, or the fuse switch)", kind: "element", required: true },
      { key: "curve", label: "Curve", kind: "select", kinds: ["relay"], initial: "IEC_SI", options: [
        { value: "IEC_SI", label: "IEC standard inverse" }, { value: "IEC_VI", label: "IEC very inverse" }, { value: "IEC_EI", label: "IEC extremely inverse" }, { value: "IEC_LTI", label: "IEC long-time inverse" },
        { value: "IEEE_MI", label: "IEEE moderately inverse" }, { value: "IEEE_VI", label: "IEEE very inverse" }, { value: "IEEE_EI", label: "IEEE extremely inverse" }], help: "IEC 60255-151 or IEEE C37.112" },
      n("pickup_a", "Pickup Is (primary)", "A", { kinds: ["relay"], initial: 100 }),
      n("tms", "Time multiplier TMS (IEC curves)", "", { kinds: ["relay"], initial: 0.1 }),
      n("time_dial", "Time dial TD (IEEE curves)", "", { kinds: ["relay"] }),
      n("definite_time.pickup_a", "Definite-time stage pickup", "A", { kinds: ["relay"], advanced: true }),
      n("definite_time.time_s", "Definite-time stage delay", "s", { kinds: ["relay"], advanced: true }),
      n("instantaneous.pickup_a", "Instantaneous stage pickup", "A", { kinds: ["relay"], advanced: true }),
      n("instantaneous.time_s", "Instantaneous stage delay", "s", { kinds: ["relay"], advanced: true }),
      n("breaker_time_s", "Breaker interrupting time", "s", { kinds: ["relay"], advanced: true, help: "Absent: 5 cycles" }),
      n("ir_a", "Long-time pickup Ir", "A", { kinds: ["trip_unit"] }),
      n("tr_s", "Long-time delay tr", "s", { kinds: ["trip_unit"] }),
      n("tr_multiple", "tr given at … × Ir", "", { kinds: ["trip_unit"], advanced: true, help: "Absent: 6" }),
      n("isd_a", "Short-time pickup Isd", "A", { kinds: ["trip_unit"] }),
      n("tsd_s", "Short-time delay tsd", "s", { kinds: ["trip_unit"] }),
      { key: "i2t", label: "Short time I²t on", kind: "bool", kinds: ["trip_unit"], advanced: true },
      n("ii_a", "Instantaneous pickup Ii", "A", { kinds: ["trip_unit"] }),
      n("clearing_time_s", "Instantaneous clearing time", "s", { kinds: ["trip_unit"], advanced: true, help: "Absent: 0.05 s" }),
      n("pickup_tolerance_percent", "Pickup tolerance", "%", { kinds: ["trip_unit"], advanced: true, help: "Absent: 10 %" }),
      n("time_tolerance_percent", "Time tolerance", "%", { kinds: ["trip_unit"], advanced: true, help: "Absent: 20 %" }),
      { key: "curve", label: "Generic gG fuse curve", kind: "select", kinds: ["fuse"], options: ["16", "25", "32", "40", "63", "100", "160", "250", "400", "630"].map((a) => ({ value: `generic_gG_${a}A`, label: `generic gG ${a} A` })),
        help: "AmpFlux's own generic curves (IEC 60269-1 conventional currents), not a maker's; a maker's curve goes in `points` (JSON)" },
      n("rated_current_a", "Rated current", "A", { kinds: ["fuse"], advanced: true }),
      ...common,
    ],
  },
  {
    // not elements but named alternatives to the network as drawn (docs/network-format.md, `scenarios`)
    table: "scenarios", noun: "scenario", title: "Scenarios (operating alternatives)", prefix: "SC", busFields: [],
    fields: [
      { key: "name", label: "Name", kind: "text" },
      { key: "switches", label: "Switch states in this scenario", kind: "switch_states", help: "Switches not listed keep their state as drawn" },
      { key: "out_of_service", label: "Out of service in this scenario", kind: "id_list", help: "Ids of elements of any table taken out of service" },
    ],
  },
];

export const TABLE_BY_NAME: Record<TableName, TableSpec> = Object.fromEntries(TABLES.map((t) => [t.table, t])) as Record<TableName, TableSpec>;

/** Tables of branches: elements joining two or three buses. */
export const BRANCH_TABLES: TableName[] = ["lines", "transformers", "transformers3w", "impedances"];
