// Messages between the page and the study worker.
export type ToWorker = { kind: "study"; id: number; document: string; options: Record<string, unknown> };

export type FromWorker =
  | { kind: "ready" }
  | { kind: "progress"; id: number; done: number; total: number }
  /** The report as JSON text: one string crosses to the page as a copy of its bytes, and
   * `JSON.parse` there is several times faster than the structured clone of 100k objects. */
  | { kind: "result"; id: number; json: string; ms: number }
  | { kind: "error"; id: number; error: { message: string; code?: string; issues?: unknown[] } };
