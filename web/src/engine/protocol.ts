// Messages between the page and the study worker.
export type ToWorker = { kind: "study"; id: number; document: string; options: Record<string, unknown> };

export type FromWorker =
  | { kind: "ready" }
  | { kind: "progress"; id: number; done: number; total: number }
  /** Rows of the report's tables (`buses`, `branches`, `voltages`) in parts of RESULT_PART_ROWS,
   * as JSON text: each part is a short task for the page to take in, so that a report of
   * 100k locations never blocks it for long. */
  | { kind: "result-part"; id: number; table: ResultTable; json: string }
  /** The rest of the report (its tables empty), after every part. */
  | { kind: "result"; id: number; json: string; ms: number }
  | { kind: "error"; id: number; error: { message: string; code?: string; issues?: unknown[] } };

export type ResultTable = "buses" | "branches" | "voltages";
export const RESULT_TABLES: ResultTable[] = ["buses", "branches", "voltages"];
/** Rows per part of a result table sent to the page. */
export const RESULT_PART_ROWS = 500;
