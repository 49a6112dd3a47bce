// The all-bus three-phase sweep of the synthetic 1k- and 10k-bus meshed grids in node
// (the wasm package) against native Rust single-threaded (examples/native_sweep.rs: the same
// core build without the `parallel` feature). Both sides time the study plus writing the
// report as JSON (what shortCircuit hands to JS); blocks of runs alternate native/wasm, and
// the medians and their ratio are printed and written to target/artifacts/wasm-bench.json.
//
//   node ampflux-wasm/bench/sweep.mjs [--runs N=7] [--rounds R=3] [--sizes 1000,10000] [--pkg DIR]
//
// --pkg: another build of the node package (default ampflux-wasm/pkg), e.g. one built with
// AMPFLUX_WASM_OUT=/tmp/x AMPFLUX_WASM_RUSTFLAGS="-C target-feature=+simd128" (/tmp/x/ampflux-wasm/pkg).
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

import { ARTIFACTS, loadPackage, readText, ROOT, TESTDATA } from "../tests/helpers.mjs";

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    rounds: { type: "string", default: "3" },
    sizes: { type: "string", default: "1000,10000" },
    pkg: { type: "string" },
  },
});
const runs = Number(args.runs);
const rounds = Number(args.rounds);
const sizes = args.sizes.split(",").map(Number);

const targetDir = process.env.AMPFLUX_NATIVE_TARGET_DIR ?? path.join(ROOT, "target/wasm-native");
const native = path.join(targetDir, "release/examples/native_sweep");
console.error("building the native side (examples/native_sweep.rs, same release settings as the wasm build)…");
execFileSync("cargo", ["build", "--release", "--quiet", "-p", "ampflux-wasm", "--example", "native_sweep"], {
  cwd: ROOT,
  stdio: "inherit",
  env: {
    ...process.env,
    CARGO_TARGET_DIR: targetDir,
    CARGO_PROFILE_RELEASE_LTO: "fat",
    CARGO_PROFILE_RELEASE_CODEGEN_UNITS: "1",
    CARGO_PROFILE_RELEASE_DEBUG: "0",
  },
});

if (!sizes.every((n) => existsSync(path.join(TESTDATA, "synthetic", `meshed_${n}.json`)))) {
  console.error(`exporting the synthetic grids to ${TESTDATA}…`);
  execFileSync("cargo", ["run", "--release", "--quiet", "-p", "ampflux-testkit", "--bin", "ampflux-testkit", "--", "export", TESTDATA],
    { cwd: ROOT, stdio: "inherit" });
}

const { Network } = loadPackage(args.pkg);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const spread = (xs) => [Math.min(...xs), Math.max(...xs)];
const fmtSpread = (xs) => spread(xs).map((x) => x.toFixed(1)).join("-");

const results = [];
for (const n of sizes) {
  const file = path.join(TESTDATA, "synthetic", `meshed_${n}.json`);
  const text = readText(file);
  const nativeMs = [];
  const nativeParse = [];
  const wasmMs = [];
  const wasmParse = [];
  const nativeColumnsMs = [];
  const wasmColumnsMs = [];
  let t = performance.now();
  const net = Network.fromJson(text);
  const coldParse = performance.now() - t;
  t = performance.now();
  const buses = net.shortCircuit().buses.length;
  const cold = performance.now() - t;
  // let the engine's optimizing tier compile the hot code before timing
  const warmup = n <= 2000 ? 15 : 2;
  for (let i = 0; i < warmup; i += 1) {
    net.shortCircuit();
    net.shortCircuitColumns();
  }
  if (net.shortCircuitColumns().buses.ikss_ka.length !== buses) throw new Error("the columns have another length");
  for (let round = 0; round < rounds; round += 1) {
    const out = JSON.parse(execFileSync(native, [file, String(runs)], { encoding: "utf8", env: { ...process.env, RAYON_NUM_THREADS: "1" } }));
    if (out.buses !== buses) throw new Error(`native solved ${out.buses} locations, wasm ${buses}`);
    out.study_ms.forEach((ms, i) => nativeMs.push(ms + out.json_ms[i]));
    out.study_ms.forEach((ms, i) => nativeColumnsMs.push(ms + out.columns_ms[i]));
    nativeParse.push(...out.parse_ms);
    for (let i = 0; i < runs; i += 1) {
      t = performance.now();
      net.shortCircuit();
      wasmMs.push(performance.now() - t);
    }
    for (let i = 0; i < runs; i += 1) {
      t = performance.now();
      net.shortCircuitColumns();
      wasmColumnsMs.push(performance.now() - t);
    }
    for (let i = 0; i < runs; i += 1) {
      t = performance.now();
      const other = Network.fromJson(text);
      wasmParse.push(performance.now() - t);
      other.free();
    }
  }
  net.free();
  const row = {
    buses: n,
    runs: nativeMs.length,
    native_ms: median(nativeMs),
    wasm_ms: median(wasmMs),
    ratio: median(wasmMs) / median(nativeMs),
    native_parse_ms: median(nativeParse),
    wasm_parse_ms: median(wasmParse),
    wasm_first_call_ms: cold,
    wasm_first_parse_ms: coldParse,
    native_all_ms: nativeMs,
    wasm_all_ms: wasmMs,
    native_spread_ms: spread(nativeMs),
    wasm_spread_ms: spread(wasmMs),
    columns_native_ms: median(nativeColumnsMs),
    columns_wasm_ms: median(wasmColumnsMs),
    columns_ratio: median(wasmColumnsMs) / median(nativeColumnsMs),
    columns_native_spread_ms: spread(nativeColumnsMs),
    columns_wasm_spread_ms: spread(wasmColumnsMs),
    columns_native_all_ms: nativeColumnsMs,
    columns_wasm_all_ms: wasmColumnsMs,
  };
  results.push(row);
  console.log(`${String(n).padStart(6)} buses: native ${row.native_ms.toFixed(1)} ms, wasm ${row.wasm_ms.toFixed(1)} ms ` +
    `(medians of ${row.runs}), wasm/native = ${row.ratio.toFixed(2)}; reading the document: native ` +
    `${row.native_parse_ms.toFixed(1)} ms, wasm ${row.wasm_parse_ms.toFixed(1)} ms; first wasm call ${cold.toFixed(0)} ms`);
  console.log(`${String(n).padStart(6)} buses, columns: native ${row.columns_native_ms.toFixed(1)} ms, wasm ` +
    `${row.columns_wasm_ms.toFixed(1)} ms (medians of ${row.runs}), wasm/native = ${row.columns_ratio.toFixed(2)}; ` +
    `spreads (min-max, ms): objects native ${fmtSpread(nativeMs)}, wasm ${fmtSpread(wasmMs)}; ` +
    `columns native ${fmtSpread(nativeColumnsMs)}, wasm ${fmtSpread(wasmColumnsMs)}`);
}

mkdirSync(ARTIFACTS, { recursive: true });
const out = path.join(ARTIFACTS, "wasm-bench.json");
writeFileSync(out, JSON.stringify({
  what: "all-bus 3ph max sweep (study + report as JSON), node wasm vs native single-threaded; " +
    "columns_*: study + bus rows as columns (shortCircuitColumns vs Columns::buses)",
  node: process.version,
  cpus: os.cpus().length,
  loadavg: os.loadavg(),
  results,
}, null, 2) + "\n");
console.error(`written ${path.relative(ROOT, out)}`);
