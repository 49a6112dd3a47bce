// Arc flash and protection from JS: ieee1584 reproduces IEEE 1584-2018 Annex D (values from
// the repository's data file), Network.arcFlash gives the CLI's JSON (same numbers as the
// native CLI), labels, selectivity and TCC, AmpFluxError on bad input, and every declared
// field of the new types occurs in real results.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import { loadPackage, PKG, readJson, readText, ROOT, skipUnless } from "../helpers.mjs";

const amp = loadPackage();
const { Network, ieee1584, arcFlashLabelSvg } = amp;
const DATA = path.join(ROOT, "ampflux-core/tests/data");
const annexD = readJson(path.join(DATA, "ieee1584_annex_d.json"));
const feederText = readText(path.join(DATA, "radial_feeder.json"));
const CLI = process.env.AMPFLUX_CLI ?? path.join(ROOT, "target/release/ampflux");

function assertSame(actual, expected, where) {
  if (typeof expected === "number" && typeof actual === "number") {
    const scale = Math.max(Math.abs(expected), 1e-300);
    assert.ok(Math.abs(actual - expected) <= 1e-12 * scale, `${where}: ${actual} vs ${expected}`);
  } else if (expected !== null && typeof expected === "object") {
    assert.ok(actual !== null && typeof actual === "object", `${where}: ${actual}`);
    assert.deepEqual(Object.keys(actual).sort(), Object.keys(expected).sort(), where);
    for (const key of Object.keys(expected)) assertSame(actual[key], expected[key], `${where}.${key}`);
  } else {
    assert.equal(actual, expected, where);
  }
}

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  assert.fail("expected an AmpFluxError");
}

describe("ieee1584", () => {
  for (const c of annexD.cases) {
    test(`Annex ${c.id} to every printed digit`, () => {
      const r = ieee1584(c.params);
      const got = {
        "full.iarc_ka": r.iarc_ka, "reduced.iarc_ka": r.iarc_min_ka,
        "full.energy_j_per_cm2": r.energy_j_per_cm2, "reduced.energy_j_per_cm2": r.energy_min_j_per_cm2,
        "full.afb_mm": r.afb_mm, "reduced.afb_mm": r.afb_min_mm, cf: r.cf, var_cf: r.var_cf,
        "full.iarc_600_ka": r.currents[0].iarc_600_ka, "reduced.iarc_600_ka": r.currents[1].iarc_600_ka,
        ees_in: r.enclosure_correction.ees_in,
      };
      let checked = 0;
      for (const e of c.expected) {
        if (!(e.quantity in got)) continue;
        assert.equal(got[e.quantity].toFixed(e.decimals), e.value.toFixed(e.decimals), `${e.equation} ${e.quantity}`);
        checked += 1;
      }
      assert.ok(checked >= 9);
      assert.equal(r.incident_energy_j_per_cm2, Math.max(r.energy_j_per_cm2, r.energy_min_j_per_cm2));
    });
  }

  test("out of range and bad parameters throw AmpFluxError naming them", () => {
    const base = annexD.cases[0].params;
    let err = thrown(() => ieee1584({ ...base, voc_kv: 33 }));
    assert.equal(err.name, "AmpFluxError");
    assert.equal(err.code, "invalid_option");
    assert.match(err.message, /voc_kv/);
    err = thrown(() => ieee1584({ ...base, config: "XYZ" }));
    assert.equal(err.code, "invalid_option");
    err = thrown(() => ieee1584(undefined));
    assert.equal(err.code, "invalid_input");
  });
});

describe("Network.arcFlash", () => {
  const net = Network.fromJson(feederText);

  test("the report has the CLI's fields and numbers", { skip: skipUnless(!existsSync(CLI) && `${CLI} (cargo build --release -p ampflux-cli)`) }, () => {
    const report = net.arcFlash();
    const native = JSON.parse(execFileSync(CLI, ["arcflash", path.join(DATA, "radial_feeder.json"), "--format", "json"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }));
    // the same fields and values; numbers to 1e-12 relative, since the wasm build's libm and the
    // native build's glibc may round pow/exp/log10 differently in the last bit
    assertSame(report, native, "report");
  });

  test("options by name, governing device, max arc duration", () => {
    const report = net.arcFlash({ max_arc_duration_s: 1, short_circuit: { case: "max" } });
    const byId = Object.fromEntries(report.buses.map((b) => [b.id, b]));
    assert.equal(byId["LV-MAIN"].device, "TU-T1");
    assert.equal(byId.MV.device, null);
    assert.equal(byId.MV.clearing_time_ms, 1000);
    assert.ok(byId.MV.warnings.some((w) => w.code === "uninterrupted_contribution"));
    const one = net.arcFlash({ buses: ["LV-SUB"], energy_method: "step_wise" });
    assert.deepEqual(one.buses.map((b) => b.id), ["LV-SUB"]);
    assert.equal(one.buses[0].scenarios[0].steps.length, 1);
    const err = thrown(() => net.arcFlash({ max_arc_duration_s: -1 }));
    assert.equal(err.code, "invalid_option");
    assert.equal(thrown(() => net.arcFlash({ nope: 1 })).code, "invalid_option");
  });

  test("labels, selectivity and TCC", () => {
    const labels = net.arcFlashLabels(undefined, { date: "2024-05-01" });
    assert.deepEqual(Object.keys(labels).sort(), ["LV-MAIN", "LV-SUB", "MV"]);
    assert.match(labels["LV-MAIN"], /^<svg/);
    assert.match(labels["LV-MAIN"], /2024-05-01/);
    const row = net.arcFlash().buses.find((b) => b.id === "LV-MAIN");
    assert.equal(arcFlashLabelSvg(row, { date: "2024-05-01" }), labels["LV-MAIN"]);
    const sel = net.selectivity();
    assert.ok(sel.pairs.every((p) => p.pass));
    assert.ok(net.selectivity({ cti_s: 5 }).pairs.some((p) => !p.pass));
    const t = net.tcc({ devices: ["F-L1", "TU-T1", "R-T1"] });
    assert.deepEqual(t.curves.map((c) => c.device), ["F-L1", "TU-T1", "R-T1"]);
    assert.equal(t.reference_kv, 0.4);
    assert.match(net.tccSvg({ devices: ["F-L1"] }), /^<svg/);
    assert.equal(thrown(() => net.tcc({ devices: ["NOPE"] })).code, "invalid_option");
  });
});

/** Declared properties of `export interface NAME { ... }`: {name: optional?}. */
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

test("every declared field of the arc-flash and protection types occurs in real results", () => {
  const dts = readText(path.join(PKG, "ampflux_wasm.d.ts"));
  const net = Network.fromJson(feederText);
  const report = net.arcFlash();
  const one = ieee1584(annexD.cases[0].params);
  const low = ieee1584(annexD.cases[1].params);
  const sel = net.selectivity();
  const t = net.tcc({ devices: ["F-L1", "TU-T1", "R-T1"] });
  const scenarios = report.buses.flatMap((b) => b.scenarios);
  const shapes = {
    Ieee1584Result: [one, low],
    Equipment: [one.equipment, ...report.buses.map((b) => b.equipment)],
    Enclosure: [one.equipment.enclosure],
    EnclosureCorrection: [one.enclosure_correction, low.enclosure_correction],
    ArcingCurrent: [...one.currents, ...low.currents],
    ArcEnergy: [...one.energies, ...low.energies],
    ArcFlashReport: [report],
    ArcFlashOptions: [report.study],
    ArcFlashBus: report.buses,
    ArcFlashScenario: scenarios,
    DeviceOperation: scenarios.flatMap((s) => s.devices),
    ArcContribution: scenarios.flatMap((s) => s.contributions),
    ArcStep: scenarios.flatMap((s) => s.steps),
    SelectivityReport: [sel],
    SelectivityOptions: [sel.study],
    SelectivityPair: sel.pairs,
    TccReport: [t],
    TccCurve: t.curves,
    TccMark: t.marks,
    CurvePoint: t.curves.flatMap((c) => c.points),
  };
  for (const [name, objects] of Object.entries(shapes)) {
    const props = declared(dts, name);
    assert.ok(objects.length > 0, name);
    for (const obj of objects) {
      for (const key of Object.keys(obj)) assert.ok(props.has(key), `${name}.${key} is returned but not declared`);
      for (const [key, optional] of props) {
        if (!optional) assert.ok(key in obj, `${name}.${key} is declared required but missing`);
      }
    }
  }
});
