// The study worker: loads the WebAssembly engine and runs short-circuit studies off the main
// thread, posting progress as the core reports it. Cancelling is terminating this worker.
/// <reference lib="webworker" />
import init, { Network } from "../../pkg/ampflux_wasm.js";
import { RESULT_PART_ROWS, RESULT_TABLES, type FromWorker, type ToWorker } from "./protocol";

const post = (m: FromWorker) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);
const ready = init().then(() => post({ kind: "ready" }));

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.kind !== "study") return;
  await ready;
  const started = performance.now();
  let net: Network | undefined;
  try {
    net = Network.fromJson(msg.document);
    const report = net.shortCircuit(msg.options, (done: number, total: number) => post({ kind: "progress", id: msg.id, done, total }));
    for (const table of RESULT_TABLES) {
      const rows = report[table] as unknown[];
      for (let i = 0; i < rows.length; i += RESULT_PART_ROWS) {
        post({ kind: "result-part", id: msg.id, table, json: JSON.stringify(rows.slice(i, i + RESULT_PART_ROWS)) });
      }
    }
    post({ kind: "result", id: msg.id, json: JSON.stringify({ ...report, buses: [], branches: [], voltages: [] }), ms: performance.now() - started });
  } catch (err) {
    const e = err as { message?: string; code?: string; issues?: unknown[] };
    post({ kind: "error", id: msg.id, error: { message: e?.message ?? String(err), code: e?.code, issues: e?.issues } });
  } finally {
    net?.free();
  }
};
