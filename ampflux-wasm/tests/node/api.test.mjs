// The JS API from the user's side: reading and writing documents, digests equal to the
// native ones, study options by their format names, results with the CLI's fields, versions.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import { compareDeep, EXAMPLE, loadPackage, readJson, readText, referenceCases, ROOT, skipUnless } from "../helpers.mjs";

const amp = loadPackage();
const { Network } = amp;
const exampleText = readText(EXAMPLE);

describe("package", () => {
  test("version() is the workspace version", () => {
    const cargo = readText(path.join(ROOT, "Cargo.toml"));
    const version = /\[workspace\.package\][^[]*?\nversion = "([^"]+)"/.exec(cargo)[1];
    assert.equal(amp.version(), version);
    assert.equal(readJson(path.join(ROOT, "ampflux-wasm/pkg/package.json")).version, version);
  });

  test("exports exactly the documented API", () => {
    const publicNames = Object.keys(amp).filter((k) => !k.startsWith("__")).sort();
    assert.deepEqual(publicNames, ["Network", "arcFlashLabelSvg", "defaultOptions", "ieee1584", "summarizeChanges", "version"]);
    const methods = Object.getOwnPropertyNames(Network.prototype).filter((k) => k !== "constructor").sort();
    for (const m of ["validate", "shortCircuit", "shortCircuitColumns", "duty", "digest", "toJson", "apply", "canonicalJson", "free", "arcFlash", "arcFlashLabels", "selectivity", "tcc", "tccSvg"]) {
      assert.ok(methods.includes(m), `Network.prototype.${m}`);
    }
    assert.equal(typeof Network.fromJson, "function");
    assert.equal(typeof Network.diff, "function");
  });

  test("defaultOptions() has the format's documented defaults and every option of a report", () => {
    const defaults = amp.defaultOptions();
    // the defaults the format spec (shared/spec/network-format.md, "Study options") fixes
    const spec = {
      fault: "3ph", case: "max", ip_method: "c", topology: "auto", tk_s: 1, tmin_s: 0.1, lv_tolerance_percent: 10,
      c_max_lv: null, c_min_lv: null, c_max_hv: null, c_min_hv: null, kt_in_min_case: false,
      r_fault_ohm: 0, x_fault_ohm: 0, buses: null, branch_results: false,
    };
    for (const [key, value] of Object.entries(spec)) assert.deepEqual(defaults[key], value, key);
    const study = Network.fromJson(exampleText).shortCircuit().study;
    assert.deepEqual(Object.keys(defaults), Object.keys(study));
    assert.deepEqual(defaults, study, "a study without options runs with the defaults");
  });
});

describe("documents", () => {
  const net = Network.fromJson(exampleText);

  test("name, frequency and bus count", () => {
    assert.equal(net.name, "Industrial plant with on-site generation (AmpFlux example)");
    assert.equal(net.frequencyHz, 50);
    assert.equal(net.busCount, 8);
    assert.equal(Network.fromJson("{}").name, undefined);
  });

  test("toJson() round-trips, pretty or compact", () => {
    const pretty = net.toJson();
    const compact = net.toJson(false);
    assert.ok(pretty.includes("\n  ") && !compact.includes("\n"));
    assert.deepEqual(JSON.parse(pretty), JSON.parse(compact));
    assert.equal(Network.fromJson(compact).digest(), net.digest());
    assert.equal(Network.fromJson(pretty).toJson(), pretty);
  });

  test("digest() is SHA-256 of canonicalJson()", () => {
    const sha = createHash("sha256").update(net.canonicalJson()).digest("hex");
    assert.equal(net.digest(), sha);
    assert.match(net.digest(), /^[0-9a-f]{64}$/);
  });

  test("digest() equals the native golden digest of the pinned example", () => {
    // the example as it was when the canonical form was defined (examples/networks/ has since
    // gained equipment ratings and scenarios)
    const pinned = Network.fromJson(readText(path.join(ROOT, "ampflux-core/tests/data/industrial_plant_v1.json")));
    const golden = path.join(ROOT, "ampflux-core/tests/data/industrial_plant.digest");
    assert.equal(pinned.digest(), readText(golden).trim());
  });

  test("digest() does not depend on element order or number spelling", () => {
    const doc = JSON.parse(exampleText);
    doc.buses.reverse();
    doc.lines.reverse();
    doc.frequency_hz = 50.0;
    assert.equal(Network.fromJson(JSON.stringify(doc)).digest(), net.digest());
    doc.buses[0].vn_kv += 1e-9;
    assert.notEqual(Network.fromJson(JSON.stringify(doc)).digest(), net.digest());
  });
});

describe("studies", () => {
  const net = Network.fromJson(exampleText);

  test("defaults: 3ph max at every bus, with the CLI's fields", () => {
    const report = net.shortCircuit();
    assert.deepEqual(Object.keys(report), ["study", "network_digest", "buses", "branches", "voltages", "warnings"]);
    assert.deepEqual(report.study, amp.defaultOptions());
    assert.equal(report.network_digest, net.digest());
    assert.equal(report.buses.length, 8);
    assert.deepEqual(Object.keys(report.buses[0]), ["id", "vn_kv", "ikss_ka", "skss_mva", "ip_ka", "ib_ka", "ith_ka",
      "ik_ka", "idc_ka", "ib_asym_ka", "rk_ohm", "xk_ohm", "kappa", "c", "meshed", "status"]);
    for (const b of report.buses) {
      assert.ok(Math.abs(b.ib_asym_ka - Math.hypot(b.ib_ka, b.idc_ka)) <= 1e-12 * b.ib_asym_ka, b.id);
      assert.ok(b.ik_ka <= b.ikss_ka * (1 + 1e-12), b.id);
    }
    assert.deepEqual(report.branches, []);
    assert.deepEqual(report.voltages, []);
    assert.deepEqual(net.shortCircuit({}), report);
    assert.deepEqual(net.shortCircuit(null), report);
  });

  test("partial currents of the sources, with the option of that name", () => {
    const report = net.shortCircuit({ partial_currents: true, buses: ["MV20"] });
    const rows = report.partial_currents;
    assert.ok(rows.length > 0 && rows.every((p) => p.fault_bus === "MV20"));
    assert.deepEqual(Object.keys(rows[0]), ["fault_bus", "source", "kind", "bus", "ikss_ka", "angle_deg",
      "ip_ka", "ib_ka", "ik_ka", "mu", "q"]);
    assert.ok(rows.every((p) => ["feeder", "generator", "unit", "motor", "converter"].includes(p.kind)));
    assert.equal(net.shortCircuit({ buses: ["MV20"] }).partial_currents, undefined);
  });

  test("options by their format names", () => {
    const report = net.shortCircuit({ fault: "1ph", case: "min", ip_method: "b", tk_s: 0.5, buses: ["LV1", "MV20"], branch_results: true });
    assert.equal(report.study.fault, "1ph");
    assert.equal(report.study.case, "min");
    assert.equal(report.study.ip_method, "b");
    assert.equal(report.study.tk_s, 0.5);
    assert.deepEqual(report.buses.map((b) => b.id), ["MV20", "LV1"].filter((id) => report.buses.some((b) => b.id === id)));
    assert.equal(report.buses.length, 2);
    for (const b of report.buses) assert.equal(typeof b.rk0_ohm, "number");
    // LV1 is solidly earthed; the 20 kV system has an isolated neutral: outside IEC 60909,
    // the currents null and the capacitive earth-fault current given
    const lv = report.buses.find((b) => b.id === "LV1");
    assert.equal(lv.status, "ok");
    assert.equal(typeof lv.ikss_earth_ka, "number");
    const mv = report.buses.find((b) => b.id === "MV20");
    assert.equal(mv.status, "no_zero_sequence_path");
    assert.equal(mv.ikss_ka, null);
    assert.equal(mv.ip_ka, null);
    assert.ok(mv.ice_ka > 0.005 && mv.ice_ka < 0.015);
    assert.ok(report.warnings.some((w) => w.code === "isolated_neutral" && w.element === "MV20"));
    assert.ok(report.branches.length > 0 && report.voltages.length > 0);
    assert.ok(report.branches.every((r) => ["LV1", "MV20"].includes(r.fault_bus)));
    assert.ok(report.branches.some((r) => r.phases_from && typeof r.phases_from.ia_ka === "number"));
  });

  test("validate names unsupplied buses and earth faults outside IEC 60909 (issue 13)", () => {
    const isolated = net.validate({ fault: "1ph" }).filter((i) => i.code === "isolated_neutral");
    assert.ok(isolated.some((i) => i.element === "MV20" && i.severity === "warning"));
    assert.equal(net.validate().filter((i) => i.code === "isolated_neutral").length, 0);
    const cut = Network.fromJson(JSON.stringify({
      buses: [{ id: "A", vn_kv: 20 }, { id: "B", vn_kv: 20 }],
      external_grids: [{ id: "Q", bus: "A", s_sc_max_mva: 300, rx_max: 0.1 }],
    }));
    const unsupplied = cut.validate().filter((i) => i.code === "unsupplied");
    assert.deepEqual(unsupplied.map((i) => [i.severity, i.element]), [["warning", "B"]]);
    const report = cut.shortCircuit({});
    assert.equal(report.buses.find((b) => b.id === "B").status, "unsupplied");
    assert.deepEqual(report.warnings.filter((w) => w.code === "unsupplied").map((w) => w.element), ["B"]);
    cut.free();
  });

  test("the line-to-line current is √3/2 of the three-phase one far from generators", () => {
    const radial = Network.fromJson(JSON.stringify({
      buses: [{ id: "Q", vn_kv: 20 }, { id: "F", vn_kv: 0.4 }],
      external_grids: [{ id: "G", bus: "Q", s_sc_max_mva: 300, rx_max: 0.1 }],
      transformers: [{ id: "T", hv_bus: "Q", lv_bus: "F", sn_mva: 0.63, vn_hv_kv: 20, vn_lv_kv: 0.41, vk_percent: 4, vkr_percent: 1, vector_group: "Dyn5" }],
    }));
    const three = radial.shortCircuit({ fault: "3ph" }).buses;
    const two = radial.shortCircuit({ fault: "2ph" }).buses;
    three.forEach((b, i) => assert.ok(Math.abs(two[i].ikss_ka / b.ikss_ka - Math.sqrt(3) / 2) < 1e-9));
  });

  test("every fault type and case gives the same report as native (reference cases)", () => {
    const kinds = new Set(referenceCases().map((c) => `${c.options.fault}/${c.options.case}`));
    for (const k of ["3ph/max", "3ph/min", "1ph/max", "1ph/min", "2ph/min", "2phe/max"]) {
      assert.ok([...kinds].some((x) => x === k || x.startsWith(k.split("/")[0])), `no reference case for ${k}`);
    }
  });

  const cli = process.env.AMPFLUX_CLI ?? path.join(ROOT, "target/release/ampflux");
  test("the same JSON as `ampflux sc --format json`", { skip: skipUnless(!existsSync(cli) && `the ampflux CLI at ${cli} (set AMPFLUX_CLI)`) }, () => {
    const runs = [
      [[], {}],
      [["--fault", "1ph", "--case", "min"], { fault: "1ph", case: "min" }],
      [["--fault", "2phe", "--branches"], { fault: "2phe", branch_results: true }],
      [["--fault", "2ph", "--set", "ip_method=b", "--set", "tk_s=0.3"], { fault: "2ph", ip_method: "b", tk_s: 0.3 }],
      // a selection of buses and faults along lines (bus rows that are not the network's buses)
      [["--fault", "1ph", "--bus", "LV2", "--bus", "MV20", "--at", "C1:0.5"],
        { fault: "1ph", buses: ["LV2", "MV20"], line_faults: [{ line: "C1", position: 0.5 }] }],
    ];
    for (const [args, options] of runs) {
      const out = execFileSync(cli, ["sc", EXAMPLE, "--format", "json", ...args], { encoding: "utf8", env: { ...process.env, RAYON_NUM_THREADS: "1" } });
      const report = net.shortCircuit(options);
      const stats = compareDeep(report, JSON.parse(out), 1e-12, args.join(" ") || "defaults");
      assert.deepEqual(stats.problems, []);
      // the bus rows are built in JS (js/rows.js): the CLI's text layout, key for key
      const keys = (text) => [...text.matchAll(/"([a-z0-9_]+)":/g)].map((m) => m[1]).join();
      assert.equal(keys(JSON.stringify(report)), keys(out), `the keys of the CLI's JSON, in order (${args.join(" ")})`);
    }
  });
});

describe("versions", () => {
  const base = Network.fromJson(exampleText);

  test("diff of equal networks is empty", () => {
    assert.deepEqual(Network.diff(base, Network.fromJson(exampleText)), { changes: [] });
    assert.equal(amp.summarizeChanges({ changes: [] }), "no changes");
  });

  test("diff names table, element and field; apply reproduces the other network", () => {
    const doc = JSON.parse(exampleText);
    doc.transformers[0].vk_percent = 13;
    doc.lines = doc.lines.filter((l) => l.id !== "C3");
    doc.buses = doc.buses.filter((b) => b.id !== "PV");
    doc.converters = [];
    doc.motors.push({ ...doc.motors[0], id: "M-new" });
    doc.name = "changed";
    const other = Network.fromJson(JSON.stringify(doc));
    const changes = Network.diff(base, other);
    assert.ok(changes.changes.some((c) => c.op === "changed" && c.table === "transformers" && c.id === "T1" && c.field === "vk_percent" && c.old === 12.5 && c.new === 13));
    assert.ok(changes.changes.some((c) => c.op === "removed" && c.table === "lines" && c.id === "C3"));
    assert.ok(changes.changes.some((c) => c.op === "added" && c.table === "motors" && c.id === "M-new"));
    assert.ok(changes.changes.some((c) => c.op === "document" && c.field === "name"));
    const applied = base.apply(changes);
    assert.equal(applied.digest(), other.digest());
    assert.equal(applied.toJson(), other.toJson());
    assert.equal(base.apply(JSON.stringify(changes)).digest(), other.digest(), "a change set as JSON text");
    assert.match(amp.summarizeChanges(changes), /T1: vk_percent 12\.5 -> 13/);
  });

  test("apply(a, diff(a, b)) == b across the reference networks", () => {
    const nets = referenceCases().map((c) => Network.fromJson(c.network));
    let pairs = 0;
    for (let i = 0; i < nets.length; i += 1) {
      const a = nets[i];
      const b = nets[(i + 7) % nets.length];
      assert.equal(a.apply(Network.diff(a, b)).digest(), b.digest());
      pairs += 1;
    }
    assert.equal(pairs, nets.length);
  });

  test("apply returns a new network and leaves this one unchanged", () => {
    const before = base.digest();
    const other = Network.fromJson(exampleText.replace('"vk_percent": 12.5', '"vk_percent": 12.0'));
    const applied = base.apply(Network.diff(base, other));
    assert.notEqual(applied.digest(), before);
    assert.equal(base.digest(), before);
  });
});
