// Downloads: the report as JSON (the CLI's `--format json`) and CSV (its `--format csv`).
import { rustFloat } from "./format.js";

const EARTH_FAULTS = new Set(["1ph", "2phe"]);
const STATUS_TEXT = { ok: "", unsupplied: "unsupplied", no_zero_sequence_path: "no zero-sequence path" };

function csvField(text) {
  return /[,"\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const optional = (value) => (value === undefined || value === null ? "" : rustFloat(value));

/** The report as CSV, with the columns and number format of `ampflux sc --format csv`. */
export function reportCsv(report) {
  const earth = EARTH_FAULTS.has(report.study.fault);
  let out = "id,vn_kv,ikss_ka,skss_mva,ip_ka,ib_ka,ith_ka,rk_ohm,xk_ohm,kappa";
  if (earth) out += ",ikss_earth_ka,rk0_ohm,xk0_ohm";
  out += ",status\n";
  for (const b of report.buses) {
    const cells = [csvField(b.id)];
    for (const key of ["vn_kv", "ikss_ka", "skss_mva", "ip_ka", "ib_ka", "ith_ka", "rk_ohm", "xk_ohm", "kappa"]) {
      cells.push(rustFloat(b[key]));
    }
    if (earth) cells.push(optional(b.ikss_earth_ka), optional(b.rk0_ohm), optional(b.xk0_ohm));
    cells.push(STATUS_TEXT[b.status] ?? b.status);
    out += cells.join(",") + "\n";
  }
  if (report.branches.length > 0) {
    out += "\nid,fault_bus,from_bus,to_bus,ikss_from_ka,ikss_to_ka,angle_from_deg,angle_to_deg,ip_ka,ith_ka\n";
    for (const r of report.branches) {
      out += [
        csvField(r.id), csvField(r.fault_bus), csvField(r.from_bus), csvField(r.to_bus),
        ...["ikss_from_ka", "ikss_to_ka", "angle_from_deg", "angle_to_deg", "ip_ka", "ith_ka"].map((k) => rustFloat(r[k])),
      ].join(",") + "\n";
    }
  }
  return out;
}

/** The report as the CLI's pretty JSON. */
export function reportJson(report) {
  return JSON.stringify(report, null, 2) + "\n";
}

/** Offers `text` as a file download. */
export function download(filename, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
