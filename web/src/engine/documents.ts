// The page's side of the document worker (./doc.worker.ts): opening a file or text and
// checking the document as it changes, off the main thread. Replies come in parts (one short
// task each); a newer request of the same kind makes the older one's reply be dropped.
import type { Issue } from "../../pkg/ampflux_wasm.js";
import type { Layout } from "../diagram/layout";
import { primeTableText, type NetworkDoc } from "../model/doc";
import type { Checked, FromDoc, ToDoc } from "./docProtocol";

export interface Opened { doc: NetworkDoc; checked: Checked; layout?: Layout | "unchanged" }
export interface CheckReply { checked: Checked; layout?: Layout | "unchanged" }

/** The document could not be read; `issues` say why (from the engine's reader). */
export class OpenError extends Error {
  issues: Issue[];
  constructor(issues: Issue[]) {
    super(issues.map((i) => i.message).join("; "));
    this.name = "OpenError";
    this.issues = issues;
  }
}

/** Rows of a table as they arrive (each part parsed when it arrives), and the parts' texts. */
interface Table { rows: unknown[]; texts: string[] }

interface Request {
  id: number;
  kind: "open" | "check" | "text";
  tables: Map<string, Table>;
  doc?: NetworkDoc;
  checked?: Checked;
  resolve: (v: Opened & CheckReply & { bytes?: Uint8Array | null }) => void;
  reject: (e: Error) => void;
}

/** The compact text of a whole table from the texts of its parts (arrays joined). */
function joined(texts: string[]): string {
  return `[${texts.map((p) => p.slice(1, -1)).filter((p) => p.length > 0).join(",")}]`;
}

export class DocumentWorker {
  private worker: Worker | null = null;
  private next = 1;
  private requests = new Map<number, Request>();
  /** The document whose text the worker holds (the last opened, or the last sent to be checked), and that request's id. */
  private holds: { doc: NetworkDoc; of: number } | null = null;

  private get w(): Worker {
    if (!this.worker) {
      this.worker = new Worker(new URL("./doc.worker.ts", import.meta.url), { type: "module", name: "ampflux-document" });
      this.worker.onmessage = (event: MessageEvent<FromDoc>) => this.receive(event.data);
      this.worker.onerror = (event) => {
        for (const r of this.requests.values()) r.reject(new Error(`the document worker failed: ${event.message || "could not load the engine"}`));
        this.requests.clear();
        this.worker = null;
      };
    }
    return this.worker;
  }

  private request(kind: "open" | "check" | "text", msg: (id: number) => ToDoc): Promise<Opened & CheckReply & { bytes?: Uint8Array | null }> {
    const id = this.next++;
    // an older request of the same kind is superseded: its reply is no longer wanted
    for (const r of [...this.requests.values()]) if (r.kind === kind) { this.requests.delete(r.id); r.reject(new Superseded()); }
    return new Promise((resolve, reject) => {
      this.requests.set(id, { id, kind, tables: new Map(), resolve, reject });
      this.w.postMessage(msg(id));
    });
  }

  /** Starts the worker (it loads the engine), so that the first file opened does not wait for that. */
  warm() {
    void this.w;
  }

  /** Reads `source` (a file is read in the worker), checks it and lays out a large diagram. */
  async open(source: Blob | string): Promise<Opened> {
    let of = 0;
    const opened = await this.request("open", (id) => { of = id; return { kind: "open", id, source }; });
    this.holds = { doc: opened.doc, of };
    return opened;
  }

  /**
   * Checks a document's text; with `layout`, also its band layout (`unchanged` when the page
   * holds it already: `have` is the `key` of the layout the page holds).
   */
  check(doc: NetworkDoc, text: string, layout: boolean, have?: number): Promise<CheckReply> {
    return this.request("check", (id) => { this.holds = { doc, of: id }; return { kind: "check", id, text, layout, have }; });
  }

  /**
   * The text of `doc` as UTF-8 bytes made in the worker, when the worker holds `doc` (it was
   * opened or sent to be checked and not edited since), else `null` (make it on the page).
   * A 100k-bus document's text is tens of megabytes: made here it would be a long task of the
   * page and tens of megabytes more for its garbage collector; the bytes are transferred to the
   * page and on to the study worker without a copy.
   */
  async textOf(doc: NetworkDoc): Promise<Uint8Array | null> {
    const held = this.holds;
    if (held?.doc !== doc) return null;
    const id = this.next++;
    const reply = await new Promise<Opened & CheckReply & { bytes?: Uint8Array | null }>((resolve, reject) => {
      this.requests.set(id, { id, kind: "text", tables: new Map(), resolve, reject });
      this.w.postMessage({ kind: "text", id, of: held.of } satisfies ToDoc);
    });
    // the worker answers only for that request's document; null: make the text on the page
    return reply.bytes ?? null;
  }

  private table(r: Request, key: string): Table {
    let t = r.tables.get(key);
    if (!t) {
      t = { rows: [], texts: [] };
      r.tables.set(key, t);
    }
    return t;
  }

  private receive(m: FromDoc) {
    const r = this.requests.get(m.id);
    if (!r) return;
    switch (m.kind) {
      case "part": {
        // parsed now, in this message's own task: no single long task for a large document
        const t = this.table(r, `${m.what}:${m.table}`);
        for (const row of JSON.parse(m.json) as unknown[]) t.rows.push(row);
        if (m.what === "doc") t.texts.push(m.json);
        break;
      }
      case "opened": {
        const doc = JSON.parse(m.head) as NetworkDoc;
        for (const name of m.tables) {
          const t = this.table(r, `doc:${name}`);
          (doc as Record<string, unknown>)[name] = t.rows;
          const texts = t.texts;
          primeTableText(t.rows, () => joined(texts));
        }
        r.doc = doc;
        break;
      }
      case "checked":
        r.checked = m.checked;
        break;
      case "layout": {
        // the last message of every request
        if (m.head === null) {
          this.finish(r, m.unchanged ? "unchanged" : undefined);
          break;
        }
        const layout = JSON.parse(m.head) as Layout;
        layout.nodes = this.table(r, "nodes:nodes").rows as Layout["nodes"];
        layout.edges = this.table(r, "edges:edges").rows as Layout["edges"];
        this.finish(r, layout);
        break;
      }
      case "text":
        this.requests.delete(r.id);
        r.resolve({ bytes: m.bytes } as Opened & CheckReply & { bytes: Uint8Array | null });
        break;
      case "failed":
        this.requests.delete(r.id);
        r.reject(new OpenError(m.issues));
        break;
    }
  }

  private finish(r: Request, layout?: Layout | "unchanged") {
    this.requests.delete(r.id);
    r.resolve({ doc: r.doc!, checked: r.checked!, layout });
  }
}

/** A request replaced by a newer one of the same kind. */
export class Superseded extends Error {
  constructor() {
    super("superseded by a newer request");
    this.name = "Superseded";
  }
}
