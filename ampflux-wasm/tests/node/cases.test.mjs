// Every exported reference case through the built package: the same numbers as the native
// Rust report (bitwise, or within 1e-12 relative) and every expected value within the
// tolerance it states, as the Rust tests check them.
import assert from "node:assert/strict";
import { test } from "node:test";

import { accepts, compareDeep, loadPackage, observed, referenceCases } from "../helpers.mjs";

const { Network } = loadPackage();
const cases = referenceCases();

test("the reference cases are exported", () => {
  assert.ok(cases.length >= 40, `only ${cases.length} cases in the test data`);
});

/** Every object's keys, in order, depth first (arrays by element). */
function keyOrder(value, out = []) {
  if (Array.isArray(value)) value.forEach((v) => keyOrder(v, out));
  else if (value !== null && typeof value === "object") {
    out.push(Object.keys(value).join());
    for (const v of Object.values(value)) keyOrder(v, out);
  }
  return out;
}

const totals = { numbers: 0, bitwise: 0, maxRel: 0, expected: 0 };

for (const c of cases) {
  test(`reference case ${c.name}`, () => {
    const net = Network.fromJson(c.network);
    try {
      assert.equal(net.digest(), c.report.network_digest, "digest equals the native digest");
      const report = net.shortCircuit(c.options);
      const stats = compareDeep(report, c.report, 1e-12, "report");
      assert.deepEqual(stats.problems, [], "same report as native");
      // the bus rows are built in JS from columns (js/rows.js): the same keys in the same
      // order as the native JSON text, so that JSON.stringify writes the native layout
      assert.deepEqual(keyOrder(report), keyOrder(c.report), "the keys of the native report, in its order");
      totals.numbers += stats.numbers;
      totals.bitwise += stats.bitwise;
      totals.maxRel = Math.max(totals.maxRel, stats.maxRel);
      const off = [];
      for (const e of c.expected) {
        const got = observed(report, e, c.options.case);
        totals.expected += 1;
        if (got === undefined) off.push(`${JSON.stringify(e.location)} ${e.quantity}: not reported`);
        else if (!accepts(e, got)) off.push(`${JSON.stringify(e.location)} ${e.quantity}: got ${got}, want ${e.value}`);
      }
      assert.deepEqual(off, [], "expected values within tolerance");
    } finally {
      net.free();
    }
  });
}

test("summary", () => {
  console.log(`${cases.length} cases: ${totals.numbers} numbers compared with the native reports, ` +
    `${totals.bitwise} bitwise equal, max relative difference ${totals.maxRel.toExponential(2)}; ` +
    `${totals.expected} expected values within tolerance`);
  assert.ok(totals.numbers > 1000);
});
