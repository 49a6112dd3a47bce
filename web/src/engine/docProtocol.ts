// Messages between the page and the document worker (./doc.worker.ts), which reads, checks
// and (for large networks) lays out documents off the main thread.
import type { Issue } from "../../pkg/ampflux_wasm.js";

/** What the engine says about a document: its issues, or why it could not be read. */
export interface Checked {
  issues: Issue[];
  /** The document could be read (format errors make it unreadable). */
  readable: boolean;
  digest?: string;
  busCount?: number;
  /** Buses nothing names (a structural note of the editor, not a physical check). */
  unconnected?: string[];
}

export type ToDoc =
  /** Read a file or a text, check it, send it back in parts (and its layout when large). */
  | { kind: "open"; id: number; source: Blob | string }
  /** Check a document's text; lay it out when `layout` (large networks) unless the page has that layout (`have`: its key). */
  | { kind: "check"; id: number; text: string; layout: boolean; have?: number }
  /** The text of the document of request `of` (an open or a check), as UTF-8 bytes (transferred,
   * not copied), if that is still the document last opened or checked. */
  | { kind: "text"; id: number; of: number };

export type FromDoc =
  /** Rows of a document table or of a layout's nodes/edges, as JSON text of an array. */
  | { kind: "part"; id: number; what: "doc" | "nodes" | "edges"; table: string; json: string }
  /** After its parts: the document's other fields (JSON text). */
  | { kind: "opened"; id: number; head: string; tables: string[] }
  | { kind: "checked"; id: number; checked: Checked }
  /**
   * The last message of every request that did not fail: after its parts, the layout's other
   * fields (JSON text); `head: null` when there is no layout (small networks are laid out on
   * the page, or none was asked for), with `unchanged` when the structure and the dragged
   * positions are those of the last layout sent.
   */
  | { kind: "layout"; id: number; head: string | null; unchanged: boolean }
  | { kind: "failed"; id: number; issues: Issue[] }
  /** The reply to `text` (`null`: the worker holds another document's text, or none). */
  | { kind: "text"; id: number; bytes: Uint8Array | null };

/** Rows per part: each part is a short task for the page to parse. */
export const DOC_PART_ROWS = 1000;
