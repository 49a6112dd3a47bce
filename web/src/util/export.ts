// Downloads of a report: CSV as `ampflux sc --format csv` writes it (the `#` header lines, the
// columns of the rows' JSON fields, numbers to 6 significant digits written as Rust writes
// f64), branch currents and bus voltages as its `--branches-out` / `--voltages-out` files, and
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

/** Significant digits of numbers in CSV, as the CLI writes them (the JSON keeps every digit). */
export const CSV_DIGITS = 6;

/** `v` rounded to CSV_DIGITS significant digits, written as Rust writes that rounded f64. */
export function csvNumber(v: number): string {
  if (!Number.isFinite(v)) return rustFloat(v);
  return rustFloat(Number(v.toExponential(CSV_DIGITS - 1)));
}

/** A text cell, quoted when it holds a comma, quote or line break. */
export function csvField(text: string): string {
  return /[,"\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

type Cell = { kind: "number"; v: number } | { kind: "text"; v: string } | { kind: "empty" };

/** The scalar fields of a row in order, nested objects as `outer.inner` (the CLI's columns). */
function flatten(row: Record<string, unknown>, prefix: string, out: [string, Cell][]) {
  for (const [key, value] of Object.entries(row)) {
    const name = prefix + key;
    if (value === null || value === undefined) out.push([name, { kind: "empty" }]);
    else if (typeof value === "number") out.push([name, { kind: "number", v: value }]);
    else if (typeof value === "object" && !Array.isArray(value)) flatten(value as Record<string, unknown>, `${name}.`, out);
    else out.push([name, { kind: "text", v: String(value) }]);
  }
}

/** One CSV table of `rows`: the header is the union of their fields in first-seen order. */
export function rowsCsv(rows: object[]): string {
  const header: string[] = [];
  const index = new Map<string, number>();
  const flat = rows.map((row) => {
    const cells: [string, Cell][] = [];
    flatten(row as Record<string, unknown>, "", cells);
    return cells.map(([name, cell]) => {
      if (!index.has(name)) { index.set(name, header.length); header.push(name); }
      return [index.get(name)!, cell] as const;
    });
  });
  let out = header.map(csvField).join(",") + "\n";
  for (const cells of flat) {
    const line = new Array<string>(header.length).fill("");
    for (const [column, cell] of cells) line[column] = cell.kind === "number" ? csvNumber(cell.v) : cell.kind === "text" ? csvField(cell.v) : "";
    out += line.join(",") + "\n";
  }
  return out;
}

/** The `#` lines that open each CSV table, as `ampflux sc --format csv` writes them. */
export function csvHeader(report: StudyReport, source: string, version: string): string {
  return `# ampflux ${version}: IEC 60909-0 short-circuit study; numbers to ${CSV_DIGITS} significant digits\n` +
    `# network: ${source} (sha256 ${report.network_digest})\n# study: ${JSON.stringify(report.study)}\n`;
}

/** The bus results as `ampflux sc --format csv` writes them. */
export function reportCsv(report: StudyReport, source: string, version: string): string {
  return csvHeader(report, source, version) + rowsCsv(report.buses);
}

/** Branch currents or bus voltages as `--branches-out` / `--voltages-out` write them. */
export function tableCsv(report: StudyReport, rows: object[], source: string, version: string): string {
  return csvHeader(report, source, version) + rowsCsv(rows);
}

/** The report as the CLI's pretty JSON. */
export function reportJson(report: StudyReport): string {
  return JSON.stringify(report, null, 2) + "\n";
}
