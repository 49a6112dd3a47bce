// Equipment duty from JS: `net.duty(opts)` gives the native report (ampflux-testkit export)
// number for number, every verdict on the example, options by their format names, and
// AmpFluxError for bad options and ratings.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, test } from "node:test";

import { compareDeep, EXAMPLE, loadPackage, readJson, readText, skipUnless, TESTDATA } from "../helpers.mjs";

const { Network } = loadPackage();
const example = Network.fromJson(readText(EXAMPLE));
const DUTY = path.join(TESTDATA, "duty");

function thrown(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail("expected an AmpFluxError");
}

describe("duty", () => {
  for (const variant of ["default", "through_all"]) {
    test(`equals the native report (${variant})`, { skip: skipUnless(!existsSync(DUTY) && "the exported duty reports") }, () => {
      const net = Network.fromJson(readText(path.join(DUTY, "network.json")));
      const options = readJson(path.join(DUTY, `${variant}.options.json`));
      const native = readJson(path.join(DUTY, `${variant}.report.json`));
      const stats = compareDeep(net.duty(options), native, 1e-12);
      assert.deepEqual(stats.problems, []);
      assert.ok(stats.numbers > 100);
    });
  }

  test("the example shows every verdict; fields of `ampflux duty --format json`", () => {
    const report = example.duty();
    assert.deepEqual(Object.keys(report), ["study", "network_digest", "checks", "summary", "cases", "warnings"]);
    assert.deepEqual(Object.keys(report.checks[0]), ["element", "table", "check", "duty", "rating", "unit",
      "utilization_percent", "verdict", "fault", "location", "scenario", "note"]);
    for (const verdict of ["pass", "marginal", "fail", "unrated"]) {
      assert.equal(report.checks.filter((c) => c.verdict === verdict).length, report.summary[verdict], verdict);
      assert.ok(report.summary[verdict] > 0, verdict);
    }
    const breaker = report.checks.find((c) => c.element === "Q-LV2" && c.check === "breaking");
    assert.equal(breaker.verdict, "fail");
    assert.equal(report.network_digest, example.digest());
    // worst first, as the page shows them
    const worst = [...report.checks].sort((a, b) => (b.utilization_percent ?? -1) - (a.utilization_percent ?? -1))[0];
    assert.equal(worst.element, "C2");
  });

  test("options by their format names; a single scenario or fault type as a string", () => {
    const base = example.duty({});
    assert.deepEqual(example.duty(null), base);
    const tie = example.duty({ scenarios: "tie-closed", faults: "1ph", tk_s: 0.5 });
    assert.deepEqual(tie.study.scenarios, ["tie-closed"]);
    assert.deepEqual(tie.study.faults, ["1ph"]);
    assert.equal(tie.study.tk_s, 0.5);
    assert.ok(tie.cases.every((c) => c.scenario === "tie-closed" && c.fault === "1ph"));
    const through = example.duty({ duty_basis: "through" });
    const duty = (r) => r.checks.find((c) => c.element === "Q-LV2" && c.check === "breaking").duty;
    assert.ok(duty(through) <= duty(base));
  });

  test("bad options and bad ratings throw AmpFluxError", () => {
    let err = thrown(() => example.duty({ case: "min" }));
    assert.equal(err.name, "AmpFluxError");
    assert.equal(err.code, "invalid_option");
    assert.equal(err.option, "case");
    err = thrown(() => example.duty({ scenarios: ["nope"] }));
    assert.equal(err.code, "invalid_option");
    err = thrown(() => example.duty(42));
    assert.equal(err.code, "invalid_input");
    const doc = JSON.parse(readText(EXAMPLE));
    doc.buses[0].ratings = { icw_ka: 31.5 };
    err = thrown(() => Network.fromJson(JSON.stringify(doc)).duty());
    assert.equal(err.code, "validation_error");
    assert.ok(err.issues.some((i) => i.element === "GRID110" && i.field === "ratings.icw_duration_s"), JSON.stringify(err.issues));
  });
});
