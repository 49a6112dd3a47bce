import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { reportCsv, reportJson, rustFloat } from "./export";

const ROOT = new URL("../../../", import.meta.url).pathname;
const EXAMPLE = `${ROOT}examples/networks/industrial_plant.json`;
const CLI = process.env.AMPFLUX_CLI ?? `${ROOT}target/release/ampflux`;
const PKG = `${ROOT}ampflux-wasm/pkg/ampflux_wasm.js`;
const wasm = existsSync(PKG) ? createRequire(import.meta.url)(PKG) : null;

describe("rustFloat", () => {
  it("writes f64 as Rust's Display does", () => {
    const cases: [number, string][] = [
      [0, "0"], [-0, "-0"], [1, "1"], [20, "20"], [0.1, "0.1"], [-2.5, "-2.5"], [1e-7, "0.0000001"],
      [1.5e-10, "0.00000000015"], [123456789.125, "123456789.125"], [1e21, "1000000000000000000000"],
      [1.2345e22, "12345000000000000000000"], [5e-324, `0.${"0".repeat(323)}5`], [NaN, "NaN"],
      [Infinity, "inf"], [-Infinity, "-inf"], [16.108757011693836, "16.108757011693836"],
    ];
    for (const [value, text] of cases) expect(rustFloat(value), String(value)).toBe(text);
  });
});

describe.skipIf(!wasm)("CSV and JSON downloads", () => {
  it("match the CLI's --format csv: same lines and text cells, numbers within 1e-12 and written as Rust writes them", { skip: !existsSync(CLI) }, () => {
    for (const [args, options] of [[[], {}], [["--fault", "1ph", "--case", "min"], { fault: "1ph", case: "min" }], [["--fault", "2phe", "--branches"], { fault: "2phe", branch_results: true }]] as const) {
      const net = wasm.Network.fromJson(readFileSync(EXAMPLE, "utf8"));
      const got = reportCsv(net.shortCircuit(options)).split("\n").map((l) => l.split(","));
      net.free();
      const want = execFileSync(CLI, ["sc", EXAMPLE, "--format", "csv", ...args], { encoding: "utf8" }).split("\n").map((l) => l.split(","));
      expect(got.length).toBe(want.length);
      got.forEach((cells, i) => {
        expect(cells.length).toBe(want[i].length);
        cells.forEach((cell, j) => {
          const native = want[i][j];
          if (/^-?\d/.test(native) && !want[i][0].startsWith("id")) {
            // wasm and native code may differ in the last bit; the format is Rust's
            expect(Math.abs(Number(cell) - Number(native))).toBeLessThanOrEqual(1e-12 * Math.abs(Number(native)));
            expect(rustFloat(Number(native))).toBe(native);
            expect(cell).not.toMatch(/e/i);
          } else {
            expect(cell).toBe(native);
          }
        });
      });
    }
  });
  it("have the CLI's columns, and JSON round-trips", () => {
    const net = wasm.Network.fromJson(readFileSync(EXAMPLE, "utf8"));
    const three = reportCsv(net.shortCircuit()).split("\n");
    expect(three[0]).toBe("id,vn_kv,ikss_ka,skss_mva,ip_ka,ib_ka,ith_ka,rk_ohm,xk_ohm,kappa,status");
    const earth = net.shortCircuit({ fault: "1ph", branch_results: true });
    const lines = reportCsv(earth).split("\n");
    expect(lines[0]).toBe("id,vn_kv,ikss_ka,skss_mva,ip_ka,ib_ka,ith_ka,rk_ohm,xk_ohm,kappa,ikss_earth_ka,rk0_ohm,xk0_ohm,status");
    expect(JSON.parse(reportJson(earth))).toEqual(earth);
    net.free();
  });
  it("quotes cells with commas or quotes", () => {
    const net = wasm.Network.fromJson(JSON.stringify({ buses: [{ id: 'Bus "A", main', vn_kv: 20 }], external_grids: [{ id: "Q", bus: 'Bus "A", main', s_sc_max_mva: 500, rx_max: 0.1 }] }));
    expect(reportCsv(net.shortCircuit()).split("\n")[1].startsWith('"Bus ""A"", main",20,')).toBe(true);
    net.free();
  });
});
