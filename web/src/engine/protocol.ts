// Messages between the page and the study worker.
import type { StudyReport } from "../../pkg/ampflux_wasm.js";

export type ToWorker = { kind: "study"; id: number; document: string; options: Record<string, unknown> };

export type FromWorker =
  | { kind: "ready" }
  | { kind: "progress"; id: number; done: number; total: number }
  | { kind: "result"; id: number; report: StudyReport; ms: number }
  | { kind: "error"; id: number; error: { message: string; code?: string; issues?: unknown[] } };
