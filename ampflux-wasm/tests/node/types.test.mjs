// The TypeScript declarations: they compile with the API used as documented (and reject
// misuse), and every declared interface matches the objects the package really returns.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { EXAMPLE, loadPackage, PKG, readText, referenceCases, ROOT, skipUnless } from "../helpers.mjs";

const { Network, defaultOptions } = loadPackage();
const TSC = path.join(ROOT, "ampflux-wasm/node_modules/.bin/tsc");

test("the declarations compile, and misuse is rejected (tsc --noEmit)", { skip: skipUnless(!existsSync(TSC) && "typescript (npm ci in ampflux-wasm)") }, () => {
  try {
    execFileSync(TSC, ["-p", path.join(ROOT, "ampflux-wasm/ts/tsconfig.json")], { encoding: "utf8", stdio: "pipe" });
  } catch (err) {
    assert.fail(`tsc failed:\n${err.stdout}${err.stderr}`);
  }
});

/** Declared properties of `export interface NAME { ... }` in a .d.ts: {name: optional?}. */
function declared(dts, name) {
  const match = new RegExp(`export interface ${name}(?: extends [^{]+)? \\{([\\s\\S]*?)\\n\\}`).exec(dts);
  assert.ok(match, `interface ${name} is declared`);
  const props = new Map();
  for (const line of match[1].split("\n")) {
    const m = /^\s+([a-z_0-9]+)(\??):/.exec(line);
    if (m) props.set(m[1], m[2] === "?");
  }
  return props;
}

function checkShape(dts, name, objects) {
  const props = declared(dts, name);
  assert.ok(objects.length > 0, `some ${name} objects were produced`);
  const seen = new Set();
  for (const obj of objects) {
    for (const key of Object.keys(obj)) {
      assert.ok(props.has(key), `${name}.${key} is returned but not declared`);
      seen.add(key);
    }
    for (const [key, optional] of props) {
      if (!optional) assert.ok(key in obj, `${name}.${key} is declared required but missing`);
    }
  }
  return { declared: props.size, seen: seen.size };
}

/** 110 kV feeder, Dyn5 transformer with its 20 kV star point earthed through an arc-suppression
 * coil tuned to a 10 km cable (3·X_N = 1/(ω·C0·l)). */
const COMPENSATED = {
  buses: [{ id: "Q", vn_kv: 110 }, { id: "A", vn_kv: 20 }, { id: "B", vn_kv: 20 }],
  external_grids: [{ id: "Grid", bus: "Q", s_sc_max_mva: 3000, rx_max: 0.1, x0x_max: 1.0, r0x0_max: 0.1 }],
  transformers: [{
    id: "T", hv_bus: "Q", lv_bus: "A", sn_mva: 40, vn_hv_kv: 110, vn_lv_kv: 20, vk_percent: 12,
    vkr_percent: 0.5, vector_group: "Dyn5", vk0_percent: 12, vkr0_percent: 0.5,
    lv_grounding_resonant: true, lv_grounding_x_ohm: 1 / (3 * 2 * Math.PI * 50 * 300e-9 * 10),
  }],
  lines: [{
    id: "C", from_bus: "A", to_bus: "B", length_km: 10, r_ohm_per_km: 0.1, x_ohm_per_km: 0.1,
    c_nf_per_km: 300, r0_ohm_per_km: 0.4, x0_ohm_per_km: 0.3, c0_nf_per_km: 300,
  }],
};

test("the declared result types match what the package returns", () => {
  const dts = readText(path.join(PKG, "ampflux_wasm.d.ts"));
  assert.match(dts, /export interface StudyReport/, "the data types are appended to the generated .d.ts");
  const reports = [];
  const example = Network.fromJson(readText(EXAMPLE));
  for (const fault of ["3ph", "2ph", "1ph", "2phe"]) {
    reports.push(example.shortCircuit({ fault, branch_results: true }));
  }
  // a resonance-earthed 20 kV system with its coil given: the residual current ires_ka
  reports.push(Network.fromJson(JSON.stringify({
    buses: [{ id: "H", vn_kv: 110 }, { id: "M", vn_kv: 20 }, { id: "E", vn_kv: 20 }],
    external_grids: [{ id: "Q", bus: "H", s_sc_max_mva: 3000, rx_max: 0.1, x0x_max: 1, r0x0_max: 0.1 }],
    transformers: [{ id: "T", hv_bus: "H", lv_bus: "M", sn_mva: 40, vn_hv_kv: 110, vn_lv_kv: 20,
      vk_percent: 12, vkr_percent: 0.4, vk0_percent: 12, vkr0_percent: 0.4, vector_group: "Dyn5", lv_grounding_resonant: true, lv_grounding_x_ohm: 600 }],
    lines: [{ id: "L", from_bus: "M", to_bus: "E", length_km: 10, r_ohm_per_km: 0.2, x_ohm_per_km: 0.1,
      r0_ohm_per_km: 0.5, x0_ohm_per_km: 0.3, c0_nf_per_km: 300 }],
  })).shortCircuit({ fault: "1ph" }));
  for (const c of referenceCases()) reports.push(Network.fromJson(c.network).shortCircuit({ ...c.options, branch_results: true }));
  // a resonance-earthed 20 kV system with its coil given: the residual current `ires_ka`
  // (the network of the core's test resonance_earthed_systems_report_the_residual_current)
  reports.push(Network.fromJson(JSON.stringify(COMPENSATED)).shortCircuit({ fault: "1ph", branch_results: true }));
  const all = (pick) => reports.flatMap(pick);
  const results = {
    StudyReport: checkShape(dts, "StudyReport", reports),
    StudyOptions: checkShape(dts, "StudyOptions", [...reports.map((r) => r.study), defaultOptions()]),
    BusResult: checkShape(dts, "BusResult", all((r) => r.buses)),
    BranchResult: checkShape(dts, "BranchResult", all((r) => r.branches)),
    PhaseCurrents: checkShape(dts, "PhaseCurrents", all((r) => r.branches.flatMap((b) => [b.phases_from, b.phases_to]).filter(Boolean))),
    VoltageResult: checkShape(dts, "VoltageResult", all((r) => r.voltages)),
    Issue: checkShape(dts, "Issue", [...all((r) => r.warnings), ...Network.fromJson('{"buses": [{"id": "A", "vn_kv": -1}]}').validate()]),
  };
  const duties = [example.duty(), example.duty({ all_scenarios: true, duty_basis: "through" })];
  checkShape(dts, "DutyReport", duties);
  checkShape(dts, "DutyOptions", duties.map((d) => d.study));
  checkShape(dts, "DutyCheck", duties.flatMap((d) => d.checks));
  checkShape(dts, "DutySummary", duties.map((d) => d.summary));
  checkShape(dts, "DutyCase", duties.flatMap((d) => d.cases));
  // every optional field of the results appears in at least one real result
  for (const name of ["BusResult", "BranchResult"]) {
    assert.equal(results[name].seen, results[name].declared, `${name}: every declared field occurs`);
  }
  let err;
  try {
    example.shortCircuit({ fault: "x" });
  } catch (e) {
    err = e;
  }
  const errorProps = declared(dts, "AmpFluxError");
  for (const key of ["code", "issues", "option"]) assert.ok(errorProps.has(key) && key in err, `AmpFluxError.${key}`);
});
