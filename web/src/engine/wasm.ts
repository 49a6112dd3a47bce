// The WebAssembly engine on the main thread: reading, validating and diffing documents
// (fast, synchronous). Studies run in the worker (./study.worker.ts) so the page never blocks.
import init, { Network, defaultOptions, summarizeChanges, version } from "../../pkg/ampflux_wasm.js";
import type { ChangeSet, Issue } from "../../pkg/ampflux_wasm.js";

let ready: Promise<void> | null = null;

export function loadEngine(): Promise<void> {
  ready ??= init().then(() => undefined);
  return ready;
}

export { Network, defaultOptions, summarizeChanges, version };

/** What the engine says about a document: its issues, or why it could not be read. */
export interface Checked {
  issues: Issue[];
  /** The document could be read (format errors make it unreadable). */
  readable: boolean;
  digest?: string;
  busCount?: number;
}

/** An `AmpFluxError` from the engine, or any other error, as issues. */
export function errorIssues(err: unknown): Issue[] {
  const e = err as { issues?: Issue[]; message?: string; path?: string };
  if (Array.isArray(e?.issues) && e.issues.length) {
    return e.issues.map((i) => ({ ...i, path: (i as Issue & { path?: string }).path ?? e.path }));
  }
  return [{ severity: "error", code: "error", message: e?.message ?? String(err) } as Issue];
}

export function check(text: string): Checked {
  let net: Network;
  try {
    net = Network.fromJson(text);
  } catch (err) {
    return { issues: errorIssues(err), readable: false };
  }
  try {
    return { issues: net.validate(), readable: true, digest: net.digest(), busCount: net.busCount };
  } finally {
    net.free();
  }
}

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
