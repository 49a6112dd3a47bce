// Runs studies in a Web Worker: one study at a time, progress as (done, total), cancel by
// terminating the worker (a new one is started for the next study; the browser keeps the
// compiled module in its cache, so that costs little).
import { type FromWorker, type StudyKind, type ToWorker } from "./protocol";

export class StudyCancelled extends Error {
  constructor() {
    super("the study was cancelled");
    this.name = "StudyCancelled";
  }
}

export class StudyError extends Error {
  code?: string;
  issues?: unknown[];
  constructor(e: { message: string; code?: string; issues?: unknown[] }) {
    super(e.message);
    this.name = "AmpFluxError";
    this.code = e.code;
    this.issues = e.issues;
  }
}

type Pending = { id: number; parts: Map<string, unknown[]>; resolve: (r: { report: unknown; ms: number }) => void; reject: (e: Error) => void; onProgress?: (done: number, total: number) => void };

export class StudyRunner {
  private worker: Worker | null = null;
  private next = 1;
  private pending: Pending | null = null;

  private spawn(): Worker {
    const w = new Worker(new URL("./study.worker.ts", import.meta.url), { type: "module", name: "ampflux-study" });
    w.onmessage = (event: MessageEvent<FromWorker>) => this.receive(event.data);
    w.onerror = (event) => {
      this.pending?.reject(new Error(`the study worker failed: ${event.message || "could not load the engine"}`));
      this.pending = null;
    };
    return w;
  }

  private receive(m: FromWorker) {
    if ((m.kind === "result-part" || m.kind === "result") && performance.getEntriesByName("ampflux:study-message").length === 0) performance.mark("ampflux:study-message");
    const p = this.pending;
    if (!p || m.kind === "ready" || m.id !== p.id) return;
    if (m.kind === "progress") p.onProgress?.(m.done, m.total);
    else if (m.kind === "result-part") {
      // parsed as it arrives (its own short task), appended to its table
      const rows = p.parts.get(m.table) ?? [];
      for (const r of JSON.parse(m.json) as unknown[]) rows.push(r);
      p.parts.set(m.table, rows);
    } else if (m.kind === "result") {
      this.pending = null;
      const report = JSON.parse(m.json) as Record<string, unknown>;
      for (const table of m.tables) report[table] = p.parts.get(table) ?? [];
      p.resolve({ report, ms: m.ms });
    } else {
      this.pending = null;
      p.reject(new StudyError(m.error));
    }
  }

  get busy(): boolean {
    return this.pending !== null;
  }

  /** Runs `study` (default: the short-circuit study) on `document`; resolves with the engine's report. */
  run<R = unknown>(document: string | Uint8Array, options: Record<string, unknown>, onProgress?: (done: number, total: number) => void, study: StudyKind = "short_circuit"): Promise<{ report: R; ms: number }> {
    if (this.pending) this.cancel();
    this.worker ??= this.spawn();
    const id = this.next++;
    return new Promise<{ report: R; ms: number }>((resolve, reject) => {
      this.pending = { id, parts: new Map(), resolve: resolve as Pending["resolve"], reject, onProgress };
      const msg: ToWorker = { kind: "study", id, study, document, options };
      // bytes are transferred (no copy on this thread); a text is copied
      this.worker!.postMessage(msg, typeof document === "string" ? [] : [document.buffer]);
    });
  }

  /** Stops the running study at once (its promise rejects with `StudyCancelled`). */
  cancel() {
    const p = this.pending;
    this.pending = null;
    this.worker?.terminate();
    this.worker = null;
    p?.reject(new StudyCancelled());
  }
}
