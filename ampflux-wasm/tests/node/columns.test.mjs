// Network.shortCircuitColumns from the user's side: the same study as shortCircuit with the
// bus rows as typed-array columns. Every number of every bus row must equal the object API's
// exactly (null as NaN), row by row and by id, on the example network, every exported
// reference case and the 1k-bus synthetic grid, for 3ph and 1ph, max and min; errors are the
// same AmpFluxErrors.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import { EXAMPLE, expectAmpFluxError, loadPackage, readText, referenceCases, skipUnless, TESTDATA } from "../helpers.mjs";

const { Network } = loadPackage();
const exampleText = readText(EXAMPLE);
const GRID_1K = path.join(TESTDATA, "synthetic", "meshed_1000.json");
const STUDIES = [
  { fault: "3ph", case: "max" },
  { fault: "3ph", case: "min" },
  { fault: "1ph", case: "max" },
  { fault: "1ph", case: "min" },
];
/** The tables of rows of a report, each a table of columns in `shortCircuitColumns`. */
const TABLES = ["buses", "branches", "voltages", "partial_currents"];

const isColumn = (c) => c instanceof Float64Array || c instanceof Uint8Array || Array.isArray(c);

/**
 * Every difference between the columns `cols` and the rows `rows` of one table, pushed onto
 * `problems`; counts what was compared in `seen` ({numbers, nulls}). Rows are matched by
 * index; a field is read from the column of its name, a coded one through `<name>_names`,
 * a nested object from the nested table; columns of fields a row lacks hold NaN or null.
 */
function tableDifferences(cols, rows, where, seen, problems) {
  const n = rows.length;
  for (const [key, col] of Object.entries(cols)) {
    if (key.endsWith("_names")) continue;
    const columns = isColumn(col) ? { [key]: col } : col;
    for (const [sub, c] of Object.entries(columns)) {
      if (!isColumn(c)) problems.push(`${where}.${key}.${sub}: not a column`);
      else if (c.length !== n) problems.push(`${where}.${key}.${sub}: ${c.length} values, ${n} rows`);
    }
    if (n > 0 && !rows.some((row) => key in row) && !["id", "fault_bus", "bus"].includes(key)) {
      problems.push(`${where}.${key}: a column no row has`);
    }
  }
  const same = (col, i, value, at) => {
    if (value === null || typeof value === "number") {
      if (!(col instanceof Float64Array)) return problems.push(`${at}: not a Float64Array`);
      seen.numbers += 1;
      if (value === null) seen.nulls += 1;
      if (!Object.is(col[i], value ?? NaN)) problems.push(`${at}: ${col[i]}, want ${value}`);
    } else if (typeof value === "boolean") {
      if (!(col instanceof Uint8Array) || col[i] !== (value ? 1 : 0)) problems.push(`${at}: ${col[i]}, want ${value}`);
    } else if (col[i] !== value) {
      problems.push(`${at}: ${JSON.stringify(col[i])}, want ${JSON.stringify(value)}`);
    }
  };
  rows.forEach((row, i) => {
    const at = `${where}[${i}]`;
    for (const [key, value] of Object.entries(row)) {
      const col = cols[key];
      const names = cols[`${key}_names`];
      if (col === undefined) problems.push(`${at}.${key}: no column`);
      else if (names) {
        if (!(col instanceof Uint8Array) || names[col[i]] !== value) problems.push(`${at}.${key}: ${names[col[i]]}, want ${value}`);
      } else if (value !== null && typeof value === "object") {
        for (const [sub, v] of Object.entries(value)) same(col[sub] ?? [], i, v, `${at}.${key}.${sub}`);
        if (Object.keys(col).length !== Object.keys(value).length) problems.push(`${at}.${key}: other fields`);
      } else {
        same(col, i, value, `${at}.${key}`);
      }
    }
    // a column of a field this row does not have holds NaN (numbers) or null (text)
    for (const [key, col] of Object.entries(cols)) {
      if (key in row || key.endsWith("_names")) continue;
      const columns = isColumn(col) ? [col] : Object.values(col);
      for (const c of columns) {
        const empty = c instanceof Float64Array ? Number.isNaN(c[i]) : c[i] === null;
        if (!empty) problems.push(`${at}.${key}: ${c[i]} for a field the row does not have`);
      }
    }
  });
}

/** Every difference between `columns` and the object API's `report`. */
function differences(columns, report, seen = { numbers: 0, nulls: 0 }) {
  const problems = [];
  const header = (r) => ({ study: r.study, network_digest: r.network_digest, warnings: r.warnings });
  try {
    assert.deepEqual(header(columns), header(report));
  } catch (e) {
    problems.push(`the header differs: ${e.message.slice(0, 300)}`);
  }
  const keys = (r) => Object.keys(r);
  if (keys(columns).join() !== keys(report).join()) problems.push(`keys ${keys(columns)}, want ${keys(report)} (in order)`);
  for (const table of TABLES) {
    if (!report[table] || !columns[table]) continue;
    tableDifferences(columns[table], report[table], table, seen, problems);
    if (report[table].length > 0) {
      for (const key of Object.keys(columns[table])) seen.columns?.add(`${table}.${key}`);
    }
  }
  if (columns.buses.id.length !== report.buses.length) problems.push("another number of bus rows");
  const index = new Map(columns.buses.id.map((id, i) => [id, i]));
  report.buses.forEach((row, i) => {
    if (index.get(row.id) !== i) problems.push(`bus ${row.id}: found at ${index.get(row.id)}, want ${i}`);
  });
  return problems;
}

/** Both APIs on `net` with `options`: equal results, or the same error. */
function checkBoth(net, options, seen) {
  let report;
  try {
    report = net.shortCircuit(options);
  } catch (err) {
    const thrown = expectAmpFluxError(assert, () => net.shortCircuitColumns(options), err.code);
    assert.equal(thrown.message, err.message);
    assert.deepEqual(thrown.issues, err.issues);
    return 0;
  }
  const problems = differences(net.shortCircuitColumns(options), report, seen);
  assert.deepEqual(problems.slice(0, 20), [], `${problems.length} differences with ${JSON.stringify(options)}`);
  return report.buses.length;
}

describe("shortCircuitColumns equals shortCircuit", () => {
  const seen = { numbers: 0, nulls: 0, columns: new Set() };

  test("the example network, 3ph and 1ph, max and min, with branch results and partial currents", () => {
    const net = Network.fromJson(exampleText);
    for (const study of STUDIES) {
      assert.equal(checkBoth(net, study, seen), net.busCount, JSON.stringify(study));
      checkBoth(net, { ...study, branch_results: true, partial_currents: true }, seen);
    }
    // faults along a line: locations that are no buses, after the buses
    const alongLines = { line_faults: [{ line: "C1", position: 0.5 }, { line: "C3", position: 0.25 }] };
    for (const study of STUDIES) checkBoth(net, { ...study, ...alongLines }, seen);
    const ids = net.shortCircuitColumns(alongLines).buses.id;
    assert.ok(ids.includes("C1@0.5") && ids.includes("C3@0.25"), JSON.stringify(ids));
    const columns = net.shortCircuitColumns({ fault: "1ph", branch_results: true, partial_currents: true });
    assert.ok(columns.branches.phases_from.ia_ka instanceof Float64Array, "phase currents of unbalanced faults");
    assert.ok(columns.partial_currents.kind_names.includes("generator"));
    assert.ok(columns.voltages.v0_pu.length > 0);
    net.free();
  });

  test("every exported reference case, with its options and 3ph/1ph max/min", () => {
    const cases = referenceCases();
    let studied = 0;
    for (const c of cases) {
      const net = Network.fromJson(c.network);
      const withRows = STUDIES.map((o) => ({ ...o, branch_results: true, partial_currents: true }));
      for (const options of [c.options, ...STUDIES, ...withRows]) {
        if (checkBoth(net, options, seen) > 0) studied += 1;
      }
      net.free();
    }
    assert.ok(studied >= cases.length * 4, `only ${studied} studies of ${cases.length} cases ran`);
  });

  test("the 1k-bus synthetic grid, 3ph and 1ph, max and min", { skip: skipUnless(!existsSync(GRID_1K) && `${GRID_1K} (ampflux-testkit export)`) }, () => {
    const net = Network.fromJson(readText(GRID_1K));
    for (const study of STUDIES) assert.equal(checkBoth(net, study, seen), 1000);
    net.free();
  });

  test("nulls of the object API were compared as NaN", () => {
    // the 1ph studies of the example and of the 1k grid have buses in isolated-neutral
    // systems, whose i_p, I_b, I_th (and I''k without capacitances) are null, as is their
    // infinite zero-sequence impedance
    assert.ok(seen.nulls > 50, `${seen.nulls} nulls compared`);
    assert.ok(seen.numbers > 60000, `${seen.numbers} numbers compared`);
  });

  test("every kind of column was compared", () => {
    // three-winding transformers (the wind farm cases), phase currents (1ph), source kinds
    for (const key of ["buses.ice_ka", "buses.ikss_earth_ka", "branches.mv_bus", "branches.ikss_mv_ka",
      "branches.phases_from", "branches.phases_to", "voltages.v0_pu", "partial_currents.kind", "partial_currents.ip_ka"]) {
      assert.ok(seen.columns.has(key), `${key} was never compared`);
    }
    console.log(`${seen.numbers} numbers (${seen.nulls} null) in ${seen.columns.size} kinds of columns compared`);
  });
});

describe("columns", () => {
  const net = Network.fromJson(exampleText);

  test("are typed arrays with the documented status table", () => {
    const { buses } = net.shortCircuitColumns({ fault: "1ph" });
    assert.deepEqual(buses.status_names, ["ok", "unsupplied", "no_zero_sequence_path", "resonance_earthed"]);
    assert.ok(buses.status instanceof Uint8Array && buses.meshed instanceof Uint8Array);
    for (const key of ["ikss_ka", "ip_ka", "ib_ka", "ith_ka", "ik_ka", "idc_ka", "ib_asym_ka", "rk0_ohm", "ikss_earth_ka"]) {
      assert.ok(buses[key] instanceof Float64Array, key);
    }
    // the fields of earth faults are no columns of a 3ph study
    const threePhase = net.shortCircuitColumns().buses;
    assert.ok(!("rk0_ohm" in threePhase) && !("ikss_earth_ka" in threePhase));
  });

  test("a misaligned column is found by the comparison", () => {
    // guards the checker above: the same columns with one column rotated by one row differ
    const report = net.shortCircuit();
    const columns = net.shortCircuitColumns();
    assert.deepEqual(differences(columns, report), []);
    const ikss = columns.buses.ikss_ka;
    const rotated = Float64Array.from(ikss, (_, i) => ikss[(i + 1) % ikss.length]);
    const shifted = { ...columns, buses: { ...columns.buses, ikss_ka: rotated } };
    assert.equal(differences(shifted, report).length, ikss.length);
    const ids = [...columns.buses.id.slice(1), columns.buses.id[0]];
    assert.ok(differences({ ...columns, buses: { ...columns.buses, id: ids } }, report).length > 0);
  });

  test("the bus ids of all-bus studies are one frozen array; a selection gets its own", () => {
    const first = net.shortCircuitColumns().buses.id;
    assert.equal(net.shortCircuitColumns({ fault: "1ph", case: "min" }).buses.id, first);
    assert.ok(Object.isFrozen(first));
    assert.throws(() => { "use strict"; first[0] = "X"; }, TypeError);
    const selected = net.shortCircuitColumns({ buses: ["LV2", "MV20"] });
    assert.deepEqual([...selected.buses.id], net.shortCircuit({ buses: ["LV2", "MV20"] }).buses.map((b) => b.id));
    assert.equal(selected.buses.ikss_ka.length, 2);
    assert.equal(net.shortCircuitColumns().buses.id, first, "the cache is unchanged");
  });

  test("onProgress is called as by shortCircuit", () => {
    const calls = [];
    net.shortCircuitColumns({}, (done, total) => calls.push([done, total]));
    assert.ok(calls.length > 0);
    assert.deepEqual(calls.at(-1)[0], calls.at(-1)[1]);
  });

  test("errors are AmpFluxErrors as from shortCircuit", () => {
    expectAmpFluxError(assert, () => net.shortCircuitColumns({ fault: "4ph" }), "invalid_option");
    expectAmpFluxError(assert, () => net.shortCircuitColumns(42), "invalid_input");
    expectAmpFluxError(assert, () => net.shortCircuitColumns({}, "not a function"), "invalid_input");
    const bad = Network.fromJson('{"buses": [{"id": "A", "vn_kv": -20}]}');
    const err = expectAmpFluxError(assert, () => bad.shortCircuitColumns(), "validation_error");
    assert.ok(err.issues.some((i) => i.element === "A" && i.field === "vn_kv"), JSON.stringify(err.issues));
    bad.free();
    // the network is still usable after an error
    assert.equal(net.shortCircuitColumns().buses.id.length, net.busCount);
  });
});
