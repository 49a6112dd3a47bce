// Every kind of bad input reaches JS as an Error named AmpFluxError with a code and its
// problems, never as a trap of the module: documents, options, change sets, wrong types,
// and a few thousand mutated documents.
import assert from "node:assert/strict";
import { describe, test } from "node:test";

import { EXAMPLE, expectAmpFluxError, loadPackage, readText, referenceCases } from "../helpers.mjs";

const { Network, summarizeChanges } = loadPackage();
const exampleText = readText(EXAMPLE);
const example = Network.fromJson(exampleText);

const KNOWN_CODES = new Set(["format_error", "unsupported_version", "validation_error", "invalid_option",
  "topology_error", "solver_error", "conflict", "invalid_input"]);

describe("documents", () => {
  test("text that is not JSON is a format_error with its position", () => {
    const err = expectAmpFluxError(assert, () => Network.fromJson('{"buses": ['), "format_error");
    assert.match(err.path, /^line 1 column \d+$/);
    assert.match(err.message, /EOF|end of/i);
  });

  test("an empty string is a format_error", () => {
    expectAmpFluxError(assert, () => Network.fromJson(""), "format_error");
  });

  test("an unknown field names its JSON path", () => {
    const doc = JSON.parse(exampleText);
    doc.lines[1].colour = "red";
    const err = expectAmpFluxError(assert, () => Network.fromJson(JSON.stringify(doc)), "format_error");
    assert.equal(err.path, "lines[1].colour");
    assert.match(err.issues[0].message, /colour/);
  });

  test("a wrong type names its JSON path", () => {
    const err = expectAmpFluxError(assert, () => Network.fromJson('{"buses": [{"id": "A", "vn_kv": "high"}]}'), "format_error");
    assert.equal(err.path, "buses[0].vn_kv");
  });

  test("a newer format version is refused", () => {
    const err = expectAmpFluxError(assert, () => Network.fromJson('{"format": "ampflux-network", "version": 99}'), "unsupported_version");
    assert.match(err.message, /99/);
  });

  test("a foreign document is refused", () => {
    expectAmpFluxError(assert, () => Network.fromJson('{"format": "pandapower", "version": 1}'));
  });

  for (const [what, value] of [["a number", 42], ["an object", { buses: [] }], ["null", null], ["undefined", undefined], ["an array", []]]) {
    test(`${what} instead of text is invalid_input`, () => {
      const err = expectAmpFluxError(assert, () => Network.fromJson(value), "invalid_input");
      assert.match(err.message, /expects the document as JSON text/);
    });
  }

  test("validate() lists every problem with element and field, without throwing", () => {
    const net = Network.fromJson(JSON.stringify({
      buses: [{ id: "A", vn_kv: -20 }, { id: "B", vn_kv: 0.4 }],
      external_grids: [{ id: "Q", bus: "A", s_sc_max_mva: 0, rx_max: 0.1 }],
      lines: [{ id: "L1", from_bus: "A", to_bus: "NOWHERE", length_km: 1, r_ohm_per_km: 0.1, x_ohm_per_km: 0.1 }],
    }));
    const issues = net.validate();
    const fields = issues.filter((i) => i.severity === "error").map((i) => `${i.table}/${i.element}/${i.field}`);
    assert.ok(fields.includes("buses/A/vn_kv"), fields.join(", "));
    assert.ok(fields.includes("external_grids/Q/s_sc_max_mva"), fields.join(", "));
    assert.ok(fields.includes("lines/L1/to_bus"), fields.join(", "));
    const err = expectAmpFluxError(assert, () => net.shortCircuit(), "validation_error");
    assert.deepEqual(err.issues, issues, "the study names the same problems");
    net.free();
  });

  test("an earth fault without zero-sequence data names the missing field", () => {
    const net = Network.fromJson(JSON.stringify({
      buses: [{ id: "A", vn_kv: 20 }],
      external_grids: [{ id: "Q", bus: "A", s_sc_max_mva: 500, rx_max: 0.1 }],
    }));
    assert.deepEqual(net.validate().filter((i) => i.severity === "error"), []);
    assert.equal(net.shortCircuit({ fault: "3ph" }).buses.length, 1);
    const err = expectAmpFluxError(assert, () => net.shortCircuit({ fault: "1ph" }), "validation_error");
    const issue = err.issues.find((i) => i.element === "Q");
    assert.ok(issue, JSON.stringify(err.issues));
    assert.equal(issue.table, "external_grids");
    assert.equal(issue.field, "x0x_max");
    net.free();
  });
});

describe("study options", () => {
  test("an unknown option names itself", () => {
    const err = expectAmpFluxError(assert, () => example.shortCircuit({ faul: "3ph" }), "invalid_option");
    assert.match(err.message, /faul/);
  });

  test("an unknown fault type lists the allowed ones", () => {
    const err = expectAmpFluxError(assert, () => example.shortCircuit({ fault: "4ph" }), "invalid_option");
    assert.equal(err.option, "fault");
    assert.equal(err.issues[0].field, "fault");
    assert.match(err.message, /3ph.*2ph.*1ph/);
  });

  test("a wrong type is invalid_option", () => {
    const err = expectAmpFluxError(assert, () => example.shortCircuit({ tk_s: "long" }), "invalid_option");
    assert.equal(err.option, "tk_s");
  });

  test("out-of-range values are invalid_option", () => {
    for (const options of [{ tk_s: -1 }, { tmin_s: -0.1 }, { lv_tolerance_percent: 7 }, { c_max_lv: -1 }, { base_mva: 0 }]) {
      expectAmpFluxError(assert, () => example.shortCircuit(options), "invalid_option");
    }
  });

  test("NaN and Infinity are refused, not computed with", () => {
    for (const options of [{ tk_s: NaN }, { r_fault_ohm: Infinity }]) {
      expectAmpFluxError(assert, () => example.shortCircuit(options), "invalid_option");
    }
  });

  test("an unknown fault bus is reported", () => {
    const err = expectAmpFluxError(assert, () => example.shortCircuit({ buses: ["NOPE"] }));
    assert.ok(["invalid_option", "validation_error"].includes(err.code), err.code);
    assert.match(JSON.stringify(err.issues), /NOPE/);
  });

  for (const [what, value] of [["a number", 3], ["a boolean", true], ["a function", () => 1], ["a symbol", Symbol("x")]]) {
    test(`${what} as options is invalid_input`, () => {
      expectAmpFluxError(assert, () => example.shortCircuit(value), "invalid_input");
    });
  }

  test("options that cannot be written as JSON are invalid_input", () => {
    const cyclic = { fault: "3ph" };
    cyclic.self = cyclic;
    expectAmpFluxError(assert, () => example.shortCircuit(cyclic), "invalid_input");
    expectAmpFluxError(assert, () => example.shortCircuit({ tk_s: 10n }), "invalid_input");
  });

  test("options as JSON text are read like objects", () => {
    const a = example.shortCircuit('{"fault": "2ph", "case": "min"}');
    const b = example.shortCircuit({ fault: "2ph", case: "min" });
    assert.deepEqual(a, b);
    expectAmpFluxError(assert, () => example.shortCircuit("3ph"), "invalid_input");
  });
});

describe("change sets", () => {
  test("a malformed change set is a format_error", () => {
    expectAmpFluxError(assert, () => example.apply({ changes: [{ op: "explode" }] }), "format_error");
    expectAmpFluxError(assert, () => example.apply({ changez: [] }), "format_error");
  });

  test("a change set for another network is a conflict", () => {
    const other = Network.fromJson(JSON.stringify({ buses: [{ id: "X", vn_kv: 10 }] }));
    const changed = Network.fromJson(JSON.stringify({ buses: [{ id: "X", vn_kv: 11 }] }));
    const changes = Network.diff(other, changed);
    expectAmpFluxError(assert, () => example.apply(changes), "conflict");
    other.free();
    changed.free();
  });

  test("a non-object change set is invalid_input", () => {
    expectAmpFluxError(assert, () => example.apply(7), "invalid_input");
    expectAmpFluxError(assert, () => summarizeChanges(undefined), "invalid_input");
  });
});

describe("misuse of the classes", () => {
  test("a foreign object where a Network is expected throws, and the module keeps working", () => {
    assert.throws(() => Network.diff(example, { digest: () => "x" }), (err) => err instanceof Error && !(err instanceof WebAssembly.RuntimeError));
    assert.throws(() => Network.diff(null, example), (err) => err instanceof Error && !(err instanceof WebAssembly.RuntimeError));
    assert.equal(example.shortCircuit().buses.length, 8);
  });

  test("a freed network throws instead of reading freed memory", () => {
    const net = Network.fromJson(exampleText);
    net.free();
    assert.throws(() => net.digest(), (err) => err instanceof Error && !(err instanceof WebAssembly.RuntimeError));
    assert.equal(example.digest(), Network.fromJson(exampleText).digest());
  });
});

/** A deterministic pseudo-random generator (mulberry32). */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WILD_NUMBERS = [0, -1, -1e-300, 1e-300, 1e308, -1e308, 5e-324, 1e15, 0.5, 2, 1000, 1e-9, 12345678901234567890];
const WILD = [...WILD_NUMBERS, "x", "", true, null, [], {}, "3ph"];
const pick = (list, random) => list[Math.floor(random() * list.length)];

/** `doc` with one random mutation: a wild value in a field, a removed field, a renamed reference, a duplicated element. */
function mutate(doc, random) {
  const tables = Object.keys(doc).filter((k) => Array.isArray(doc[k]) && doc[k].length > 0);
  const table = tables[Math.floor(random() * tables.length)];
  const rows = doc[table];
  const row = rows[Math.floor(random() * rows.length)];
  const keys = Object.keys(row);
  const key = keys[Math.floor(random() * keys.length)];
  const r = random();
  if (r < 0.55) {
    // mostly values of the right type, so that the mutation gets past reading the document
    row[key] = typeof row[key] === "number" && random() < 0.85 ? pick(WILD_NUMBERS, random) : pick(WILD, random);
  } else if (r < 0.7) {
    delete row[key];
  } else if (r < 0.8) {
    rows.push(structuredClone(row));
  } else if (r < 0.9 && typeof row[key] === "string") {
    row[key] = pick(doc.buses.map((b) => b.id), random);
  } else if (typeof row[key] === "number") {
    row[key] = -row[key];
  } else {
    row.in_service = false;
  }
  return doc;
}

test("mutated documents and options never trap the module", () => {
  const random = rng(60909);
  const bases = [JSON.parse(exampleText), ...referenceCases().map((c) => JSON.parse(c.network))];
  const faults = ["3ph", "2ph", "1ph", "2phe"];
  const seen = new Map();
  let solved = 0;
  const rounds = Number(process.env.AMPFLUX_FUZZ_ROUNDS ?? 3000);
  for (let i = 0; i < rounds; i += 1) {
    let doc = structuredClone(bases[i % bases.length]);
    const mutations = 1 + Math.floor(random() * 3);
    for (let m = 0; m < mutations; m += 1) doc = mutate(doc, random);
    const options = {
      fault: faults[Math.floor(random() * faults.length)],
      case: random() < 0.5 ? "max" : "min",
      branch_results: random() < 0.3,
    };
    if (random() < 0.2) options.r_fault_ohm = pick(random() < 0.8 ? WILD_NUMBERS : WILD, random);
    if (random() < 0.1) options.tk_s = pick(WILD_NUMBERS, random);
    let net = null;
    try {
      net = Network.fromJson(JSON.stringify(doc));
      net.validate();
      const report = net.shortCircuit(options);
      assert.ok(Array.isArray(report.buses));
      solved += 1;
    } catch (err) {
      assert.equal(err?.name, "AmpFluxError", `round ${i}: ${err?.stack ?? err}\n${JSON.stringify(doc).slice(0, 400)}`);
      assert.ok(KNOWN_CODES.has(err.code), `round ${i}: code ${err.code}: ${err.message}`);
      assert.ok(err.issues.length > 0);
      seen.set(err.code, (seen.get(err.code) ?? 0) + 1);
    } finally {
      net?.free();
    }
  }
  console.log(`${rounds} mutated documents: ${solved} solved, errors by code ${JSON.stringify(Object.fromEntries(seen))}`);
  assert.ok(seen.get("format_error") > 0 && seen.get("validation_error") > 0);
  // the module still computes the example exactly as before
  assert.deepEqual(Network.fromJson(exampleText).shortCircuit(), example.shortCircuit());
});

test("truncated and garbled texts never trap the module", () => {
  const random = rng(7);
  for (let i = 0; i < 300; i += 1) {
    const cut = Math.floor(random() * exampleText.length);
    const garbled = exampleText.slice(0, cut) + String.fromCharCode(Math.floor(random() * 0xffff)) + exampleText.slice(cut + 1);
    for (const text of [exampleText.slice(0, cut), garbled]) {
      try {
        Network.fromJson(text).free();
      } catch (err) {
        assert.equal(err.name, "AmpFluxError", String(err));
        assert.ok(KNOWN_CODES.has(err.code), err.code);
      }
    }
  }
  const deep = "[".repeat(100000) + "]".repeat(100000);
  expectAmpFluxError(assert, () => Network.fromJson(deep), "format_error");
  expectAmpFluxError(assert, () => example.shortCircuit(deep), "invalid_input");
});
