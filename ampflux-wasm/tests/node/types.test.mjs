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

test("the declared result types match what the package returns", () => {
  const dts = readText(path.join(PKG, "ampflux_wasm.d.ts"));
  assert.match(dts, /export interface StudyReport/, "the data types are appended to the generated .d.ts");
  const reports = [];
  const example = Network.fromJson(readText(EXAMPLE));
  for (const fault of ["3ph", "2ph", "1ph", "2phe"]) {
    reports.push(example.shortCircuit({ fault, branch_results: true }));
  }
  for (const c of referenceCases()) reports.push(Network.fromJson(c.network).shortCircuit({ ...c.options, branch_results: true }));
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
