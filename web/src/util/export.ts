// Downloads of a report: CSV with the columns and number format of `ampflux sc --format csv`
// (numbers written as Rust's `Display` writes f64, so the file is byte for byte the CLI's), and
// JSON as `--format json` writes it.
import type { StudyReport } from "../../pkg/ampflux_wasm.js";

/** `value` as Rust's `Display` for f64 writes it: shortest round-trip digits, no exponent. */
export function rustFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (Object.is(value, -0)) return "-0";
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, rest = "", exp] = match;
  const digits = lead + rest;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

const EARTH_FAULTS = new Set(["1ph", "2phe"]);
const STATUS_TEXT: Record<string, string> = { ok: "", unsupplied: "unsupplied", no_zero_sequence_path: "no zero-sequence path" };

function csvField(text: string): string {
  return /[,"\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const optional = (value: number | undefined | null) => (value === undefined || value === null ? "" : rustFloat(value));

export function reportCsv(report: StudyReport): string {
  const earth = EARTH_FAULTS.has(report.study.fault);
  let out = "id,vn_kv,ikss_ka,skss_mva,ip_ka,ib_ka,ith_ka,rk_ohm,xk_ohm,kappa";
  if (earth) out += ",ikss_earth_ka,rk0_ohm,xk0_ohm";
  out += ",status\n";
  for (const b of report.buses) {
    const cells = [csvField(b.id)];
    for (const key of ["vn_kv", "ikss_ka", "skss_mva", "ip_ka", "ib_ka", "ith_ka", "rk_ohm", "xk_ohm", "kappa"] as const) cells.push(rustFloat(b[key]));
    if (earth) cells.push(optional(b.ikss_earth_ka), optional(b.rk0_ohm), optional(b.xk0_ohm));
    cells.push(STATUS_TEXT[b.status] ?? b.status);
    out += cells.join(",") + "\n";
  }
  if (report.branches.length > 0) {
    out += "\nid,fault_bus,from_bus,to_bus,ikss_from_ka,ikss_to_ka,angle_from_deg,angle_to_deg,ip_ka,ith_ka\n";
    for (const r of report.branches) {
      out += [
        csvField(r.id), csvField(r.fault_bus), csvField(r.from_bus), csvField(r.to_bus),
        ...(["ikss_from_ka", "ikss_to_ka", "angle_from_deg", "angle_to_deg", "ip_ka", "ith_ka"] as const).map((k) => rustFloat(r[k])),
      ].join(",") + "\n";
    }
  }
  return out;
}

/** The report as the CLI's pretty JSON. */
export function reportJson(report: StudyReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
