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
/** Keys of `columns.buses` that are not numeric columns of a bus row field. */
const NOT_NUMERIC = new Set(["id", "meshed", "status", "status_names"]);

/**
 * Every difference between `columns` and the object API's `report`; counts what was compared
 * in `seen` ({numbers, nulls}). Rows are matched by index and, independently, by id.
 */
function differences(columns, report, seen = { numbers: 0, nulls: 0 }) {
  const problems = [];
  const { buses: cols, ...rest } = columns;
  const { buses: rows, ...reportRest } = report;
  try {
    assert.deepEqual(rest, reportRest);
  } catch (e) {
    problems.push(`the report without its bus rows differs: ${e.message.slice(0, 300)}`);
  }
  if (cols.id.length !== rows.length) return [...problems, `${cols.id.length} ids, ${rows.length} rows`];
  for (const [key, column] of Object.entries(cols)) {
    if (NOT_NUMERIC.has(key)) continue;
    if (!(column instanceof Float64Array)) problems.push(`${key}: not a Float64Array`);
    else if (column.length !== rows.length) problems.push(`${key}: ${column.length} values, ${rows.length} rows`);
    else if (!rows.some((row) => key in row)) problems.push(`${key}: a column no row has`);
  }
  const index = new Map(cols.id.map((id, i) => [id, i]));
  rows.forEach((row, i) => {
    if (cols.id[i] !== row.id) problems.push(`row ${i}: id ${cols.id[i]}, want ${row.id}`);
    if (index.get(row.id) !== i) problems.push(`${row.id}: found at ${index.get(row.id)}, want ${i}`);
    for (const [key, value] of Object.entries(row)) {
      if (key === "id") continue;
      if (key === "status") {
        const name = cols.status_names[cols.status[i]];
        if (name !== value) problems.push(`${row.id}.status: ${name}, want ${value}`);
      } else if (key === "meshed") {
        if (cols.meshed[i] !== (value ? 1 : 0)) problems.push(`${row.id}.meshed: ${cols.meshed[i]}, want ${value}`);
      } else if (!(key in cols)) {
        problems.push(`${key}: no column`);
      } else {
        const want = value === null ? NaN : value;
        seen.numbers += 1;
        if (value === null) seen.nulls += 1;
        if (!Object.is(cols[key][i], want)) problems.push(`${row.id}.${key}: ${cols[key][i]}, want ${value}`);
      }
    }
    // a column of a field this row does not have holds NaN
    for (const key of Object.keys(cols)) {
      if (!NOT_NUMERIC.has(key) && !(key in row) && !Number.isNaN(cols[key][i])) {
        problems.push(`${row.id}.${key}: ${cols[key][i]} for a field the row does not have`);
      }
    }
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
  const seen = { numbers: 0, nulls: 0 };

  test("the example network, 3ph and 1ph, max and min, with branch results", () => {
    const net = Network.fromJson(exampleText);
    for (const study of STUDIES) {
      assert.equal(checkBoth(net, study, seen), net.busCount, JSON.stringify(study));
      checkBoth(net, { ...study, branch_results: true, partial_currents: true }, seen);
    }
    net.free();
  });

  test("every exported reference case, with its options and 3ph/1ph max/min", () => {
    const cases = referenceCases();
    let studied = 0;
    for (const c of cases) {
      const net = Network.fromJson(c.network);
      for (const options of [c.options, ...STUDIES]) {
        if (checkBoth(net, options, seen) > 0) studied += 1;
      }
      net.free();
    }
    assert.ok(studied >= cases.length * 2, `only ${studied} studies of ${cases.length} cases ran`);
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
