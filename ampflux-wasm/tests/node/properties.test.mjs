// Property tests of the JS boundary (fast-check): arbitrary texts, JS values, mutated valid
// documents, study options and change sets never trap the WebAssembly module. Every call
// returns, or throws an Error named AmpFluxError with a known code and non-empty issues; a
// successful study has finite currents at every location whose status is ok; and the module
// computes the example exactly as before after every error.
//
// Bounded and reproducible: AMPFLUX_FC_RUNS runs per property (default 300) from the seed
// AMPFLUX_FC_SEED (default 60909; a failure prints the seed and path to replay it).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import fc from "fast-check";

import { EXAMPLE, ROOT, loadPackage, readText } from "../helpers.mjs";

const { Network, summarizeChanges, defaultOptions } = loadPackage();
const exampleText = readText(EXAMPLE);
const example = Network.fromJson(exampleText);
const exampleDigest = example.digest();
const exampleReport = JSON.stringify(example.shortCircuit({ fault: "1ph" }));

const RUNS = Number(process.env.AMPFLUX_FC_RUNS ?? 300);
const SEED = Number(process.env.AMPFLUX_FC_SEED ?? 60909);
const params = (runs = RUNS) => ({ numRuns: runs, seed: SEED, endOnFailure: true });

const KNOWN_CODES = new Set(["format_error", "unsupported_version", "validation_error", "invalid_option",
  "topology_error", "solver_error", "conflict", "invalid_input"]);
const FAULTS = ["3ph", "2ph", "1ph", "2phe"];
const TABLES = ["buses", "external_grids", "lines", "transformers", "transformers3w", "generators",
  "motors", "converters", "impedances", "switches", "loads", "shunts"];

/** The module still works: the example reads and solves exactly as at the start. */
function moduleStillWorks() {
  assert.equal(Network.fromJson(exampleText).digest(), exampleDigest, "the module reads as before");
}

/** Runs `fn`: its result, or undefined when it threw a proper AmpFluxError. Anything else fails. */
function clean(fn, what) {
  try {
    return fn();
  } catch (err) {
    assert.ok(!(err instanceof WebAssembly.RuntimeError), `${what}: the module trapped: ${err?.stack ?? err}`);
    assert.ok(err instanceof Error, `${what}: not an Error: ${String(err)}`);
    assert.equal(err.name, "AmpFluxError", `${what}: ${err.name}: ${err.message}`);
    assert.ok(KNOWN_CODES.has(err.code), `${what}: code ${err.code} (internal_error is a panic in the core): ${err.message}`);
    assert.ok(Array.isArray(err.issues) && err.issues.length > 0, `${what}: issues`);
    assert.equal(typeof err.message, "string");
    moduleStillWorks();
    return undefined;
  }
}

/** A successful study: finite I''k, i_p, I_th and κ at every ok location. */
function checkReport(report, what) {
  assert.ok(Array.isArray(report.buses), what);
  for (const b of report.buses) {
    if (b.status !== "ok") continue;
    for (const key of ["ikss_ka", "ip_ka", "ith_ka", "kappa"]) {
      assert.ok(Number.isFinite(b[key]), `${what}: ${b.id}.${key} = ${b[key]}`);
    }
  }
}

/** Reads, validates and solves `text` with `options`, each step clean. */
function exercise(text, options, what) {
  const net = clean(() => Network.fromJson(text), `${what}: fromJson`);
  if (net === undefined) return "unread";
  try {
    clean(() => net.validate(options), `${what}: validate`);
    const report = clean(() => net.shortCircuit(options), `${what}: shortCircuit`);
    if (report === undefined) return "refused";
    checkReport(report, what);
    // what reads writes a document that reads back to the same network
    assert.equal(Network.fromJson(net.toJson()).digest(), net.digest(), `${what}: toJson round trip`);
    return "solved";
  } finally {
    net.free();
  }
}

// --- arbitraries ------------------------------------------------------------------------

const key = fc.oneof(
  fc.constantFrom("id", "bus", "vn_kv", "buses", "lines", "transformers", "external_grids", "generators",
    "s_sc_max_mva", "rx_max", "x0x_max", "r0x0_max", "from_bus", "to_bus", "length_km", "r_ohm_per_km",
    "x_ohm_per_km", "hv_bus", "lv_bus", "sn_mva", "vn_hv_kv", "vn_lv_kv", "vk_percent", "vkr_percent",
    "vector_group", "format", "version", "frequency_hz", "meta", "in_service", "trafos", "f_hz", "name"),
  fc.string({ maxLength: 8 }),
);
const number = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0, -0, 1e-300, 5e-324, 1e300, -1, 0.4, 20, 110, 50, 2 ** 53 + 1),
);
const scalar = fc.oneof(fc.constant(null), fc.boolean(), number, fc.string({ maxLength: 12 }),
  fc.constantFrom("A", "B", "Dyn5", "YNd11", "ampflux-network", "3ph"));
const { json } = fc.letrec((tie) => ({
  json: fc.oneof({ depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("json"), { maxLength: 4 }),
    fc.dictionary(key, tie("json"), { maxKeys: 5 })),
}));

const bases = [JSON.parse(exampleText), {
  buses: [{ id: "Q", vn_kv: 20 }, { id: "F", vn_kv: 0.4 }],
  external_grids: [{ id: "Grid", bus: "Q", s_sc_max_mva: 346.41, rx_max: 0.1, s_sc_min_mva: 300, x0x_max: 1, r0x0_max: 0.1 }],
  transformers: [{ id: "T1", hv_bus: "Q", lv_bus: "F", sn_mva: 0.63, vn_hv_kv: 20, vn_lv_kv: 0.41, vk_percent: 4,
    vkr_percent: 1.0317, vector_group: "Dyn5", vk0_percent: 4, vkr0_percent: 1.0317 }],
}];

/** One edit of a document: a field set to an arbitrary value or removed, an element
 * removed or duplicated or given an arbitrary field, a top-level field replaced. */
const edit = fc.record({
  op: fc.integer({ min: 0, max: 6 }),
  table: fc.nat(),
  row: fc.nat(),
  field: fc.nat(),
  newKey: key,
  value: fc.oneof({ arbitrary: number, weight: 3 }, { arbitrary: json, weight: 1 }),
  // or a value of the field's own type (a number, an id or a vector group), so that many
  // edits get past reading and reach validation and the study
  typed: fc.boolean(),
  num: number,
  str: fc.oneof(fc.constantFrom("Q", "F", "B1", "T1", "Dyn5", "YNd11", "Dd0", "YNyn0d5", ""), fc.string({ maxLength: 4 })),
});

function applyEdit(doc, e) {
  const tables = TABLES.filter((t) => Array.isArray(doc[t]) && doc[t].length > 0);
  if (e.op === 6 || tables.length === 0) {
    doc[[...TABLES, "format", "version", "frequency_hz", "meta", "name", "extra"][e.table % 17]] = e.value;
    return;
  }
  const rows = doc[tables[e.table % tables.length]];
  const i = e.row % rows.length;
  const row = rows[i];
  const isObject = row !== null && typeof row === "object" && !Array.isArray(row);
  const keys = isObject ? Object.keys(row).sort() : [];
  if (e.op <= 2 && keys.length > 0) {
    const k = keys[e.field % keys.length];
    const old = row[k];
    row[k] = e.typed && typeof old === "number" ? e.num : e.typed && typeof old === "string" ? e.str : e.value;
  }
  else if (e.op === 3 && keys.length > 0) delete row[keys[e.field % keys.length]];
  else if (e.op === 4) rows.push(structuredClone(row));
  else if (e.op === 5) rows.splice(i, 1);
  else if (isObject) row[e.newKey] = e.value;
}

const mutatedDocument = fc.tuple(fc.nat({ max: bases.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 4 }))
  .map(([b, edits]) => {
    const doc = structuredClone(bases[b]);
    for (const e of edits) applyEdit(doc, e);
    return doc;
  });

const optionName = fc.oneof(
  fc.constantFrom("fault", "case", "ip_method", "tk_s", "tmin_s", "buses", "branch_results", "topology",
    "c_max_lv", "c_min_lv", "c_max_hv", "c_min_hv", "kt_in_min_case", "r_fault_ohm", "x_fault_ohm",
    "r_earth_ohm", "x_earth_ohm", "line_faults", "method", "prefault_pu", "base_mva",
    "lv_tolerance_percent", "breaking_current"),
  fc.string({ maxLength: 10 }),
);
const optionValue = fc.oneof(
  json,
  fc.constantFrom(...FAULTS, "max", "min", "b", "c", "auto", "meshed", "radial", "classical", "iec60909",
    "conservative", "exact", 6, 10, 1.05, 0.95, true, false),
  fc.array(fc.record({ line: fc.constantFrom("C1", "L1", "X", ""), position: number }), { maxLength: 3 }),
  fc.double(), // NaN and the infinities too
  fc.constantFrom(undefined, () => 1, 10n, Symbol("s")),
);
const studyOptions = fc.oneof(
  fc.dictionary(optionName, optionValue, { maxKeys: 4 }),
  fc.record({ fault: fc.constantFrom(...FAULTS), case: fc.constantFrom("max", "min"), branch_results: fc.boolean() }),
  fc.anything(),
  json.map((v) => JSON.stringify(v)),
);

// --- properties ---------------------------------------------------------------------------

describe("the module never traps", () => {
  test("arbitrary texts and JSON documents", () => {
    const outcomes = { unread: 0, refused: 0, solved: 0 };
    fc.assert(fc.property(
      fc.oneof(fc.string({ maxLength: 200 }), fc.fullUnicodeString({ maxLength: 100 }), json.map((v) => JSON.stringify(v)),
        fc.constantFrom("", "{", "[", "{}", "null", '{"version": 0}', '{"format": "ampflux-network", "version": 1e400}')),
      fc.constantFrom(...FAULTS),
      (text, fault) => {
        outcomes[exercise(text, { fault }, `text ${JSON.stringify(text).slice(0, 200)}`)] += 1;
      },
    ), params());
    console.log(`arbitrary texts: ${JSON.stringify(outcomes)}`);
    assert.ok(outcomes.unread > 0);
  });

  test("arbitrary JS values in place of the document", () => {
    fc.assert(fc.property(fc.anything({ withBigInt: true, withMap: true, withSet: true, withTypedArray: true }), (value) => {
      const net = clean(() => Network.fromJson(value), "fromJson(anything)");
      if (net !== undefined) {
        assert.equal(typeof value, "string");
        net.free();
      }
    }), params());
  });

  test("mutated valid documents, every fault type", () => {
    const outcomes = { unread: 0, refused: 0, solved: 0 };
    fc.assert(fc.property(mutatedDocument, fc.constantFrom(...FAULTS), fc.constantFrom("max", "min"), fc.boolean(),
      (doc, fault, studyCase, branches) => {
        const text = JSON.stringify(doc);
        const what = `mutated ${text.slice(0, 300)}`;
        outcomes[exercise(text, { fault, case: studyCase, branch_results: branches }, what)] += 1;
      }), params());
    console.log(`mutated documents: ${JSON.stringify(outcomes)}`);
    assert.ok(outcomes.solved > 0 && outcomes.unread + outcomes.refused > 0, JSON.stringify(outcomes));
  });

  test("arbitrary study options", () => {
    const outcomes = { refused: 0, solved: 0 };
    fc.assert(fc.property(fc.nat({ max: bases.length - 1 }), studyOptions, (b, options) => {
      const net = Network.fromJson(JSON.stringify(bases[b]));
      try {
        clean(() => net.validate(options), "validate(options)");
        const report = clean(() => net.shortCircuit(options), `shortCircuit(${fc.stringify(options).slice(0, 200)})`);
        if (report === undefined) {
          outcomes.refused += 1;
        } else {
          outcomes.solved += 1;
          checkReport(report, "options");
        }
        // the same network solves normally right after
        checkReport(net.shortCircuit(), "after");
      } finally {
        net.free();
      }
    }), params());
    console.log(`arbitrary options: ${JSON.stringify(outcomes)}`);
    assert.ok(outcomes.solved > 0 && outcomes.refused > 0, JSON.stringify(outcomes));
  });

  test("arbitrary change sets", () => {
    fc.assert(fc.property(fc.oneof(json, fc.anything(), json.map((v) => JSON.stringify(v)),
      fc.record({ changes: fc.array(fc.dictionary(fc.constantFrom("op", "table", "id", "field", "old", "new", "element"), json, { maxKeys: 6 }), { maxLength: 3 }) })),
    (changes) => {
      const out = clean(() => example.apply(changes), "apply");
      out?.free();
      const summary = clean(() => summarizeChanges(changes), "summarizeChanges");
      if (summary !== undefined) assert.equal(typeof summary, "string");
    }), params());
  });
});

test("after all the errors the module computes the example exactly as before", () => {
  assert.equal(JSON.stringify(Network.fromJson(exampleText).shortCircuit({ fault: "1ph" })), exampleReport);
  assert.equal(typeof defaultOptions().fault, "string");
});

test("the fuzz finding study-unit-generator-tiny-reactance is a solver_error, not NaN", () => {
  const file = path.join(ROOT, "ampflux-core/tests/data/fuzz/study-unit-generator-tiny-reactance.json");
  const { network } = JSON.parse(readFileSync(file, "utf8"));
  const net = Network.fromJson(JSON.stringify(network));
  assert.throws(() => net.shortCircuit(), (err) => err.name === "AmpFluxError" && err.code === "solver_error" && /B3/.test(err.message));
  net.free();
  moduleStillWorks();
});
