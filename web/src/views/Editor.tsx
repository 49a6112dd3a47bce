// The network editor: elements by table, a form per element with units, defaults and the
// core's issues attached to the field they name, the standard-type library for lines and
// transformers, adding, deleting, renaming and connecting elements.
import { useMemo, useState } from "react";
import type { Issue } from "../../pkg/ampflux_wasm.js";
import library from "../data/library.json";
import { addElement, connectedTo, defaultBuses, deleteElement, getField, newElement, parseFieldValue, renameElement, rows, setField, setKind, type Element, type NetworkDoc } from "../model/doc";
import { TABLES, TABLE_BY_NAME, type FieldSpec, type TableName } from "../model/schema";

export interface Selection { table: TableName; id: string }

export interface EditorProps {
  doc: NetworkDoc;
  issues: Issue[];
  selection: Selection | null;
  onSelect: (s: Selection | null) => void;
  onChange: (doc: NetworkDoc, what: string) => void;
  /** The engine reads protective devices and the arc-flash data of buses (issue 15). */
  protection?: boolean;
}

type LibraryEntry = { name: string; source: string; values: Record<string, number | string> };
const LIB = library as { sources: Record<string, string>; lines: LibraryEntry[]; transformers: LibraryEntry[] };

/** Issues of the format reader name a JSON path (`lines[2].length_km`): read table, index and field from it. */
export function issueTarget(doc: NetworkDoc, issue: Issue & { path?: string }): { table?: string; element?: string; field?: string } {
  if (issue.element || !issue.path) return issue;
  const m = /^\$?\.?([a-z0-9_]+)\[(\d+)\](?:\.([a-z0-9_]+))?/.exec(issue.path);
  if (!m) return issue;
  const el = rows(doc, m[1] as TableName)[Number(m[2])];
  return { table: m[1], element: el?.id, field: m[3] };
}

export function Editor({ doc, issues, selection, onSelect, onChange, protection = true }: EditorProps) {
  const [filter, setFilter] = useState("");
  const byElement = useMemo(() => {
    const m = new Map<string, Issue[]>();
    for (const i of issues) {
      const t = issueTarget(doc, i);
      if (!t.element) continue;
      const key = `${t.table ?? ""}/${t.element}`;
      m.set(key, [...(m.get(key) ?? []), { ...i, ...t } as Issue]);
    }
    return m;
  }, [issues, doc]);
  const selected = selection ? rows(doc, selection.table).find((e) => e.id === selection.id) : undefined;

  const add = (table: TableName) => {
    const spec = TABLE_BY_NAME[table];
    const el = newElement(doc, table, defaultBuses(doc, table, selection?.table === "buses" ? selection.id : undefined));
    onChange(addElement(doc, table, el), `add ${spec.noun} ${el.id}`);
    onSelect({ table, id: el.id });
  };

  const q = filter.trim().toLowerCase();
  return (
    <div className="editor">
      <div className="element-list">
        <input type="search" placeholder="Filter elements" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter elements" />
        {TABLES.filter((t) => protection || t.table !== "protective_devices").map((t) => {
          // no copy of a 100k-row table on every render when nothing is filtered
          const all = rows(doc, t.table);
          const list = q ? all.filter((e) => e.id.toLowerCase().includes(q) || String(e.name ?? "").toLowerCase().includes(q)) : all;
          const needsBus = (t.busFields.length > 0 && rows(doc, "buses").length === 0) || (t.table === "protective_devices" && rows(doc, "switches").length === 0);
          return (
            <details key={t.table} open={t.table === "buses" || list.length > 0 && list.length < 30} data-table={t.table}>
              <summary>{t.title} <span className="count">{rows(doc, t.table).length}</span></summary>
              <button type="button" className="add" onClick={() => add(t.table)} disabled={needsBus} title={needsBus ? (t.table === "protective_devices" ? "Add a breaker or fuse switch first" : "Add a bus first") : undefined}>+ Add {t.noun}</button>
              <ul>
                {list.slice(0, 300).map((e) => {
                  const errs = byElement.get(`${t.table}/${e.id}`) ?? [];
                  const sev = errs.some((i) => i.severity === "error") ? "error" : errs.length ? "warning" : "";
                  return (
                    <li key={e.id}>
                      <button type="button" className={`element ${sev} ${selection?.id === e.id ? "current" : ""}`} data-element={e.id} onClick={() => onSelect({ table: t.table, id: e.id })}>
                        {e.id}{e.name ? <span className="hint"> {String(e.name)}</span> : null}{sev && <span className={`dot ${sev}`} aria-label={sev} />}
                      </button>
                    </li>
                  );
                })}
                {list.length > 300 && <li className="hint">… {list.length - 300} more: filter to find one</li>}
              </ul>
            </details>
          );
        })}
      </div>
      <div className="element-form">
        {selected && selection ? (
          <ElementForm key={`${selection.table}/${selection.id}`} protection={protection} doc={doc} table={selection.table} el={selected}
            issues={byElement.get(`${selection.table}/${selection.id}`) ?? []} onChange={onChange} onSelect={onSelect} />
        ) : (
          <p className="hint">Choose an element on the left, or a bus on the diagram, to edit it; or add one. Documents are checked by the engine as you type.</p>
        )}
      </div>
    </div>
  );
}

function ElementForm({ doc, table, el, issues, onChange, onSelect, protection }: { doc: NetworkDoc; table: TableName; el: Element; issues: Issue[]; onChange: EditorProps["onChange"]; onSelect: EditorProps["onSelect"]; protection: boolean }) {
  const spec = TABLE_BY_NAME[table];
  const [idText, setIdText] = useState(el.id);
  const [idError, setIdError] = useState<string | null>(null);
  const [advanced, setAdvanced] = useState(false);
  const busIds = rows(doc, "buses").map((b) => b.id);
  // an issue about an object field (`conductor`) shows at each of its fields (`conductor.material`, ...)
  const fieldIssues = (key: string) => issues.filter((i) => i.field === key || (i.field !== undefined && key.startsWith(`${i.field}.`)));
  const general = issues.filter((i) => !i.field || !spec.fields.some((f) => f.key === i.field || f.key.startsWith(`${i.field}.`)));
  const set = (f: FieldSpec, value: unknown) => onChange(
    f.key === "kind" && spec.fields.some((g) => g.kinds) ? setKind(doc, table, el.id, String(value)) : setField(doc, table, el.id, f.key, value),
    `set ${el.id}.${f.key}`);

  const rename = () => {
    try {
      const next = renameElement(doc, table, el.id, idText.trim());
      setIdError(null);
      if (next !== doc) {
        onChange(next, `rename ${el.id} to ${idText.trim()}`);
        onSelect({ table, id: idText.trim() });
      }
    } catch (err) {
      setIdError((err as Error).message);
    }
  };
  const remove = () => {
    const also = table === "buses" ? connectedTo(doc, el.id).map((c) => c.id) : [];
    const msg = also.length ? `Delete bus ${el.id} and what is connected to it (${also.join(", ")})?` : `Delete ${spec.noun} ${el.id}?`;
    if (!window.confirm(msg)) return;
    onChange(deleteElement(doc, table, el.id), `delete ${el.id}`);
    onSelect(null);
  };
  const lib = table === "lines" ? LIB.lines : table === "transformers" ? LIB.transformers : null;
  const applyType = (name: string) => {
    const entry = lib?.find((e) => e.name === name);
    if (!entry) return;
    let next = doc;
    for (const [k, v] of Object.entries(entry.values)) next = setField(next, table, el.id, k, v);
    next = setField(next, table, el.id, "meta", { ...(el.meta ?? {}), std_type: entry.name });
    onChange(next, `apply standard type ${entry.name} to ${el.id}`);
  };
  const fields = spec.fields.filter((f) => (protection || !f.key.startsWith("arc_flash.")) && (!f.kinds || f.kinds.includes(String(el.kind ?? ""))) && (advanced || !f.advanced || getField(el, f.key) !== undefined || fieldIssues(f.key).length));
  return (
    <form className="form" onSubmit={(e) => e.preventDefault()} aria-label={`${spec.noun} ${el.id}`} data-form={el.id}>
      <h3>{spec.noun[0].toUpperCase() + spec.noun.slice(1)} {el.id}</h3>
      <label className="field">
        <span>Id</span>
        <input value={idText} onChange={(e) => setIdText(e.target.value)} onBlur={rename} onKeyDown={(e) => e.key === "Enter" && rename()} name="id" aria-invalid={idError ? true : undefined} />
        {idError && <span className="field-error" role="alert">{idError}</span>}
      </label>
      {lib && (
        <label className="field">
          <span>Standard type</span>
          <select value={String((el.meta as { std_type?: string } | undefined)?.std_type ?? "")} onChange={(e) => applyType(e.target.value)} name="std_type">
            <option value="">(own data)</option>
            {lib.map((e) => <option key={e.name} value={e.name}>{e.name}</option>)}
          </select>
          {(() => {
            const entry = lib.find((e) => e.name === (el.meta as { std_type?: string } | undefined)?.std_type);
            return entry ? <span className="hint cite">Source: {LIB.sources[entry.source]}</span> : null;
          })()}
        </label>
      )}
      {fields.map((f) => <Field key={`${f.key}:${f.kinds?.join() ?? ""}:${JSON.stringify(getField(el, f.key) ?? null)}`} f={f} value={getField(el, f.key)} busIds={busIds} doc={doc} issues={fieldIssues(f.key)} onSet={(v) => set(f, v)} />)}
      {general.length > 0 && (
        <ul className="element-issues">{general.map((i, k) => <li key={k} className={i.severity}>{i.message}</li>)}</ul>
      )}
      <div className="form-actions">
        <button type="button" onClick={() => setAdvanced(!advanced)}>{advanced ? "Fewer fields" : "More fields"}</button>
        <button type="button" className="danger" onClick={remove}>Delete</button>
      </div>
    </form>
  );
}

function Field({ f, value, busIds, doc, issues, onSet }: { f: FieldSpec; value: unknown; busIds: string[]; doc: NetworkDoc; issues: Issue[]; onSet: (v: unknown) => void }) {
  const id = `field-${f.key}`;
  const errorId = `${id}-error`;
  const invalid = issues.length > 0;
  const [text, setText] = useState(value === undefined || value === null ? "" : String(value));
  const commit = (t: string) => {
    const v = parseFieldValue(f, t);
    if (v !== value) onSet(v);
  };
  let input: React.ReactNode;
  const common = { id, name: f.key, "aria-invalid": invalid || undefined, "aria-describedby": invalid ? errorId : undefined };
  if (f.kind === "bool") {
    input = <input type="checkbox" {...common} checked={value === undefined ? f.initial === true : Boolean(value)} onChange={(e) => onSet(e.target.checked)} />;
  } else if (f.kind === "bus") {
    input = (
      <select {...common} value={String(value ?? "")} onChange={(e) => onSet(e.target.value || undefined)}>
        <option value="">(choose a bus)</option>
        {busIds.map((b) => <option key={b} value={b}>{b}</option>)}
        {typeof value === "string" && !busIds.includes(value) && <option value={value}>{value} (missing)</option>}
      </select>
    );
  } else if (f.kind === "select") {
    input = (
      <select {...common} value={value === undefined ? "" : String(value)} onChange={(e) => onSet(parseFieldValue(f, e.target.value))}>
        {!f.options?.some((o) => o.value === "") && value === undefined && <option value="">(default)</option>}
        {f.options?.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    );
  } else if (f.kind === "switch_states") {
    input = <SwitchStates id={id} doc={doc} value={(value as Record<string, boolean> | undefined) ?? {}} onSet={onSet} invalid={invalid} />;
  } else if (f.kind === "id_list") {
    input = <IdList id={id} doc={doc} value={(value as string[] | undefined) ?? []} onSet={onSet} invalid={invalid} />;
  } else if (f.kind === "element") {
    const ids = TABLES.flatMap((t) => rows(doc, t.table).map((e) => e.id));
    input = <input {...common} list={`${id}-list`} value={text} onChange={(e) => setText(e.target.value)} onBlur={() => commit(text)} />;
    input = <>{input}<datalist id={`${id}-list`}>{ids.slice(0, 500).map((x) => <option key={x} value={x} />)}</datalist></>;
  } else {
    input = (
      <input {...common} type="text" inputMode={f.kind === "text" ? "text" : "decimal"} value={text} placeholder={f.required ? "required" : "default"}
        onChange={(e) => setText(e.target.value)} onBlur={() => commit(text)} onKeyDown={(e) => e.key === "Enter" && commit(text)} />
    );
  }
  return (
    <div className={`field ${invalid ? "invalid" : ""}`} data-field={f.key}>
      <label htmlFor={id}>{f.label}{f.unit ? <span className="unit"> ({f.unit})</span> : null}{f.required ? " *" : ""}</label>
      {input}
      {f.help && <span className="hint">{f.help}</span>}
      {issues.map((i, k) => <span key={k} id={k === 0 ? errorId : undefined} className={`field-error ${i.severity}`} role="alert">{i.message}</span>)}
    </div>
  );
}

/** Switch states of a scenario: each switch as drawn, closed or open (absent keys: as drawn). */
function SwitchStates({ id, doc, value, onSet, invalid }: { id: string; doc: NetworkDoc; value: Record<string, boolean>; onSet: (v: unknown) => void; invalid: boolean }) {
  const [filter, setFilter] = useState("");
  const switches = rows(doc, "switches");
  const q = filter.trim().toLowerCase();
  // listed: the switches the scenario sets (even unknown ids, which the core reports), then the others
  const listed = [...Object.keys(value), ...switches.map((s) => s.id).filter((s) => !(s in value))].filter((s) => !q || s.toLowerCase().includes(q));
  const set = (sw: string, state: string) => {
    const next = { ...value };
    if (state === "") delete next[sw];
    else next[sw] = state === "closed";
    onSet(Object.keys(next).length ? next : undefined);
  };
  if (switches.length === 0 && Object.keys(value).length === 0) return <p className="hint" id={id}>No switches in the network.</p>;
  return (
    <div className="switch-states" id={id} role="group" aria-invalid={invalid || undefined}>
      {switches.length > 12 && <input type="search" placeholder="Filter switches" value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Filter switches" />}
      <table className="compact">
        <tbody>
          {listed.slice(0, 200).map((sw) => {
            const drawn = switches.find((s) => s.id === sw);
            const asDrawn = drawn ? (drawn.closed === false ? "open" : "closed") : "not in the network";
            return (
              <tr key={sw} data-switch={sw}>
                <th scope="row">{sw}</th>
                <td>
                  <select aria-label={`State of ${sw}`} name={`switches.${sw}`} value={sw in value ? (value[sw] ? "closed" : "open") : ""} onChange={(e) => set(sw, e.target.value)}>
                    <option value="">as drawn ({asDrawn})</option>
                    <option value="closed">closed</option>
                    <option value="open">open</option>
                  </select>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {listed.length > 200 && <p className="hint">… {listed.length - 200} more: filter to find one</p>}
    </div>
  );
}

/** Ids of elements of any table (a scenario's out-of-service list): chips, and a field to add one. */
function IdList({ id, doc, value, onSet, invalid }: { id: string; doc: NetworkDoc; value: string[]; onSet: (v: unknown) => void; invalid: boolean }) {
  const [text, setText] = useState("");
  const ids = TABLES.filter((t) => t.table !== "scenarios").flatMap((t) => rows(doc, t.table).map((e) => e.id));
  const add = () => {
    const x = text.trim();
    if (!x || value.includes(x)) return;
    onSet([...value, x]);
    setText("");
  };
  return (
    <div className="id-list">
      <ul className="chips" aria-label="Out of service">
        {value.map((x) => (
          <li key={x} data-id={x}>{x} <button type="button" className="link" onClick={() => onSet(value.length > 1 ? value.filter((y) => y !== x) : undefined)} aria-label={`Remove ${x}`}>×</button></li>
        ))}
        {value.length === 0 && <li className="hint">none</li>}
      </ul>
      <input id={id} list={`${id}-list`} value={text} placeholder="element id" aria-invalid={invalid || undefined}
        onChange={(e) => setText(e.target.value)} onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); add(); } }} />
      <button type="button" onClick={add} disabled={!text.trim()}>Add</button>
      <datalist id={`${id}-list`}>{ids.filter((x) => !value.includes(x)).slice(0, 500).map((x) => <option key={x} value={x} />)}</datalist>
    </div>
  );
}

