// Messages between the page and the study worker.

/** The studies the worker runs: the engine's `shortCircuit`, `duty`, `arcFlash`, `tcc`, `selectivity`. */
export type StudyKind = "short_circuit" | "duty" | "arc_flash" | "tcc" | "selectivity";

/** `document`: the network's JSON text, or that text as UTF-8 bytes (transferred from the document worker). */
export type ToWorker = { kind: "study"; id: number; study: StudyKind; document: string | Uint8Array; options: Record<string, unknown> };

export type FromWorker =
  | { kind: "ready" }
  | { kind: "progress"; id: number; done: number; total: number }
  /** Rows of one of the report's tables (a top-level array: `buses`, `branches`, `voltages`,
   * `checks`, ...) in parts of RESULT_PART_ROWS, as JSON text: each part is a short task for
   * the page to take in, so that a report of 100k locations never blocks it for long. */
  | { kind: "result-part"; id: number; table: string; json: string }
  /** The rest of the report (the tables sent in parts left empty, named in `tables`), after every part. */
  | { kind: "result"; id: number; json: string; tables: string[]; ms: number }
  | { kind: "error"; id: number; error: { message: string; code?: string; issues?: unknown[] } };

/** Rows per part of a result table sent to the page. */
export const RESULT_PART_ROWS = 500;
