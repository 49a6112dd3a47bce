// The WebAssembly engine on the main thread, for small synchronous work (diffs of versions,
// the engine's version and defaults). Reading and checking the documents the user opens or
// edits runs in the document worker (./doc.worker.ts), studies in the study worker
// (./study.worker.ts): the page never blocks on a large network.
import init, { Network, defaultOptions, summarizeChanges, version } from "../../pkg/ampflux_wasm.js";
import type { ChangeSet } from "../../pkg/ampflux_wasm.js";

let ready: Promise<void> | null = null;

export function loadEngine(): Promise<void> {
  ready ??= init().then(() => undefined);
  return ready;
}

export { Network, defaultOptions, summarizeChanges, version };

export type { Checked } from "./docProtocol";
export { errorIssues } from "./issues";

/** The core's change set turning document `a` into `b`. */
export function diff(a: string, b: string): ChangeSet {
  const na = Network.fromJson(a);
  const nb = Network.fromJson(b);
  try {
    return Network.diff(na, nb);
  } finally {
    na.free();
    nb.free();
  }
}
