import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { csvNumber, reportCsv, reportJson, rowsCsv, rustFloat, tableCsv } from "./export";

const ROOT = new URL("../../../", import.meta.url).pathname;
const EXAMPLE = `${ROOT}examples/networks/industrial_plant.json`;
const CLI = process.env.AMPFLUX_CLI ?? `${ROOT}target/release/ampflux`;
const PKG = `${ROOT}ampflux-wasm/pkg/ampflux_wasm.js`;
const wasm = existsSync(PKG) ? createRequire(import.meta.url)(PKG) : null;

describe("numbers", () => {
  it("rustFloat writes f64 as Rust's Display does", () => {
    const cases: [number, string][] = [
      [0, "0"], [-0, "-0"], [1, "1"], [20, "20"], [0.1, "0.1"], [-2.5, "-2.5"], [1e-7, "0.0000001"],
      [1.5e-10, "0.00000000015"], [123456789.125, "123456789.125"], [1e21, "1000000000000000000000"],
      [1.2345e22, "12345000000000000000000"], [5e-324, `0.${"0".repeat(323)}5`], [NaN, "NaN"],
      [Infinity, "inf"], [-Infinity, "-inf"], [16.108757011693836, "16.108757011693836"],
    ];
    for (const [value, text] of cases) expect(rustFloat(value), String(value)).toBe(text);
  });
  it("csvNumber keeps six significant digits, as the CLI's csv::number", () => {
    // the cases of ampflux-cli/src/csv.rs (numbers_have_six_significant_digits)
    expect(csvNumber(12.3456789)).toBe("12.3457");
    expect(csvNumber(0.00012345678)).toBe("0.000123457");
    expect(csvNumber(1234567)).toBe("1234570");
    expect(csvNumber(0.1 + 0.2)).toBe("0.3");
    expect(csvNumber(-2.5)).toBe("-2.5");
    expect(csvNumber(0)).toBe("0");
    expect(csvNumber(Infinity)).toBe("inf");
  });
  it("columns follow the rows' fields, nested objects as outer.inner (the case of ampflux-cli/src/csv.rs)", () => {
    const rows = [{ id: "A,1", inner: null, state: "all_good", flag: true }, { id: "B", extra: 1 / 3, inner: { a: 2 }, state: "all_good", flag: false }];
    expect(rowsCsv(rows)).toBe('id,inner,state,flag,extra,inner.a\n"A,1",,all_good,true,,\nB,,all_good,false,0.333333,2\n');
  });
});

/** Compares a CSV of the page with the CLI's: header lines, columns, text cells equal; numbers within half a unit of the 6th digit (wasm and native may differ in the last bit). */
function compareCsv(got: string, want: string) {
  const g = got.trimEnd().split("\n");
  const w = want.trimEnd().split("\n");
  expect(g.length).toBe(w.length);
  expect(g[0]).toBe(w[0]);
  expect(g[1]).toBe(w[1]);
  expect(JSON.parse(g[2].slice("# study: ".length))).toEqual(JSON.parse(w[2].slice("# study: ".length)));
  expect(g[3]).toBe(w[3]);
  for (let i = 4; i < w.length; i++) {
    const gc = g[i].split(",");
    const wc = w[i].split(",");
    expect(gc.length).toBe(wc.length);
    wc.forEach((native, j) => {
      if (/^-?\d/.test(native) && /^-?[\d.]+$/.test(native)) {
        const tol = 6e-6 * Math.abs(Number(native)) + 1e-300;
        expect(Math.abs(Number(gc[j]) - Number(native)), `line ${i + 1} cell ${j + 1}: ${gc[j]} vs ${native}`).toBeLessThanOrEqual(tol);
      } else {
        expect(gc[j], `line ${i + 1} cell ${j + 1}`).toBe(native);
      }
    });
  }
}

describe.skipIf(!wasm)("CSV and JSON downloads", () => {
  it("match the CLI's --format csv and its --branches-out / --voltages-out files", { skip: !existsSync(CLI) }, () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "ampflux-csv-"));
    const source = "industrial_plant.json";
    for (const [args, options] of [[[], {}], [["--fault", "1ph", "--case", "min"], { fault: "1ph", case: "min" }], [["--fault", "2phe", "--branches"], { fault: "2phe", branch_results: true }]] as const) {
      const net = wasm.Network.fromJson(readFileSync(EXAMPLE, "utf8"));
      const report = net.shortCircuit(options);
      net.free();
      const extra = options === undefined || !("branch_results" in options) ? [] : ["--branches-out", `${dir}/b.csv`, "--voltages-out", `${dir}/v.csv`];
      const cli = execFileSync(CLI, ["sc", source, "--format", "csv", ...args, ...extra], { encoding: "utf8", cwd: path.dirname(EXAMPLE) });
      compareCsv(reportCsv(report, source, wasm.version()), cli);
      if (extra.length) {
        compareCsv(tableCsv(report, report.branches, source, wasm.version()), readFileSync(`${dir}/b.csv`, "utf8"));
        compareCsv(tableCsv(report, report.voltages, source, wasm.version()), readFileSync(`${dir}/v.csv`, "utf8"));
      }
    }
  });
  it("JSON round-trips", () => {
    const net = wasm.Network.fromJson(readFileSync(EXAMPLE, "utf8"));
    const earth = net.shortCircuit({ fault: "1ph", branch_results: true });
    expect(JSON.parse(reportJson(earth))).toEqual(earth);
    net.free();
  });
  it("quotes cells with commas or quotes", () => {
    const net = wasm.Network.fromJson(JSON.stringify({ buses: [{ id: 'Bus "A", main', vn_kv: 20 }], external_grids: [{ id: "Q", bus: 'Bus "A", main', s_sc_max_mva: 500, rx_max: 0.1 }] }));
    expect(reportCsv(net.shortCircuit(), "x.json", "0.1.0").split("\n")[4].startsWith('"Bus ""A"", main",20,')).toBe(true);
    net.free();
  });
});
