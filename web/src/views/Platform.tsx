// Platform views: signing in or registering, the company's projects with their members, and
// a project's circuit versions (history, element-by-element diff, restore).
import { useEffect, useState } from "react";
import { ApiError, type ApiClient } from "../api/client";
import type { Change, Circuit, DiffView, Me, Member, Paged, Project, User, Version } from "../api/types";
import { Diagram, type DiagramMarks } from "../diagram/Diagram";
import { buildGraph } from "../diagram/graph";
import { layoutGraph, type Layout, type Point } from "../diagram/layout";
import { position, rows, type NetworkDoc } from "../model/doc";
import { diagramDiff, type DiagramDiff } from "../model/versionDiff";

export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const details = err.issues.map((i) => i.message).filter((m) => m && m !== err.message);
    return details.length ? `${err.message}: ${details.join("; ")}` : err.message;
  }
  return (err as Error)?.message ?? String(err);
}

export function AuthView({ api, onSignedIn, onOffline }: { api: ApiClient; onSignedIn: () => void; onOffline: () => void }) {
  const [mode, setMode] = useState<"login" | "register">("login");
  const [form, setForm] = useState({ company_name: "", name: "", email: "", password: "" });
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (mode === "login") await api.login(form.email, form.password);
      else await api.register(form);
      onSignedIn();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const input = (key: keyof typeof form, label: string, type = "text", autoComplete?: string) => (
    <label className="field"><span>{label}</span>
      <input name={key} type={type} autoComplete={autoComplete} required value={form[key]} onChange={(e) => setForm({ ...form, [key]: e.target.value })} />
    </label>
  );
  return (
    <section className="panel auth" aria-labelledby="auth-title">
      <h2 id="auth-title">{mode === "login" ? "Sign in" : "Create an account"}</h2>
      <form onSubmit={submit} className="form">
        {mode === "register" && input("company_name", "Company")}
        {mode === "register" && input("name", "Your name", "text", "name")}
        {input("email", "E-mail", "email", "username")}
        {input("password", "Password", "password", mode === "login" ? "current-password" : "new-password")}
        {mode === "register" && <p className="hint">A long passphrase: the server refuses weak or common passwords.</p>}
        {error && <p className="field-error" role="alert">{error}</p>}
        <div className="form-actions">
          <button type="submit" className="primary" disabled={busy}>{mode === "login" ? "Sign in" : "Register"}</button>
          <button type="button" className="link" onClick={() => { setMode(mode === "login" ? "register" : "login"); setError(null); }}>
            {mode === "login" ? "New here? Create an account" : "I have an account: sign in"}
          </button>
        </div>
      </form>
      <p className="offline-choice">
        <button type="button" onClick={onOffline} id="work-offline">Work offline</button>{" "}
        <span className="hint">Edit and study networks in this browser; nothing is uploaded.</span>
      </p>
    </section>
  );
}

export function ProjectsView({ api, me, current, onOpen }: { api: ApiClient; me: Me; current: Project | null; onOpen: (p: Project) => void }) {
  const [list, setList] = useState<Project[] | null>(null);
  const [name, setName] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ id: string; name: string } | null>(null);
  const [members, setMembers] = useState<Project | null>(null);
  const load = () => api.request<Paged<Project>>("GET", "/api/v1/projects?per_page=100").then((r) => setList(r.items)).catch((e) => setError(errorText(e)));
  useEffect(() => { void load(); }, []);
  const create = async (e: React.FormEvent) => {
    e.preventDefault();
    try {
      const p = await api.request<Project>("POST", "/api/v1/projects", { name: name.trim() });
      setName("");
      await load();
      onOpen(p);
    } catch (err) { setError(errorText(err)); }
  };
  const rename = async () => {
    if (!editing) return;
    try {
      await api.request("PATCH", `/api/v1/projects/${editing.id}`, { name: editing.name.trim() });
      setEditing(null);
      await load();
    } catch (err) { setError(errorText(err)); }
  };
  const isAdmin = me.role === "company_admin";
  return (
    <section className="panel projects" aria-labelledby="projects-title">
      <h2 id="projects-title">Projects of {me.company_name}</h2>
      <form onSubmit={create} className="inline-form">
        <input name="project-name" placeholder="New project name" value={name} onChange={(e) => setName(e.target.value)} required aria-label="New project name" />
        <button type="submit" className="primary">Create project</button>
      </form>
      {error && <p className="field-error" role="alert">{error}</p>}
      {list === null ? <p className="hint">Loading…</p> : list.length === 0 ? <p className="hint">No projects yet: create one above.</p> : (
        <ul className="project-list">
          {list.map((p) => (
            <li key={p.id} className={current?.id === p.id ? "current" : ""} data-project={p.name}>
              {editing?.id === p.id ? (
                <span className="inline-form">
                  <input value={editing.name} onChange={(e) => setEditing({ ...editing, name: e.target.value })} aria-label="Project name" name="rename" />
                  <button type="button" className="primary" onClick={rename}>Save</button>
                  <button type="button" onClick={() => setEditing(null)}>Cancel</button>
                </span>
              ) : (
                <>
                  <button type="button" className="project-open" onClick={() => onOpen(p)}>{p.name}</button>
                  <span className="hint">{p.my_role ?? p.access} · updated {new Date(p.updated_at).toLocaleString()}</span>
                  <span className="row-actions">
                    <button type="button" onClick={() => setEditing({ id: p.id, name: p.name })}>Rename</button>
                    {(isAdmin || p.my_role === "owner") && <button type="button" onClick={() => setMembers(p)}>Members</button>}
                  </span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {members && <MembersView api={api} project={members} isAdmin={isAdmin} onClose={() => setMembers(null)} />}
    </section>
  );
}

function MembersView({ api, project, isAdmin, onClose }: { api: ApiClient; project: Project; isAdmin: boolean; onClose: () => void }) {
  const [list, setList] = useState<Member[]>([]);
  const [users, setUsers] = useState<User[]>([]);
  const [pick, setPick] = useState({ user_id: "", role: "editor" });
  const [error, setError] = useState<string | null>(null);
  const load = () => api.request<{ items: Member[] }>("GET", `/api/v1/projects/${project.id}/members`).then((r) => setList(r.items)).catch((e) => setError(errorText(e)));
  useEffect(() => {
    void load();
    if (isAdmin) api.request<Paged<User>>("GET", "/api/v1/users?per_page=100").then((r) => setUsers(r.items)).catch(() => {});
  }, [project.id]);
  const add = async () => {
    try {
      await api.request("POST", `/api/v1/projects/${project.id}/members`, pick);
      await load();
    } catch (err) { setError(errorText(err)); }
  };
  const remove = async (userId: string) => {
    try {
      await api.request("DELETE", `/api/v1/projects/${project.id}/members`, { user_id: userId });
      await load();
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <div className="members" role="dialog" aria-label={`Members of ${project.name}`}>
      <h3>Members of {project.name}</h3>
      <ul>{list.map((m) => <li key={m.user_id}>{m.name} <span className="hint">{m.email}</span> · {m.role} <button type="button" onClick={() => remove(m.user_id)}>Remove</button></li>)}</ul>
      {users.length > 0 && (
        <div className="inline-form">
          <select value={pick.user_id} onChange={(e) => setPick({ ...pick, user_id: e.target.value })} aria-label="User">
            <option value="">(choose a user of the company)</option>
            {users.filter((u) => !list.some((m) => m.user_id === u.id)).map((u) => <option key={u.id} value={u.id}>{u.name} ({u.email})</option>)}
          </select>
          <select value={pick.role} onChange={(e) => setPick({ ...pick, role: e.target.value })} aria-label="Role">
            <option value="viewer">viewer</option><option value="editor">editor</option><option value="owner">owner</option>
          </select>
          <button type="button" onClick={add} disabled={!pick.user_id}>Add member</button>
        </div>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
      <button type="button" onClick={onClose}>Close</button>
    </div>
  );
}

/** The changes between two versions on the diagram of the newer one (click a bus or branch for its notes). */
function DiffDiagram({ drawn, from, to }: { drawn: { diff: DiagramDiff; layout: Layout }; from: number; to: number }) {
  const [picked, setPicked] = useState<string | null>(null);
  const { diff, layout } = drawn;
  const mark = picked ? diff.marks.get(picked) : undefined;
  return (
    <section className="diff-diagram" aria-label="Changes on the diagram" id="diff-diagram">
      <h3>v{from} → v{to} on the diagram of v{to}</h3>
      <Diagram layout={layout} report={null} selected={picked} onSelect={setPicked} marks={diffMarks(diff)} />
      {mark && <p className="diff-notes" id="diff-notes"><b>{picked}</b> {mark.op}: {mark.notes.join("; ")}</p>}
      {diff.elsewhere.length > 0 && <p className="hint">Not on the diagram: {diff.elsewhere.join("; ")}</p>}
    </section>
  );
}

/** The diff's marks for the diagram, with a legend of the colours and their counts. */
function diffMarks(diff: DiagramDiff): DiagramMarks {
  const byId = new Map([...diff.marks].map(([id, m]) => [id, { kind: m.op, notes: m.notes }]));
  const count = (op: string) => [...diff.marks.values()].filter((m) => m.op === op).length;
  return {
    byId,
    legend: (
      <p className="legend mark-legend" aria-label="Legend of the changes">
        <span className="swatch mark-added" /> added ({count("added")}){" "}
        <span className="swatch mark-removed" /> removed ({count("removed")}){" "}
        <span className="swatch mark-changed" /> changed ({count("changed")}) · buses carry the changes of their feeders, generators, motors, converters and loads; click or hover for details
      </p>
    ),
  };
}

function changeList(d: DiffView): Change[] {
  return Array.isArray(d.changes) ? d.changes : d.changes.changes;
}

const show = (v: unknown) => (v === undefined || v === null ? "(absent)" : typeof v === "object" ? JSON.stringify(v) : String(v));

export function DiffTable({ changes }: { changes: Change[] }) {
  if (changes.length === 0) return <p className="hint">The two versions are the same network.</p>;
  return (
    <table className="results-table compact diff-table" id="diff-table">
      <thead><tr><th>Change</th><th>Table</th><th>Element</th><th>Field</th><th>Before</th><th>After</th></tr></thead>
      <tbody>
        {changes.slice(0, 1000).map((c, i) => (
          <tr key={i} className={`op-${c.op}`}>
            <td>{c.op}</td><td>{c.table ?? ""}</td><td>{c.id ?? (c.ids ? c.ids.join(", ") : "")}</td><td>{c.field ?? ""}</td>
            <td>{c.op === "removed" ? show(c.element) : c.op === "changed" || c.op === "document" ? show(c.old) : ""}</td>
            <td>{c.op === "added" ? show(c.element) : c.op === "changed" || c.op === "document" ? show(c.new) : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function VersionsView({ api, project, loaded, onOpenVersion, refreshKey }: { api: ApiClient; project: Project; loaded: number | null; onOpenVersion: (v: number) => void; refreshKey: number }) {
  const [list, setList] = useState<Version[]>([]);
  const [pair, setPair] = useState<{ a: number | null; b: number | null }>({ a: null, b: null });
  const [diff, setDiff] = useState<DiffView | null>(null);
  const [drawn, setDrawn] = useState<{ diff: DiagramDiff; layout: Layout } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const base = `/api/v1/projects/${project.id}/circuits`;
  const load = () => api.request<Paged<Version>>("GET", `${base}?per_page=100`).then((r) => {
    const items = [...r.items].sort((x, y) => y.version - x.version);
    setList(items);
    if (items.length >= 2 && pair.a === null) setPair({ a: items[1].version, b: items[0].version });
  }).catch((e) => setError(errorText(e)));
  useEffect(() => { void load(); }, [project.id, refreshKey]);
  const compare = async () => {
    if (pair.a === null || pair.b === null) return;
    try {
      const d = await api.request<DiffView>("GET", `${base}/${pair.a}/diff/${pair.b}`);
      setDiff(d);
      setDrawn(null);
      setError(null);
      // drawn on the diagram of the newer side, with what it lost put back as removed
      const to = await api.request<Circuit>("GET", `${base}/${pair.b}`);
      const dd = diagramDiff(to.network as unknown as NetworkDoc, changeList(d));
      const positions = new Map(rows(dd.doc, "buses").flatMap((b) => { const p = position(b); return p ? [[b.id, p] as [string, Point]] : []; }));
      setDrawn({ diff: dd, layout: await layoutGraph(buildGraph(dd.doc), positions) });
    } catch (err) { setError(errorText(err)); }
  };
  const restore = async (v: number) => {
    try {
      const saved = await api.request<{ version: number }>("POST", `${base}/${v}/restore`);
      await load();
      onOpenVersion(saved.version);
    } catch (err) { setError(errorText(err)); }
  };
  return (
    <section className="panel versions" aria-labelledby="versions-title">
      <h2 id="versions-title">Versions of {project.name}</h2>
      {list.length === 0 ? <p className="hint">No circuit saved yet: build a network and “Save as new version”.</p> : (
        <table className="results-table compact" id="versions-table">
          <thead><tr><th>Version</th><th>Saved</th><th>Buses</th><th>Message</th><th /></tr></thead>
          <tbody>
            {list.map((v) => (
              <tr key={v.version} data-version={v.version} className={v.version === loaded ? "selected" : ""}>
                <th scope="row">v{v.version}{v.restored_from ? <span className="hint"> (restores v{v.restored_from})</span> : null}</th>
                <td>{new Date(v.created_at).toLocaleString()}</td><td>{v.bus_count}</td><td>{v.message}</td>
                <td className="row-actions">
                  <button type="button" onClick={() => onOpenVersion(v.version)}>Open</button>
                  {v.version !== list[0].version && <button type="button" onClick={() => restore(v.version)}>Restore</button>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {list.length >= 2 && (
        <div className="inline-form diff-pick">
          <label>Compare <select value={pair.a ?? ""} onChange={(e) => setPair({ ...pair, a: Number(e.target.value) })} aria-label="From version">
            {list.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}</select></label>
          <label>with <select value={pair.b ?? ""} onChange={(e) => setPair({ ...pair, b: Number(e.target.value) })} aria-label="To version">
            {list.map((v) => <option key={v.version} value={v.version}>v{v.version}</option>)}</select></label>
          <button type="button" onClick={compare}>Show changes</button>
        </div>
      )}
      {diff && (
        <div className="diff">
          <p><b>v{diff.from} → v{diff.to}</b>: {diff.count} change{diff.count === 1 ? "" : "s"}. {diff.summary}</p>
          {drawn && <DiffDiagram drawn={drawn} from={diff.from} to={diff.to} />}
          <DiffTable changes={changeList(diff)} />
        </div>
      )}
      {error && <p className="field-error" role="alert">{error}</p>}
    </section>
  );
}
