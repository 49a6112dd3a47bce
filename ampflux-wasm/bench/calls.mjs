// The JS side of bench/instructions.sh: reads one network, then calls shortCircuit (objects)
// or shortCircuitColumns (columns) RUNS + 1 times, untimed; prints the bus count.
//
//   node ampflux-wasm/bench/calls.mjs NETWORK.json RUNS objects|columns [--pkg DIR]
import { loadPackage, readText } from "../tests/helpers.mjs";

const [file, runsText, api, pkgFlag, pkgDir] = process.argv.slice(2);
const runs = Number(runsText);
if (!file || !Number.isInteger(runs) || !["objects", "columns"].includes(api)) {
  console.error("usage: calls.mjs NETWORK.json RUNS objects|columns [--pkg DIR]");
  process.exit(2);
}
const { Network } = loadPackage(pkgFlag === "--pkg" ? pkgDir : undefined);
const net = Network.fromJson(readText(file));
let buses = 0;
for (let i = 0; i <= runs; i += 1) {
  buses = api === "objects" ? net.shortCircuit().buses.length : net.shortCircuitColumns().buses.id.length;
}
console.log(buses);
