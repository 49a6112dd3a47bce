// Shared by the node and browser tests: where things are, the built package, the exported
// reference cases, and number comparison.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.resolve(here, "../..");
export const PKG = path.join(ROOT, "ampflux-wasm/pkg");
/** Written by `ampflux-testkit export` (scripts/test.sh does it). */
export const TESTDATA = process.env.AMPFLUX_TESTDATA ?? path.join(ROOT, "target/wasm-testdata");
/** Test artifacts (screenshots, benchmark results). */
export const ARTIFACTS = process.env.AMPFLUX_ARTIFACTS ?? path.join(ROOT, "target/artifacts");
export const EXAMPLE = path.join(ROOT, "examples/networks/industrial_plant.json");

const require = createRequire(import.meta.url);

/** The built node package (ampflux-wasm/pkg); a clear error when it is not built. */
export function loadPackage(dir = PKG) {
  const entry = path.join(dir, "ampflux_wasm.js");
  if (!existsSync(entry)) {
    throw new Error(`${entry} is missing: build the package first (make wasm)`);
  }
  return require(entry);
}

export const readJson = (file) => JSON.parse(readFileSync(file, "utf8"));
export const readText = (file) => readFileSync(file, "utf8");

/** The exported reference cases: [{name, dir, network (text), options, expected, report}]. */
export function referenceCases() {
  const dir = path.join(TESTDATA, "cases");
  if (!existsSync(dir)) {
    throw new Error(`${dir} is missing: export the test data first ` +
      "(cargo run --release -p ampflux-testkit --bin ampflux-testkit -- export target/wasm-testdata)");
  }
  return readdirSync(dir).sort().map((name) => ({
    name,
    dir: path.join(dir, name),
    network: readText(path.join(dir, name, "network.json")),
    options: readJson(path.join(dir, name, "options.json")),
    expected: readJson(path.join(dir, name, "expected.json")),
    report: readJson(path.join(dir, name, "report.json")),
  }));
}

/** Relative difference |a - b| / max(|a|, |b|) (0 when both are 0). */
export function relDiff(a, b) {
  if (Object.is(a, b)) return 0;
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale === 0 ? 0 : Math.abs(a - b) / scale;
}

/**
 * Compares `got` with `want` recursively: same keys, same strings and booleans, numbers
 * bitwise equal or within `tol` relative. Returns {numbers, bitwise, maxRel, problems}.
 */
export function compareDeep(got, want, tol = 1e-12, where = "", stats = { numbers: 0, bitwise: 0, maxRel: 0, problems: [] }) {
  if (typeof want === "number") {
    stats.numbers += 1;
    if (typeof got !== "number") {
      stats.problems.push(`${where}: got ${JSON.stringify(got)}, want ${want}`);
    } else if (Object.is(got, want)) {
      stats.bitwise += 1;
    } else {
      const rel = relDiff(got, want);
      stats.maxRel = Math.max(stats.maxRel, rel);
      if (!(rel <= tol)) stats.problems.push(`${where}: got ${got}, want ${want} (rel ${rel.toExponential(2)})`);
    }
  } else if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) {
      stats.problems.push(`${where}: got ${Array.isArray(got) ? got.length : typeof got} items, want ${want.length}`);
    } else {
      want.forEach((w, i) => compareDeep(got[i], w, tol, `${where}[${i}]`, stats));
    }
  } else if (want !== null && typeof want === "object") {
    if (got === null || typeof got !== "object") {
      stats.problems.push(`${where}: got ${JSON.stringify(got)}, want an object`);
    } else {
      const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
      for (const key of keys) {
        if (!(key in got)) stats.problems.push(`${where}.${key}: missing`);
        else if (!(key in want)) stats.problems.push(`${where}.${key}: unexpected`);
        else compareDeep(got[key], want[key], tol, `${where}.${key}`, stats);
      }
    }
  } else if (got !== want) {
    stats.problems.push(`${where}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
  }
  return stats;
}

/**
 * The reported value for one expected value of a reference case, as the Rust tests read it
 * (testkit `validation::observed`); undefined when the report lacks it.
 */
export function observed(report, e, studyCase) {
  const loc = e.location;
  if (loc.branch !== undefined) {
    const rows = report.branches.filter((r) => r.id === loc.branch && (loc.fault_bus == null || r.fault_bus === loc.fault_bus));
    const pick = (r) => {
      switch (e.quantity) {
        case "ikss_hv_ka": return r.ikss_from_ka;
        case "ikss_lv_ka": return r.ikss_to_ka;
        case "ip_ka": return r.ip_ka;
        case "ith_ka": return r.ith_ka;
        default: return Math.max(r.ikss_from_ka, r.ikss_to_ka);
      }
    };
    // one fault location: its value, zero included
    if (loc.fault_bus != null) return rows.length ? pick(rows[0]) : undefined;
    const values = rows.map(pick).filter((v) => v > 1e-9);
    if (values.length === 0) return undefined;
    // pandapower's convention over all fault locations: the largest current in the maximum
    // case, the smallest non-zero one in the minimum case
    return studyCase === "max" ? Math.max(...values) : Math.min(...values);
  }
  if (loc.fault_bus !== undefined) {
    const v = report.voltages.find((r) => r.bus === loc.bus && r.fault_bus === loc.fault_bus);
    return v && { v0_pu: v.v0_pu, v1_pu: v.v1_pu, v2_pu: v.v2_pu }[e.quantity];
  }
  const b = report.buses.find((r) => r.id === loc.bus);
  if (!b) return undefined;
  if (e.quantity === "ikss_phase_b_ka") return b.ikss_ka;
  // an earth fault outside IEC 60909: the current others report as I''k1 is AmpFlux's
  // capacitive earth-fault current or residual current
  if (e.quantity === "ikss_ka" && ["no_zero_sequence_path", "resonance_earthed"].includes(b.status)) {
    return b.ice_ka ?? b.ires_ka ?? undefined;
  }
  return ["ikss_ka", "ip_ka", "ib_ka", "ith_ka", "skss_mva", "rk_ohm", "xk_ohm", "rk0_ohm", "xk0_ohm", "ikss_earth_ka"]
    .includes(e.quantity) ? b[e.quantity] ?? undefined : undefined;
}

/** Whether `got` is within the tolerance the expected value states (testkit `accepts`). */
export function accepts(e, got) {
  const diff = Math.abs(got - e.value);
  if (e.tol_abs != null) return diff <= e.tol_abs;
  if (e.tol_rel != null) return diff <= e.tol_rel * Math.abs(e.value);
  return diff <= 1e-9 * Math.max(Math.abs(e.value), 1);
}

/** Asserts that `fn` throws an AmpFluxError with `code`; returns the error. */
export function expectAmpFluxError(assert, fn, code) {
  let thrown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  assert.ok(thrown, `expected an AmpFluxError with code ${code}, nothing was thrown`);
  assert.ok(thrown instanceof Error, `not an Error: ${thrown}`);
  assert.equal(thrown.name, "AmpFluxError", `${thrown.name}: ${thrown.message}`);
  if (code) assert.equal(thrown.code, code, thrown.message);
  assert.ok(Array.isArray(thrown.issues) && thrown.issues.length > 0, "issues is a non-empty array");
  for (const issue of thrown.issues) {
    assert.ok(["error", "warning"].includes(issue.severity));
    assert.equal(typeof issue.code, "string");
    assert.equal(typeof issue.message, "string");
  }
  return thrown;
}

/**
 * A `skip` option for node:test: false when nothing is missing, else the reason. Under
 * AMPFLUX_NO_SKIP=1 (scripts/test.sh) a missing prerequisite fails instead of skipping.
 */
export function skipUnless(missing) {
  if (!missing) return false;
  if (process.env.AMPFLUX_NO_SKIP === "1") throw new Error(`required for this test run: ${missing}`);
  return missing;
}
