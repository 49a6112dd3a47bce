// The network document as the editor holds it: plain JSON in the format of
// docs/network-format.md, changed only through the pure functions below (each returns a new
// document, so that undo/redo keeps every state and React sees every change).
import { BRANCH_TABLES, TABLES, TABLE_BY_NAME, type FieldSpec, type TableName } from "./schema";

export type Element = { id: string; meta?: Record<string, unknown>; [key: string]: unknown };

export interface NetworkDoc {
  format: "ampflux-network";
  version: number;
  name?: string;
  frequency_hz: number;
  buses: Element[];
  external_grids?: Element[];
  lines?: Element[];
  transformers?: Element[];
  transformers3w?: Element[];
  generators?: Element[];
  motors?: Element[];
  converters?: Element[];
  impedances?: Element[];
  switches?: Element[];
  loads?: Element[];
  meta?: Record<string, unknown>;
  [key: string]: unknown;
}

export function emptyNetwork(name = "New network", frequencyHz = 50): NetworkDoc {
  return { format: "ampflux-network", version: 1, name, frequency_hz: frequencyHz, buses: [] };
}

export function rows(doc: NetworkDoc, table: TableName): Element[] {
  return (doc[table] as Element[] | undefined) ?? [];
}

/** Every id in the document (ids are unique across tables). */
export function allIds(doc: NetworkDoc): Set<string> {
  const ids = new Set<string>();
  for (const t of TABLES) for (const e of rows(doc, t.table)) ids.add(e.id);
  return ids;
}

/** A fresh id with the table's prefix: the smallest `PREFIXn` not used anywhere. */
export function nextId(doc: NetworkDoc, table: TableName): string {
  const ids = allIds(doc);
  const prefix = TABLE_BY_NAME[table].prefix;
  for (let i = 1; ; i++) if (!ids.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

/**
 * Buses a new element connects to, from the bus the user has selected: bus elements to that
 * bus; lines, cables and impedances in ohm to it and the next bus of the same voltage;
 * transformers from it to the next bus of a lower voltage (or the next bus).
 */
export function defaultBuses(doc: NetworkDoc, table: TableName, selected?: string): string[] {
  const buses = rows(doc, "buses");
  if (buses.length === 0) return [];
  const first = buses.find((b) => b.id === selected) ?? buses[0];
  const others = buses.filter((b) => b.id !== first.id);
  const need = TABLE_BY_NAME[table].busFields.length;
  if (need <= 1) return need ? [first.id] : [];
  const vn = Number(first.vn_kv);
  if (table === "lines" || table === "impedances") {
    const same = others.find((b) => Number(b.vn_kv) === vn) ?? others[0];
    return same ? [first.id, same.id] : [first.id];
  }
  const lower = [...others].filter((b) => Number(b.vn_kv) < vn).sort((a, b) => Number(b.vn_kv) - Number(a.vn_kv));
  const rest = [...lower, ...others.filter((b) => !lower.includes(b))];
  return [first.id, ...rest.slice(0, need - 1).map((b) => b.id)];
}

/** A new element of `table` with the schema's initial values; bus fields from `buses`. */
export function newElement(doc: NetworkDoc, table: TableName, buses: string[] = []): Element {
  const spec = TABLE_BY_NAME[table];
  const el: Element = { id: nextId(doc, table) };
  spec.busFields.forEach((field, i) => {
    if (buses[i] !== undefined) el[field] = buses[i];
  });
  for (const f of spec.fields) {
    if (f.initial === undefined || f.key in el || f.key === "in_service") continue;
    if (f.kinds && !f.kinds.includes(String(el.kind))) continue;
    el[f.key] = f.initial;
  }
  if (table === "switches" && el.bus !== undefined) {
    // a switch opens a branch end at its bus: the first branch at that bus, else a bus coupler
    const branch = connectedTo(doc, el.bus as string).find((c) => BRANCH_TABLES.includes(c.table));
    const other = rows(doc, "buses").find((b) => b.id !== el.bus);
    if (branch ?? other) el.element = (branch ?? other)!.id;
  }
  if (table === "protective_devices") {
    // at a breaker (or a fuse switch) without a device yet, else at any switch
    const taken = new Set(rows(doc, "protective_devices").map((d) => d.switch));
    const free = rows(doc, "switches").filter((s) => !taken.has(s.id));
    const at = free.find((s) => s.kind === "breaker") ?? free.find((s) => s.kind === "fuse") ?? free[0] ?? rows(doc, "switches")[0];
    if (at) {
      el.switch = at.id;
      if (at.kind === "fuse") { delete el.curve; delete el.pickup_a; delete el.tms; el.kind = "fuse"; el.curve = "generic_gG_100A"; }
    }
  }
  // a new bus element or transformer takes the voltage of its bus where the form asks for one
  const vn = (id: unknown) => rows(doc, "buses").find((b) => b.id === id)?.vn_kv;
  if (table !== "buses" && "vn_kv" in el && vn(el.bus) !== undefined) el.vn_kv = vn(el.bus);
  if (table === "transformers") {
    if (vn(el.hv_bus) !== undefined) el.vn_hv_kv = vn(el.hv_bus);
    if (vn(el.lv_bus) !== undefined) el.vn_lv_kv = vn(el.lv_bus);
  }
  return el;
}

function withTable(doc: NetworkDoc, table: TableName, list: Element[]): NetworkDoc {
  return { ...doc, [table]: list };
}

export function addElement(doc: NetworkDoc, table: TableName, el: Element): NetworkDoc {
  if (allIds(doc).has(el.id)) throw new Error(`the id ${el.id} is already used`);
  return withTable(doc, table, [...rows(doc, table), el]);
}

/** The value of a field; `a.b` names field `b` of the object in field `a` (e.g. `ratings.icw_ka`). */
export function getField(el: Element, key: string): unknown {
  let v: unknown = el;
  for (const part of key.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[part] : undefined;
  return v;
}

/** `obj` with `path` set to `value` (`undefined` removes it, and objects left empty go too). */
function setPath(obj: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const [head, ...rest] = path;
  const next = { ...obj };
  if (rest.length === 0) {
    if (value === undefined) delete next[head];
    else next[head] = value;
    return next;
  }
  const inner = setPath((obj[head] as Record<string, unknown> | undefined) ?? {}, rest, value);
  if (Object.keys(inner).length === 0) delete next[head];
  else next[head] = inner;
  return next;
}

/** Sets one field (`undefined` removes it: the format's default applies); dotted keys reach into objects. */
export function setField(doc: NetworkDoc, table: TableName, id: string, key: string, value: unknown): NetworkDoc {
  return withTable(doc, table, rows(doc, table).map((e) => (e.id === id ? (setPath(e, key.split("."), value) as Element) : e)));
}

/**
 * Sets the `kind` of an element whose fields depend on it (protective devices): the fields of
 * the former kind go (the core rejects them), the new kind's initial values come.
 */
export function setKind(doc: NetworkDoc, table: TableName, id: string, kind: string): NetworkDoc {
  let next = setField(doc, table, id, "kind", kind);
  for (const f of TABLE_BY_NAME[table].fields) {
    if (!f.kinds) continue;
    const el = rows(next, table).find((e) => e.id === id)!;
    const has = getField(el, f.key) !== undefined;
    // a field the new kind also has stays when its value is one the new kind takes
    const same = TABLE_BY_NAME[table].fields.find((g) => g.key === f.key && g.kinds?.includes(kind));
    const keeps = same && (!same.options || same.options.some((o) => o.value === String(getField(el, f.key))));
    if (!f.kinds.includes(kind) && has && !keeps) next = setField(next, table, id, f.key, undefined);
    else if (f.kinds.includes(kind) && !has && f.initial !== undefined) next = setField(next, table, id, f.key, f.initial);
  }
  return next;
}

/** Renames an element and every reference to it (bus fields, switch elements, unit transformers). */
export function renameElement(doc: NetworkDoc, table: TableName, id: string, newId: string): NetworkDoc {
  if (id === newId) return doc;
  if (!newId.trim()) throw new Error("an id cannot be empty");
  if (allIds(doc).has(newId)) throw new Error(`the id ${newId} is already used`);
  const next: NetworkDoc = { ...doc };
  for (const t of TABLES) {
    const list = rows(doc, t.table);
    if (list.length === 0) continue;
    next[t.table] = list.map((e) => {
      let out = e;
      const set = (k: string, v: unknown) => { if (out === e) out = { ...e }; out[k] = v; };
      if (t.table === table && e.id === id) set("id", newId);
      for (const f of [...t.busFields, "element", "unit_transformer", "switch"]) if (e[f] === id) set(f, newId);
      if (t.table === "scenarios") {
        const sw = e.switches as Record<string, boolean> | undefined;
        if (sw && id in sw) set("switches", Object.fromEntries(Object.entries(sw).map(([k, v]) => [k === id ? newId : k, v])));
        const oos = e.out_of_service as string[] | undefined;
        if (oos?.includes(id)) set("out_of_service", oos.map((x) => (x === id ? newId : x)));
      }
      return out;
    });
  }
  return next;
}

/** Elements that name `busId` in a bus field, or as a switch's element. */
export function connectedTo(doc: NetworkDoc, busId: string): { table: TableName; id: string }[] {
  const out: { table: TableName; id: string }[] = [];
  for (const t of TABLES) {
    for (const e of rows(doc, t.table)) {
      if (t.busFields.some((f) => e[f] === busId) || (t.table === "switches" && e.element === busId)) out.push({ table: t.table, id: e.id });
    }
  }
  return out;
}

/**
 * Deletes an element; deleting a bus deletes what is connected to it (the caller lists them
 * first), deleting a branch deletes its switches. References elsewhere (unit transformers)
 * are cleared.
 */
export function deleteElement(doc: NetworkDoc, table: TableName, id: string): NetworkDoc {
  let gone = new Set<string>([id]);
  if (table === "buses") for (const c of connectedTo(doc, id)) gone.add(c.id);
  if (table === "buses" || BRANCH_TABLES.includes(table)) {
    for (const s of rows(doc, "switches")) if (gone.has(s.element as string) || gone.has(s.bus as string)) gone = gone.add(s.id);
  }
  // a protective device goes with its switch
  for (const d of rows(doc, "protective_devices")) if (gone.has(d.switch as string)) gone.add(d.id);
  const next: NetworkDoc = { ...doc };
  for (const t of TABLES) {
    const list = rows(doc, t.table);
    if (list.length === 0) continue;
    next[t.table] = list.filter((e) => !gone.has(e.id)).map((e) => {
      if (typeof e.unit_transformer === "string" && gone.has(e.unit_transformer)) {
        const { unit_transformer: _, ...rest } = e;
        return rest as Element;
      }
      if (t.table === "scenarios") return withoutIds(e, gone);
      return e;
    });
  }
  return next;
}

/** A scenario without the ids in `gone` (deleted elements) in its switch states and out-of-service list. */
function withoutIds(sc: Element, gone: Set<string>): Element {
  const sw = sc.switches as Record<string, boolean> | undefined;
  const oos = sc.out_of_service as string[] | undefined;
  const swGone = sw && Object.keys(sw).some((k) => gone.has(k));
  const oosGone = oos?.some((x) => gone.has(x));
  if (!swGone && !oosGone) return sc;
  const next: Element = { ...sc };
  if (swGone) next.switches = Object.fromEntries(Object.entries(sw!).filter(([k]) => !gone.has(k)));
  if (oosGone) next.out_of_service = oos!.filter((x) => !gone.has(x));
  return next;
}

/** Where the user dragged a bus on the diagram, kept in the element's `meta.diagram`. */
export function setPosition(doc: NetworkDoc, busId: string, x: number, y: number): NetworkDoc {
  return withTable(doc, "buses", rows(doc, "buses").map((b) =>
    b.id === busId ? { ...b, meta: { ...(b.meta ?? {}), diagram: { x: Math.round(x), y: Math.round(y) } } } : b));
}

export function position(el: Element): { x: number; y: number } | null {
  const d = (el.meta as { diagram?: { x?: unknown; y?: unknown } } | undefined)?.diagram;
  return d && typeof d.x === "number" && typeof d.y === "number" ? { x: d.x, y: d.y } : null;
}

/** Drops positions the user dragged (the layout takes over again). */
export function clearPositions(doc: NetworkDoc): NetworkDoc {
  return withTable(doc, "buses", rows(doc, "buses").map((b) => {
    if (!position(b)) return b;
    const { diagram: _, ...meta } = b.meta as Record<string, unknown>;
    const next: Element = { ...b, meta };
    if (Object.keys(meta).length === 0) delete next.meta;
    return next;
  }));
}

/**
 * Compact JSON text of each table, by the table's array. The document's operations never
 * change an array in place (each returns new arrays for the tables it changes), so a table's
 * text stays valid as long as its array lives: after an edit only the changed table is
 * written again, which keeps the text of a 100k-bus document cheap to renew.
 */
const tableTexts = new WeakMap<unknown[], string | (() => string)>();

/** Compact JSON text of whole documents (documents are never changed in place either). */
const docTexts = new WeakMap<NetworkDoc, string>();

/** Records the compact JSON text of a table (e.g. as the document worker wrote it), or how to make it when it is needed. */
export function primeTableText(list: unknown[], text: string | (() => string)) {
  tableTexts.set(list, text);
}

/** The document's text for the engine and for downloads: empty tables left out. */
export function toJsonText(doc: NetworkDoc, pretty = false): string {
  if (pretty) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(doc)) {
      if (Array.isArray(v) && v.length === 0 && k !== "buses") continue;
      out[k] = v;
    }
    return JSON.stringify(out, null, 2);
  }
  const known = docTexts.get(doc);
  if (known !== undefined) return known;
  const parts: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) {
      if (v.length === 0 && k !== "buses") continue;
      let t = tableTexts.get(v);
      if (typeof t === "function") t = t();
      if (t === undefined) t = JSON.stringify(v);
      tableTexts.set(v, t);
      parts.push(`${JSON.stringify(k)}:${t}`);
    } else {
      parts.push(`${JSON.stringify(k)}:${JSON.stringify(v)}`);
    }
  }
  const text = `{${parts.join(",")}}`;
  docTexts.set(doc, text);
  return text;
}

/** Parses a form input into the document's value for `field` (`undefined`: absent). */
export function parseFieldValue(field: FieldSpec, text: string | boolean): unknown {
  if (field.kind === "bool") return text as boolean;
  const s = String(text).trim();
  if (s === "") return undefined;
  if (field.kind === "number" || field.kind === "integer" || field.numeric) {
    const v = Number(s.replace(",", "."));
    // text that is not a number is kept as text: the core then names the field and the type
    return Number.isFinite(v) ? v : s;
  }
  return s;
}

/**
 * Buses that nothing names: no branch, source, load or switch. A structural note of the editor
 * (the engine's study reports such buses as unsupplied); not a physical check.
 */
export function unconnectedBuses(doc: NetworkDoc): string[] {
  const named = new Set<string>();
  for (const t of TABLES) {
    for (const e of rows(doc, t.table)) {
      for (const f of t.busFields) if (typeof e[f] === "string") named.add(e[f] as string);
      if (t.table === "switches" && typeof e.element === "string") named.add(e.element);
    }
  }
  return rows(doc, "buses").map((b) => b.id).filter((id) => !named.has(id));
}
