// A version diff drawn on the one-line diagram: the core's change set between two versions
// (`Network.diff`, served by `GET .../circuits/{a}/diff/{b}`) mapped onto the diagram of the
// newer version, with what the older one had and the newer one lost put back so that it can
// be drawn as removed. Presentation only: which elements changed is the core's answer.
import type { Change } from "../api/types";
import type { Element, NetworkDoc } from "./doc";
import { TABLE_BY_NAME, type TableName } from "./schema";

export type DiffOp = "added" | "removed" | "changed";

/** What changed at one thing of the diagram (a bus, or a branch by its element id). */
export interface DiffMark {
  op: DiffOp;
  /** One line per change, e.g. `length_km: 0.1 → 0.25`, `load LD1 added`. */
  notes: string[];
}

export interface DiagramDiff {
  /** The newer version with the elements only the older one had (drawn as removed). */
  doc: NetworkDoc;
  /** Marks by diagram id: bus ids for buses and the elements drawn on them, element ids for branches. */
  marks: Map<string, DiffMark>;
  /** Changes with no place on the diagram (document fields, scenarios, devices, order). */
  elsewhere: string[];
  counts: Record<DiffOp, number>;
}

/** Tables drawn as edges (by element id); the others with a `bus` field are drawn on their bus. */
const EDGE_TABLES = new Set(["lines", "transformers", "transformers3w", "impedances", "switches"]);

const show = (v: unknown) => (v === undefined || v === null ? "(absent)" : typeof v === "object" ? JSON.stringify(v) : String(v));

function noun(table: string): string {
  return TABLE_BY_NAME[table as TableName]?.noun ?? table;
}

/** Where an element of `table` is drawn: its own id (buses, branches), its bus (bus elements), or nowhere. */
function place(table: string, el: Element | undefined, id: string): string | null {
  if (table === "buses" || EDGE_TABLES.has(table)) return id;
  // a protective device is drawn with its switch
  if (typeof el?.switch === "string") return el.switch;
  const bus = el?.bus;
  return typeof bus === "string" ? bus : null;
}

/**
 * The diagram of a diff: `newer` is the later version's document, `changes` the core's change
 * set turning the earlier one into it.
 */
export function diagramDiff(newer: NetworkDoc, changes: Change[]): DiagramDiff {
  const doc: NetworkDoc = { ...newer };
  const marks = new Map<string, DiffMark>();
  const elsewhere: string[] = [];
  const counts: Record<DiffOp, number> = { added: 0, removed: 0, changed: 0 };
  const find = (table: string, id: string) => ((doc[table] as Element[] | undefined) ?? []).find((e) => e.id === id);
  /** `own`: the change is of the bus or branch itself (its op wins over "changed" from its elements). */
  const mark = (key: string, op: DiffOp, note: string, own: boolean) => {
    const m = marks.get(key);
    if (!m) marks.set(key, { op, notes: [note] });
    else {
      m.notes.push(note);
      if (own && op !== "changed") m.op = op;
    }
  };
  const element = (op: DiffOp, table: string, id: string, el: Element | undefined, note: string) => {
    const key = place(table, el, id);
    if (key === null) { elsewhere.push(`${noun(table)} ${id}: ${note}`); return; }
    counts[op]++;
    // a bus element's change is a change of its bus (unless the bus itself was added or removed)
    const own = key === id;
    mark(key, own ? op : "changed", own ? note : `${noun(table)} ${id} ${note}`, own);
  };
  const putBack = (table: string, el: Element) => {
    doc[table] = [...((doc[table] as Element[] | undefined) ?? []), el];
  };

  for (const c of changes) {
    const table = c.table ?? "";
    if (c.op === "added" && c.id) {
      element("added", table, c.id, (c.element as Element | undefined) ?? find(table, c.id), "added");
    } else if (c.op === "removed" && c.id) {
      const el = c.element as Element | undefined;
      if (el && !find(table, c.id)) putBack(table, el);
      element("removed", table, c.id, el, "removed");
    } else if (c.op === "changed" && c.id) {
      element("changed", table, c.id, find(table, c.id), `${c.field}: ${show(c.old)} → ${show(c.new)}`);
    } else if (c.op === "table_replaced") {
      // the core compares a table element by element unless its ids are not unique: then
      // each element of either side is an addition or a removal
      const before = (c.old as Element[] | undefined) ?? [];
      const after = (c.new as Element[] | undefined) ?? [];
      const json = new Set(after.map((e) => JSON.stringify(e)));
      const kept = new Set(before.map((e) => JSON.stringify(e)));
      for (const e of before) if (!json.has(JSON.stringify(e))) { putBack(table, e); element("removed", table, String(e.id), e, "removed"); }
      for (const e of after) if (!kept.has(JSON.stringify(e))) element("added", table, String(e.id), e, "added");
    } else if (c.op === "document") {
      elsewhere.push(`${c.field}: ${show(c.old)} → ${show(c.new)}`);
    } else if (c.op === "reordered") {
      elsewhere.push(`${noun(table)} order changed`);
    }
  }
  return { doc, marks, elsewhere, counts };
}
