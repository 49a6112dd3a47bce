// The page's DOM-free modules in node: numbers in the CSV written exactly as Rust writes
// them, and the CSV/JSON exports built from a report of the package.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { EXAMPLE, loadPackage, readText, ROOT, skipUnless } from "../helpers.mjs";

const { rustFloat, fixed } = await import(path.join(ROOT, "web/js/format.js"));
const { reportCsv, reportJson } = await import(path.join(ROOT, "web/js/export.js"));
const { Network } = loadPackage();
const CLI = process.env.AMPFLUX_CLI ?? path.join(ROOT, "target/release/ampflux");

test("rustFloat writes f64 as Rust's Display does", () => {
  const cases = [
    [0, "0"], [-0, "-0"], [1, "1"], [20, "20"], [0.1, "0.1"], [-2.5, "-2.5"], [1e-7, "0.0000001"],
    [1.5e-10, "0.00000000015"], [123456789.125, "123456789.125"], [1e21, "1000000000000000000000"],
    [1.2345e22, "12345000000000000000000"], [5e-324, `0.${"0".repeat(323)}5`], [NaN, "NaN"],
    [Infinity, "inf"], [-Infinity, "-inf"], [16.108757011693836, "16.108757011693836"],
  ];
  for (const [value, text] of cases) assert.equal(rustFloat(value), text, String(value));
  assert.equal(fixed(1.23456, 3), "1.235");
  assert.equal(fixed(undefined, 3), "");
});

test("rustFloat agrees with the CLI on every number of its CSV", { skip: skipUnless(!existsSync(CLI) && `the ampflux CLI at ${CLI} (set AMPFLUX_CLI)`) }, () => {
  let numbers = 0;
  for (const args of [[], ["--fault", "1ph", "--case", "min"], ["--fault", "2phe", "--branches"]]) {
    const csv = execFileSync(CLI, ["sc", EXAMPLE, "--format", "csv", ...args], { encoding: "utf8" });
    for (const line of csv.split("\n").slice(1)) {
      for (const cell of line.split(",")) {
        if (/^-?\d/.test(cell)) {
          assert.equal(rustFloat(Number(cell)), cell);
          numbers += 1;
        }
      }
    }
  }
  assert.ok(numbers > 100, `${numbers} numbers checked`);
});

test("the CSV export has the CLI's columns and one row per fault location", () => {
  const net = Network.fromJson(readText(EXAMPLE));
  const three = reportCsv(net.shortCircuit()).split("\n");
  assert.equal(three[0], "id,vn_kv,ikss_ka,skss_mva,ip_ka,ib_ka,ith_ka,rk_ohm,xk_ohm,kappa,status");
  assert.equal(three.length, 8 + 2);
  const earth = net.shortCircuit({ fault: "1ph", branch_results: true });
  const lines = reportCsv(earth).split("\n");
  assert.equal(lines[0], "id,vn_kv,ikss_ka,skss_mva,ip_ka,ib_ka,ith_ka,rk_ohm,xk_ohm,kappa,ikss_earth_ka,rk0_ohm,xk0_ohm,status");
  assert.ok(lines.includes("id,fault_bus,from_bus,to_bus,ikss_from_ka,ikss_to_ka,angle_from_deg,angle_to_deg,ip_ka,ith_ka"));
  assert.equal(lines.filter((l) => l.split(",").length === 10 && !l.startsWith("id,")).length, earth.branches.length);
  assert.deepEqual(JSON.parse(reportJson(earth)), earth);
});

test("CSV cells with commas or quotes are quoted", () => {
  const net = Network.fromJson(JSON.stringify({
    buses: [{ id: 'Bus "A", main', vn_kv: 20 }],
    external_grids: [{ id: "Q", bus: 'Bus "A", main', s_sc_max_mva: 500, rx_max: 0.1 }],
  }));
  const row = reportCsv(net.shortCircuit()).split("\n")[1];
  assert.ok(row.startsWith('"Bus ""A"", main",20,'), row);
});
