// The study worker: loads the WebAssembly engine and runs studies (short circuit, duty, arc
// flash, TCC, selectivity) off the main thread, posting progress as the core reports it.
// Cancelling is terminating this worker.
/// <reference lib="webworker" />
import init, { Network } from "../../pkg/ampflux_wasm.js";
import type { ProtectionMethods } from "./protection";
import { RESULT_PART_ROWS, type FromWorker, type StudyKind, type ToWorker } from "./protocol";

const post = (m: FromWorker) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m);
const ready = init().then(() => post({ kind: "ready" }));

function run(net: Network, study: StudyKind, options: Record<string, unknown>, id: number): Record<string, unknown> {
  switch (study) {
    case "short_circuit":
      return net.shortCircuit(options, (done: number, total: number) => post({ kind: "progress", id, done, total })) as unknown as Record<string, unknown>;
    case "duty":
      return net.duty(options) as unknown as Record<string, unknown>;
    // the engine's protection methods where it has them (./protection.ts)
    case "arc_flash":
      return protection(net).arcFlash(options) as unknown as Record<string, unknown>;
    case "tcc":
      return protection(net).tcc(options) as unknown as Record<string, unknown>;
    case "selectivity":
      return protection(net).selectivity(options) as unknown as Record<string, unknown>;
  }
}

function protection(net: Network): ProtectionMethods {
  const p = net as unknown as Partial<ProtectionMethods>;
  if (typeof p.arcFlash !== "function" || typeof p.tcc !== "function" || typeof p.selectivity !== "function") throw Object.assign(new Error("this engine has no arc-flash study"), { code: "invalid_option" });
  return p as ProtectionMethods;
}

self.onmessage = async (event: MessageEvent<ToWorker>) => {
  const msg = event.data;
  if (msg.kind !== "study") return;
  await ready;
  const started = performance.now();
  let net: Network | undefined;
  try {
    net = Network.fromJson(typeof msg.document === "string" ? msg.document : new TextDecoder().decode(msg.document));
    const report = run(net, msg.study, msg.options, msg.id);
    // every table of the report crosses in parts; the rest after them
    const rest: Record<string, unknown> = { ...report };
    const tables: string[] = [];
    for (const [table, rows] of Object.entries(report)) {
      if (!Array.isArray(rows) || rows.length === 0) continue;
      tables.push(table);
      rest[table] = [];
      for (let i = 0; i < rows.length; i += RESULT_PART_ROWS) {
        post({ kind: "result-part", id: msg.id, table, json: JSON.stringify(rows.slice(i, i + RESULT_PART_ROWS)) });
      }
    }
    post({ kind: "result", id: msg.id, json: JSON.stringify(rest), tables, ms: performance.now() - started });
  } catch (err) {
    const e = err as { message?: string; code?: string; issues?: unknown[] };
    post({ kind: "error", id: msg.id, error: { message: e?.message ?? String(err), code: e?.code, issues: e?.issues } });
  } finally {
    net?.free();
  }
};
