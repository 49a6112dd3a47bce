// A panic in the engine (a bug, never expected from input) reaches JS as an AmpFluxError with
// code `internal_error` and is logged with its message; it never traps. The instance then
// refuses every call with the same code (it stopped half-way through an operation) until the
// module is loaded again. Uses the `panic-probe` build (scripts/test.sh builds it into
// target/wasm-probe), which adds `__panicProbe(message)`.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { test } from "node:test";

import { EXAMPLE, readText, ROOT, skipUnless } from "../helpers.mjs";

const PROBE = process.env.AMPFLUX_PROBE_PKG ?? path.join(ROOT, "target/wasm-probe/ampflux-wasm/pkg");
const ENTRY = path.join(PROBE, "ampflux_wasm.js");
const skip = skipUnless(!existsSync(ENTRY) &&
  `the panic-probe build at ${PROBE} (AMPFLUX_WASM_FEATURES=panic-probe AMPFLUX_WASM_OUT=target/wasm-probe scripts/build.sh)`);
const require = createRequire(import.meta.url);

/** A freshly instantiated copy of the probe package (as a page reload gives). */
function freshModule() {
  delete require.cache[require.resolve(ENTRY)];
  return require(ENTRY);
}

function thrownBy(fn) {
  try {
    fn();
  } catch (err) {
    return err;
  }
  assert.fail("nothing was thrown");
}

function assertInternalError(err, pattern, what = "the call") {
  assert.ok(err instanceof Error, `${what} threw ${err}`);
  assert.ok(!(err instanceof WebAssembly.RuntimeError), `${what} trapped: ${err}`);
  assert.equal(err.name, "AmpFluxError", `${what}: ${err.message}`);
  assert.equal(err.code, "internal_error", what);
  assert.equal(err.issues[0].code, "internal_error", what);
  assert.match(err.message, pattern, what);
}

test("a panic becomes an AmpFluxError, and the stopped instance refuses every call", { skip }, () => {
  const amp = freshModule();
  const text = readText(EXAMPLE);
  const net = amp.Network.fromJson(text);
  const before = net.shortCircuit({ fault: "1ph" });

  const logged = [];
  const original = console.error;
  console.error = (...args) => logged.push(args.join(" "));
  let err;
  try {
    err = thrownBy(() => amp.__panicProbe("probe: index out of range"));
  } finally {
    console.error = original;
  }
  assertInternalError(err, /probe: index out of range/);
  assert.ok(logged.some((line) => line.includes("probe: index out of range")), "the panic message is logged");

  const calls = {
    "Network.fromJson": () => amp.Network.fromJson(text),
    "net.shortCircuit": () => net.shortCircuit(),
    "net.shortCircuitColumns": () => net.shortCircuitColumns(),
    "net.validate": () => net.validate(),
    "net.digest": () => net.digest(),
    "net.toJson": () => net.toJson(),
    "net.name": () => net.name,
    "Network.diff": () => amp.Network.diff(net, net),
    "net.apply": () => net.apply({ changes: [] }),
    version: () => amp.version(),
    defaultOptions: () => amp.defaultOptions(),
    summarizeChanges: () => amp.summarizeChanges({ changes: [] }),
    __panicProbe: () => amp.__panicProbe("again"),
  };
  for (const [name, call] of Object.entries(calls)) {
    assertInternalError(thrownBy(call), /stopped after an internal error/, name);
  }

  // loading the module again gives a working engine with the same results
  const again = freshModule();
  assert.deepEqual(again.Network.fromJson(text).shortCircuit({ fault: "1ph" }), before);
});
