// The AmpFlux web client. Two modes: platform (signed in to ampflux-server: projects,
// versions, server studies, the assistant) and offline (static files or declined sign-in:
// edit and study in this browser). The document being edited is plain JSON with undo/redo;
// the WebAssembly engine checks it as it changes and runs local studies in a Web Worker.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { DutyReport, Issue, StudyReport } from "../pkg/ampflux_wasm.js";
import { hasProtection, type ArcFlashReport, type SelectivityPair, type SelectivityReport, type TccReport } from "./engine/protection";
import { ApiClient } from "./api/client";
import type { Circuit, Me, Project, SavedVersion, Simulation } from "./api/types";
import { Diagram } from "./diagram/Diagram";
import { buildGraph, diagramNodeCount, ELK_MAX_NODES } from "./diagram/graph";
import { layoutGraph, type Layout, type Point } from "./diagram/layout";
import { DocumentWorker, OpenError, Superseded } from "./engine/documents";
import { defaultOptions, loadEngine, version, type Checked } from "./engine/wasm";
import { StudyCancelled, StudyError, StudyRunner } from "./engine/runner";
import { clearPositions, emptyNetwork, position, rows, setPosition, toJsonText, type NetworkDoc } from "./model/doc";
import * as H from "./model/history";
import { initialOptionValues, optionsFor, STUDY_KINDS, toStudyOptions, type FormStudy, type OptionValues } from "./model/options";
import { TEMPLATES } from "./model/templates";
import { reportCsv, reportJson, tableCsv } from "./util/export";
import { ArcFlashView, clearingDevices, LabelPreview } from "./views/ArcFlash";
import { AssistantPanel } from "./views/Assistant";
import { dutyDiagramMarks, DutyView } from "./views/Duty";
import { focusedPairs, pairDevices, pairKey, SelectivityView, type SelectivityFocus } from "./views/Selectivity";
import { TccChart } from "./views/TccChart";
import { Editor, type Selection } from "./views/Editor";
import { IkChart } from "./views/IkChart";
import { AuthView, errorText, ProjectsView, VersionsView } from "./views/Platform";
import { ReportView } from "./views/Report";
import { BranchTable, IssueList, reportWarnings, ResultsTable, studyHeader } from "./views/Results";
import { StudyForm, type RunState } from "./views/StudyForm";

type Tab = "projects" | "network" | "study" | "versions" | "assistant" | "report";
type Mode = "starting" | "choose" | "offline" | "platform";
interface Result { report: StudyReport; where: string; ms?: number }
/** A duty, arc-flash or selectivity report, computed in this browser or on the server. */
interface Computed<R> { report: R; where: string; ms?: number }

/** Where a local study ran (the study headers say it). */
const LOCAL = "computed in this browser (WebAssembly)";

/** The studies the server runs as simulations (`study.kind`); the others run in this browser only. */
const SERVER_KINDS: FormStudy[] = ["short_circuit", "duty", "arc_flash"];

/** Pairs of a selectivity study drawn on one TCC at most (more are unreadable). */
const MAX_TCC_PAIRS = 8;

/** Least time between two progress renders. */
const PROGRESS_INTERVAL_MS = 250;

/** Networks up to this size get branch results by default. */
const BRANCH_RESULTS_MAX_BUSES = 1000;

const api = new ApiClient();
const runner = new StudyRunner();
/** TCCs run beside the studies (a TCC does not cancel an arc-flash study, nor the other way round). */
const tccRunner = new StudyRunner();
const documents = new DocumentWorker();

/** Whether an AmpFlux server answers at this origin (static hosting has none). */
async function serverPresent(): Promise<boolean> {
  try {
    const r = await fetch("/health", { headers: { accept: "application/json" } });
    return r.ok && (r.headers.get("content-type") ?? "").includes("json");
  } catch {
    return false;
  }
}

function download(name: string, text: string, type = "application/json") {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function stem(doc: NetworkDoc): string {
  return (doc.name ?? "network").replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40) || "network";
}

export function App() {
  const [engine, setEngine] = useState<"loading" | "ready" | "failed">("loading");
  const [mode, setMode] = useState<Mode>("starting");
  const [hasServer, setHasServer] = useState(false);
  const [me, setMe] = useState<Me | null>(null);
  const [tab, setTab] = useState<Tab>("network");
  const [project, setProject] = useState<Project | null>(null);
  const [loadedVersion, setLoadedVersion] = useState<{ version: number; digest: string } | null>(null);
  const [versionsKey, setVersionsKey] = useState(0);
  const [hist, setHist] = useState(() => H.start(TEMPLATES[1].build()));
  const doc = hist.present;
  const [checked, setChecked] = useState<Checked>({ issues: [], readable: true });
  const [selection, setSelection] = useState<Selection | null>(null);
  const [fault, setFault] = useState<string | null>(null);
  const [layout, setLayout] = useState<Layout | null>(null);
  const [options, setOptions] = useState<OptionValues>(initialOptionValues);
  const [run, setRun] = useState<RunState>({ state: "idle", where: "local", done: 0, total: 0 });
  const [optionError, setOptionError] = useState<{ option?: string; message: string } | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  const [study, setStudy] = useState<FormStudy>("short_circuit");
  /** The engine has the arc-flash study, TCCs and labels (issue 15). */
  const protection = engine === "ready" && hasProtection();
  const [duty, setDuty] = useState<Computed<DutyReport> | null>(null);
  const [arc, setArc] = useState<Computed<ArcFlashReport> | null>(null);
  const [tcc, setTcc] = useState<{ devices: string[]; report?: TccReport; error?: string } | null>(null);
  const [sel, setSel] = useState<Computed<SelectivityReport> | null>(null);
  const [selFocus, setSelFocus] = useState<SelectivityFocus>({ kind: "all" });
  const [notice, setNotice] = useState<{ kind: "ok" | "error" | "busy"; text: string } | null>(null);
  const [saveMessage, setSaveMessage] = useState("");
  const fileInput = useRef<HTMLInputElement>(null);

  // --- start: the engine, then the server and a stored session -------------------------
  useEffect(() => {
    loadEngine().then(() => {
      setEngine("ready");
      // the document worker loads its own engine: started now, the first file opens without waiting for it
      documents.warm();
    }, () => setEngine("failed"));
    api.onSignedOut = () => { setMe(null); setProject(null); setMode("choose"); };
    void (async () => {
      const present = await serverPresent();
      setHasServer(present);
      if (!present) { setMode("offline"); return; }
      if (api.hasRefreshToken && (await api.refresh())) await enterPlatform();
      else setMode("choose");
    })();
  }, []);

  useEffect(() => {
    if (engine === "ready" && mode !== "starting") document.body.dataset.ready = "true";
  }, [engine, mode]);

  const enterPlatform = async () => {
    try {
      setMe(await api.request<Me>("GET", "/api/v1/users/me"));
      setMode("platform");
      setTab("projects");
    } catch (err) {
      setNotice({ kind: "error", text: errorText(err) });
      setMode("choose");
    }
  };

  // --- the document: checked by the engine (in the document worker) as it changes ----------
  // the text is made when needed (a check after an edit, a study, a save), not on opening:
  // a 100k-bus document's text is tens of megabytes
  const docText = () => toJsonText(doc);
  /** The document for a study: its bytes from the document worker when it holds this document
   * (opened or checked, not edited since: no text made on the page), else its text made here. */
  const studyDoc = async (): Promise<string | Uint8Array> => (await documents.textOf(doc)) ?? docText();
  /** Large networks are laid out in bands by the document worker, small ones by ELK here. */
  const large = useMemo(() => diagramNodeCount(doc) > ELK_MAX_NODES, [doc.buses, doc.transformers3w]);
  /** The document the last check (or the opening) was of: not checked again. */
  const checkedDoc = useRef<NetworkDoc | null>(null);
  const layoutKey = useRef<number | undefined>(undefined);
  const showLayout = (l: Layout) => {
    layoutKey.current = l.key;
    setLayout(l);
    performance.mark("ampflux:layout");
  };
  useEffect(() => {
    if (checkedDoc.current === doc) return;
    const t = setTimeout(() => {
      documents.check(doc, docText(), large, layoutKey.current).then(({ checked: c, layout: l }) => {
        checkedDoc.current = doc;
        setChecked(c);
        if (large && l && l !== "unchanged") showLayout(l);
      }, (err) => {
        if (!(err instanceof Superseded)) setNotice({ kind: "error", text: `the document could not be checked: ${errorText(err)}` });
      });
    }, large ? 300 : 30);
    return () => clearTimeout(t);
  }, [doc, large]);

  const change = useCallback((next: NetworkDoc, _what: string) => setHist((h) => H.push(h, next)), []);
  const replaceDoc = (next: NetworkDoc) => {
    setHist(H.start(next));
    // branch results of every fault location grow with the square of the size: off for large networks
    setOptions((o) => ({ ...o, branch_results: next.buses.length <= BRANCH_RESULTS_MAX_BUSES }));
    setSelection(null);
    setFault(null);
    setResult(null);
    setDuty(null);
    setArc(null);
    setTcc(null);
    setSel(null);
    setSelFocus({ kind: "all" });
    setRun({ state: "idle", where: "local", done: 0, total: 0 });
  };

  // --- the diagram: laid out when the structure changes, dragged positions on top -------
  // (large networks: by the document worker, see the check above)
  const graph = useMemo(() => (large ? null : buildGraph(doc)), [large, doc.buses, doc.lines, doc.transformers, doc.transformers3w, doc.impedances, doc.switches, doc.external_grids, doc.generators, doc.motors, doc.converters, doc.loads]);
  const graphKey = useMemo(() => (graph ? JSON.stringify([graph.nodes.map((n) => [n.id, n.level, n.badges, n.width, n.inService]), graph.edges.map((e) => [e.id, e.source, e.target, e.open])]) : ""), [graph]);
  const positions = useMemo(() => new Map(large ? [] : rows(doc, "buses").flatMap((b) => { const p = position(b); return p ? [[b.id, p] as [string, Point]] : []; })), [large, doc.buses]);
  useEffect(() => {
    if (!graph) return;
    let live = true;
    layoutGraph(graph, positions).then((l) => { if (live) showLayout(l); }, (err) => setNotice({ kind: "error", text: `diagram layout failed: ${errorText(err)}` }));
    return () => { live = false; };
  }, [graphKey, positions]);

  // --- opening, templates, downloads ------------------------------------------------------
  // read, checked and (when large) laid out in the document worker: the page stays responsive
  const openSource = async (source: Blob | string, name: string) => {
    setNotice({ kind: "busy", text: `Opening ${name}…` });
    try {
      const { doc: next, checked: c, layout: l } = await documents.open(source);
      checkedDoc.current = next;
      replaceDoc(next);
      setChecked(c);
      if (l && l !== "unchanged") showLayout(l);
      setLoadedVersion(null);
      setNotice({ kind: "ok", text: `Opened ${name}: ${next.buses.length} buses.` });
      setTab("network");
    } catch (err) {
      if (err instanceof Superseded) return;
      // the current network stays as it was: nothing half-loaded, no stale notes
      setNotice({ kind: "error", text: `${name} could not be read: ${err instanceof OpenError ? err.message : errorText(err)}` });
    }
  };
  const onFile = (file: File | undefined) => {
    if (file) void openSource(file, file.name);
  };
  const loadExample = async () => {
    const r = await fetch(new URL("example-network.json", document.baseURI));
    if (r.ok) await openSource(await r.text(), "the industrial plant example");
    else setNotice({ kind: "error", text: `the example could not be loaded (HTTP ${r.status})` });
  };

  // --- studies ------------------------------------------------------------------------
  const studyOptions = () => toStudyOptions(options);
  const studyFailed = (err: unknown, where: "local" | "server") => {
    if (err instanceof StudyCancelled) { setRun({ state: "cancelled", where, done: 0, total: 0 }); return; }
    const e = err as StudyError & { option?: string };
    const issues = (e.issues as Issue[] | undefined) ?? [];
    const opt = (issues.find((i) => (i as Issue & { option?: string }).option) as (Issue & { option?: string }) | undefined)?.option ?? e.option;
    if (e.code === "invalid_option") setOptionError({ option: opt ?? issues[0]?.field, message: e.message });
    setRun({ state: "failed", where, done: 0, total: 0, message: issues.length ? issues.map((i) => i.message).join("; ") : e.message });
  };
  /** Duty, arc flash and selectivity: in the study worker, no progress counter (the engine gives none for them). */
  const runEngineering = async (kind: "duty" | "arc_flash" | "selectivity") => {
    setOptionError(null);
    setRun({ state: "running", where: "local", done: 0, total: 0 });
    try {
      const { report, ms } = await runner.run<DutyReport | ArcFlashReport | SelectivityReport>(await studyDoc(), optionsFor(kind, options), undefined, kind);
      if (kind === "duty") setDuty({ report: report as DutyReport, ms, where: LOCAL });
      else if (kind === "arc_flash") { setArc({ report: report as ArcFlashReport, ms, where: LOCAL }); setTcc(null); }
      else { setSel({ report: report as SelectivityReport, ms, where: LOCAL }); setSelFocus({ kind: "all" }); setTcc(null); }
      setRun({ state: "done", where: "local", done: 1, total: 1 });
      setFault(null);
    } catch (err) {
      studyFailed(err, "local");
    }
  };
  const drawTcc = async (devices: string[]) => {
    setTcc({ devices });
    try {
      const { report } = await tccRunner.run<TccReport>(await studyDoc(), { devices, short_circuit: optionsFor("arc_flash", options).short_circuit ?? {} }, undefined, "tcc");
      setTcc({ devices, report });
    } catch (err) {
      if (!(err instanceof StudyCancelled)) setTcc({ devices, error: (err as Error).message });
    }
  };
  /** Shows the pairs in series between `bus` and the sources: the engine's selectivity study of a
   * fault at that bus names them (their margins are shown from the whole study: at the largest
   * current through both). */
  const focusSelectivity = async (f: SelectivityFocus) => {
    setSelFocus(f);
    if (f.kind !== "bus") return;
    const bus = f.bus;
    const same = (x: SelectivityFocus) => x.kind === "bus" && x.bus === bus;
    try {
      const { report } = await tccRunner.run<SelectivityReport>(await studyDoc(), { ...optionsFor("selectivity", options), buses: [bus] }, undefined, "selectivity");
      setSelFocus((x) => (same(x) ? { kind: "bus", bus, keys: new Set(report.pairs.map(pairKey)) } : x));
    } catch (err) {
      if (!(err instanceof StudyCancelled)) setSelFocus((x) => (same(x) ? { kind: "bus", bus, keys: new Set(), error: (err as Error).message } : x));
    }
  };
  const runLocal = async () => {
    if (study !== "short_circuit") return runEngineering(study);
    setOptionError(null);
    setRun({ state: "running", where: "local", done: 0, total: 0 });
    performance.mark("ampflux:study-start");
    // at most a few progress renders a second: each one costs the page a frame
    let shown = 0;
    const onProgress = (done: number, total: number) => {
      const now = performance.now();
      if (now - shown < PROGRESS_INTERVAL_MS && done < total) return;
      shown = now;
      setRun({ state: "running", where: "local", done, total });
    };
    try {
      const { report, ms } = await runner.run<StudyReport>(await studyDoc(), studyOptions(), onProgress);
      performance.mark("ampflux:study-result");
      setResult({ report, where: LOCAL, ms });
      setRun({ state: "done", where: "local", done: 1, total: 1 });
      setFault(null);
    } catch (err) {
      studyFailed(err, "local");
    }
  };
  const dirty = !loadedVersion || loadedVersion.digest !== checked.digest;
  /** A simulation of the saved version on the server (short circuit, duty or arc flash: `study.kind`), with its progress streamed. */
  const runServer = async () => {
    if (!project || !loadedVersion || !SERVER_KINDS.includes(study)) return;
    const kind = study;
    setOptionError(null);
    setRun({ state: "running", where: "server", done: 0, total: 0 });
    try {
      const body = kind === "short_circuit" ? studyOptions() : { kind, ...optionsFor(kind, options) };
      const created = await api.request<{ id: string; status: string }>("POST", `/api/v1/projects/${project.id}/simulations`, { version: loadedVersion.version, study: body });
      if (!["succeeded", "failed", "dead"].includes(created.status)) {
        await api.stream("GET", `/api/v1/simulations/${created.id}/events`, undefined, (ev) => {
          if (ev.event === "progress") {
            const d = JSON.parse(ev.data);
            setRun({ state: "running", where: "server", done: Number(d.done ?? 0), total: Number(d.total ?? 0) });
          }
        });
      }
      const sim = await api.request<Simulation>("GET", `/api/v1/simulations/${created.id}`);
      if (!sim.result) throw new StudyError({ message: sim.error?.message ?? `the simulation ended as ${sim.status}`, code: sim.error?.code });
      const where = `computed on the server (simulation ${sim.id}, v${sim.version}${sim.cached ? ", cached" : ""})`;
      const ms = sim.compute_ms ?? undefined;
      // the core's reports, as the worker's; the stored result pages branch and voltage rows (not in duty and arc-flash reports)
      if (kind === "duty") setDuty({ report: sim.result as DutyReport, where, ms });
      else if (kind === "arc_flash") { setArc({ report: sim.result as ArcFlashReport, where, ms }); setTcc(null); }
      else {
        const r = sim.result as StudyReport;
        const report: StudyReport = { ...r, study: r.study ?? { ...defaultOptions(), ...sim.study }, warnings: r.warnings ?? [], branches: r.branches ?? [], voltages: r.voltages ?? [] };
        setResult({ report, where, ms });
      }
      setRun({ state: "done", where: "server", done: 1, total: 1 });
      setFault(null);
    } catch (err) {
      studyFailed(err, "server");
    }
  };

  // --- platform: versions ---------------------------------------------------------------
  const openVersion = async (p: Project, v: number | "latest") => {
    try {
      const c = await api.request<Circuit>("GET", `/api/v1/projects/${p.id}/circuits/${v}`);
      replaceDoc(c.network as NetworkDoc);
      setLoadedVersion({ version: c.version, digest: c.digest });
      setNotice({ kind: "ok", text: `Opened ${p.name} v${c.version}.` });
      return true;
    } catch {
      return false;
    }
  };
  const openProject = async (p: Project) => {
    setProject(p);
    setLoadedVersion(null);
    if (!(await openVersion(p, "latest"))) {
      replaceDoc(emptyNetwork(p.name));
      setNotice({ kind: "ok", text: `Project ${p.name} has no circuit yet: start from an empty network or a template, then save.` });
    }
    setTab("network");
  };
  const save = async () => {
    if (!project) return;
    try {
      const q = saveMessage.trim() ? `?message=${encodeURIComponent(saveMessage.trim())}` : "";
      const saved = await api.request<SavedVersion>("POST", `/api/v1/projects/${project.id}/circuits${q}`, docText());
      setLoadedVersion({ version: saved.version, digest: saved.digest });
      setSaveMessage("");
      setVersionsKey((k) => k + 1);
      setNotice({ kind: "ok", text: saved.created ? `Saved as version ${saved.version}.` : `Unchanged: this is version ${saved.version}.` });
    } catch (err) {
      setNotice({ kind: "error", text: `Not saved: ${errorText(err)}` });
    }
  };

  // --- keyboard: undo/redo ----------------------------------------------------------------
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || (e.target as HTMLElement).matches("input, textarea")) return;
      if (e.key.toLowerCase() === "z") { e.preventDefault(); setHist((h) => (e.shiftKey ? H.redo(h) : H.undo(h))); }
      else if (e.key.toLowerCase() === "y") { e.preventDefault(); setHist((h) => H.redo(h)); }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  const report = result?.report ?? null;
  const warnings = useMemo(() => (report ? reportWarnings(report) : []), [report]);
  const stale = report && checked.digest && report.network_digest !== checked.digest;
  const dutyStale = duty && checked.digest && duty.report.network_digest !== checked.digest;
  const arcStale = arc && checked.digest && arc.report.network_digest !== checked.digest;
  const selStale = sel && checked.digest && sel.report.network_digest !== checked.digest;
  const selPairs = useMemo(() => (sel ? focusedPairs(sel.report, selFocus) : []), [sel, selFocus]);
  /** Buses offered in the selectivity view's list: all of a small network, else the pairs' fault buses (any bus can be clicked on the diagram). */
  const selBuses = useMemo(() => (!sel ? [] : doc.buses.length <= 500 ? doc.buses.map((b) => b.id) : [...new Set(sel.report.pairs.map((p) => p.fault_bus))].sort()), [sel, doc.buses]);
  const marks = useMemo(() => (study === "duty" && duty && !dutyStale ? dutyDiagramMarks(duty.report, doc) : undefined), [study, duty, dutyStale, doc.switches, doc.buses]);
  const arcBus = arc && fault ? arc.report.buses.find((b) => b.id === fault) ?? null : null;
  const selectBus = (id: string) => {
    setFault(id);
    if (tab === "study" && study === "selectivity" && sel) void focusSelectivity({ kind: "bus", bus: id, keys: null });
    if (tab === "network") setSelection({ table: "buses", id });
  };
  const diagram = (
    <Diagram layout={layout} report={report && !stale && study === "short_circuit" ? report : null} selected={fault} marks={tab === "study" ? marks : undefined}
      onSelect={selectBus} onMove={(id, x, y) => change(setPosition(doc, id, x, y), `move ${id}`)} />
  );

  const docIssues = useMemo<Issue[]>(() => (doc.buses.length > 1
    ? [...checked.issues, ...(checked.unconnected ?? []).map((id) => ({ severity: "warning", code: "unconnected_bus", table: "buses", element: id, message: `bus ${id} is connected to nothing: it gets no short-circuit current` } as Issue))]
    : checked.issues), [doc, checked]);

  if (mode === "starting") return <div className="splash" role="status">Starting AmpFlux…</div>;
  if (mode === "choose") {
    return (
      <div className="app">
        <TopBar mode={mode} me={null} onSignOut={() => {}} />
        {notice && <p className={`notice ${notice.kind}`} role="status">{notice.text}</p>}
        <AuthView api={api} onSignedIn={() => void enterPlatform()} onOffline={() => { setMode("offline"); setTab("network"); }} />
        <footer className="foot">AmpFlux · IEC 60909-0:2016 · <a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI</a></footer>
      </div>
    );
  }

  const tabs: [Tab, string][] = [
    ...(mode === "platform" ? [["projects", "Projects"]] as [Tab, string][] : []),
    ["network", "Network"], ["study", "Study & results"],
    ...(mode === "platform" && project ? [["versions", "Versions"]] as [Tab, string][] : []),
    ...(mode === "platform" ? [["assistant", "Assistant"]] as [Tab, string][] : []),
    ["report", "Report"],
  ];
  const errors = checked.issues.filter((i) => i.severity === "error");
  return (
    <div className="app">
      <TopBar mode={mode} me={me} project={project} version={loadedVersion?.version} dirty={dirty && mode === "platform" && Boolean(project)}
        onSignOut={() => void api.logout()} onSignIn={hasServer ? () => setMode("choose") : undefined} engine={engine} />
      <nav className="tabs" aria-label="Views">
        {tabs.map(([id, label]) => <button key={id} type="button" role="tab" aria-selected={tab === id} data-tab={id} onClick={() => setTab(id)}>{label}</button>)}
      </nav>
      {notice && <p className={`notice ${notice.kind}`} role="status" onClick={() => setNotice(null)}>{notice.text}</p>}

      {tab === "projects" && me && <ProjectsView api={api} me={me} current={project} onOpen={(p) => void openProject(p)} />}

      {tab === "network" && (
        <main className="network-view">
          <section className="panel doc-bar" aria-label="Document">
            <div className="toolbar">
              <label className="field inline"><span>Name</span>
                <input name="network-name" value={doc.name ?? ""} onChange={(e) => change({ ...doc, name: e.target.value || undefined }, "rename network")} /></label>
              <label className="field inline"><span>Frequency</span>
                <select name="frequency" value={String(doc.frequency_hz)} onChange={(e) => change({ ...doc, frequency_hz: Number(e.target.value) }, "frequency")}>
                  <option value="50">50 Hz</option><option value="60">60 Hz</option></select></label>
              <button type="button" onClick={() => setHist(H.undo)} disabled={hist.past.length === 0} id="undo" title="Ctrl+Z">Undo</button>
              <button type="button" onClick={() => setHist(H.redo)} disabled={hist.future.length === 0} id="redo" title="Ctrl+Shift+Z">Redo</button>
              <select aria-label="New from template" value="" onChange={(e) => { const t = TEMPLATES.find((x) => x.id === e.target.value); if (t) { replaceDoc(t.build()); setLoadedVersion(null); } }}>
                <option value="">New…</option>
                {TEMPLATES.map((t) => <option key={t.id} value={t.id}>{t.title}</option>)}
              </select>
              <button type="button" onClick={() => void loadExample()}>Example</button>
              <button type="button" onClick={() => fileInput.current?.click()}>Open file…</button>
              <input ref={fileInput} type="file" accept=".json,application/json" hidden onChange={(e) => { onFile(e.target.files?.[0]); e.target.value = ""; }} />
              <button type="button" onClick={() => download(`${stem(doc)}.json`, toJsonText(doc, true))} id="download-network">Download JSON</button>
              {positions.size > 0 && <button type="button" onClick={() => change(clearPositions(doc), "automatic layout")}>Automatic layout</button>}
              {mode === "platform" && project && (
                <span className="save">
                  <input name="save-message" placeholder="What changed (optional)" value={saveMessage} onChange={(e) => setSaveMessage(e.target.value)} aria-label="Version message" />
                  <button type="button" className="primary" id="save-version" onClick={() => void save()} disabled={errors.length > 0 || !checked.readable}>Save as new version</button>
                </span>
              )}
            </div>
            <IssueList issues={docIssues} title={checked.readable ? "Checks of the document" : "The document cannot be read"}
              onPick={(i) => i.table && i.element && setSelection({ table: i.table as Selection["table"], id: i.element })} />
            {docIssues.length === 0 && doc.buses.length > 0 && <p className="ok-note">The engine finds no problem in this network.</p>}
          </section>
          <section className="panel editor-panel" aria-label="Editor">
            <Editor protection={protection} doc={doc} issues={docIssues} selection={selection} onSelect={setSelection} onChange={change} />
          </section>
          <section className="panel diagram" aria-labelledby="diagram-title">
            <h2 id="diagram-title">One-line diagram</h2>
            {diagram}
          </section>
        </main>
      )}

      {tab === "study" && (
        <main className="study-view">
          <section className="panel" aria-labelledby="study-title">
            <h2 id="study-title">Study</h2>
            <StudyForm kinds={STUDY_KINDS.filter((k) => (k.id !== "arc_flash" && k.id !== "selectivity") || protection)} study={study} onStudy={(s) => { setStudy(s); setOptionError(null); }} values={options} onChange={setOptions} run={run} optionError={optionError}
              onRunLocal={() => void runLocal()} onCancel={() => runner.cancel()}
              onRunServer={mode === "platform" && project && SERVER_KINDS.includes(study) ? () => void runServer() : undefined}
              serverHint={mode === "platform" && project && dirty ? "Save the network as a version to run it on the server." : undefined} />
            {!checked.readable || errors.length > 0 ? <IssueList issues={checked.issues} title="Fix these first" /> : null}
          </section>
          {study === "duty" && duty && (
            <section className="panel results" aria-labelledby="duty-title">
              <div className="results-head">
                <h2 id="duty-title">Equipment duty</h2>
                <div className="toolbar">
                  <button type="button" id="download-duty-json" onClick={() => download(`${stem(doc)}-duty.json`, JSON.stringify(duty.report, null, 2))}>Download JSON</button>
                </div>
              </div>
              {dutyStale && <p className="notice error">The network changed after this study: run it again for current results.</p>}
              <DutyView report={duty.report} where={duty.where} ms={duty.ms} selected={fault} onSelect={setFault} />
            </section>
          )}
          {study === "arc_flash" && arc && (
            <section className="panel results" aria-labelledby="arcflash-title">
              <div className="results-head">
                <h2 id="arcflash-title">Arc flash</h2>
                <div className="toolbar">
                  <button type="button" id="download-arcflash-json" onClick={() => download(`${stem(doc)}-arcflash.json`, JSON.stringify(arc.report, null, 2))}>Download JSON</button>
                </div>
              </div>
              {arcStale && <p className="notice error">The network changed after this study: run it again for current results.</p>}
              <ArcFlashView report={arc.report} where={arc.where} ms={arc.ms} selected={fault} onSelect={setFault} />
              {arcBus ? <LabelPreview bus={arcBus} study={doc.name} /> : <p className="hint">Click a row or a bus for its label and the time-current curves of the devices that clear it.</p>}
              {arcBus && (
                <TccPanel key={arcBus.id} all={rows(doc, "protective_devices" as never).map((d) => d.id)} initial={clearingDevices(arcBus)} tcc={tcc} onDraw={(d) => void drawTcc(d)} bus={arcBus.id} />
              )}
            </section>
          )}
          {study === "selectivity" && sel && (
            <section className="panel results" aria-labelledby="selectivity-title">
              <div className="results-head">
                <h2 id="selectivity-title">Selectivity</h2>
                <div className="toolbar">
                  <button type="button" id="download-selectivity-json" onClick={() => download(`${stem(doc)}-selectivity.json`, JSON.stringify(sel.report, null, 2))}>Download JSON</button>
                </div>
              </div>
              {selStale && <p className="notice error">The network changed after this study: run it again for current results.</p>}
              <SelectivityView report={sel.report} where={sel.where} ms={sel.ms} buses={selBuses} focus={selFocus} onFocus={(f) => void focusSelectivity(f)} />
              {selPairs.length > 0 && selPairs.length <= MAX_TCC_PAIRS && (
                <TccPanel key={JSON.stringify([selFocus.kind, selFocus.kind === "bus" ? selFocus.bus : selFocus.kind === "device" ? selFocus.device : selFocus.kind === "pair" ? selFocus.key : ""])}
                  all={rows(doc, "protective_devices" as never).map((d) => d.id)} initial={pairDevices(selPairs)} tcc={tcc} onDraw={(d) => void drawTcc(d)} pairs={selPairs}
                  title="Time-current curves of the pairs shown, each pair's coordination time interval marked" />
              )}
              {selPairs.length > MAX_TCC_PAIRS && <p className="hint">Choose a bus, a device or a pair for its time-current curves ({selPairs.length} pairs are shown).</p>}
            </section>
          )}
          {report && study === "short_circuit" && (
            <section className="panel results" aria-labelledby="results-title">
              <div className="results-head">
                <h2 id="results-title">Results</h2>
                <div className="toolbar">
                  <button type="button" id="download-csv" onClick={() => download(`${stem(doc)}-${report.study.fault}-${report.study.case}.csv`, reportCsv(report, `${stem(doc)}.json`, version()), "text/csv")}>Download CSV</button>
                  {report.branches.length > 0 && <button type="button" id="download-branches" onClick={() => download(`${stem(doc)}-${report.study.fault}-${report.study.case}-branches.csv`, tableCsv(report, report.branches, `${stem(doc)}.json`, version()), "text/csv")}>Branches CSV</button>}
                  {report.voltages.length > 0 && <button type="button" id="download-voltages" onClick={() => download(`${stem(doc)}-${report.study.fault}-${report.study.case}-voltages.csv`, tableCsv(report, report.voltages, `${stem(doc)}.json`, version()), "text/csv")}>Voltages CSV</button>}
                  <button type="button" id="download-json" onClick={() => download(`${stem(doc)}-${report.study.fault}-${report.study.case}.json`, reportJson(report))}>Download JSON</button>
                  <button type="button" onClick={() => setTab("report")}>Report</button>
                </div>
              </div>
              <p className="study-header" id="study-header">{studyHeader(report, result!.where, result!.ms)}</p>
              {stale && <p className="notice error">The network changed after this study: run it again for current results.</p>}
              {warnings.length > 0
                ? <IssueList issues={warnings} title="Warnings of the study" />
                : <p className="ok-note">The study reported no warnings.</p>}
              <IkChart report={report} onSelect={setFault} />
              <p className="hint">Click a row, a bar or a bus to see the branch contributions and bus voltages of a fault there. Click a column to sort.</p>
              <ResultsTable report={report} selected={fault} onSelect={setFault} />
            </section>
          )}
          <section className="panel diagram" aria-labelledby="study-diagram-title">
            <h2 id="study-diagram-title">Diagram{fault ? `: fault at ${fault}` : ""}</h2>
            {diagram}
            {report && fault && study === "short_circuit" && <BranchTable report={report} fault={fault} />}
          </section>
        </main>
      )}

      {tab === "versions" && project && (
        <VersionsView api={api} project={project} loaded={loadedVersion?.version ?? null} refreshKey={versionsKey}
          onOpenVersion={(v) => { void openVersion(project, v).then(() => { setVersionsKey((k) => k + 1); setTab("network"); }); }} />
      )}

      {tab === "assistant" && mode === "platform" && <AssistantPanel api={api} projectId={project?.id ?? null} />}

      {tab === "report" && (
        <main className="report-view">
          <div className="toolbar no-print"><button type="button" className="primary" onClick={() => window.print()} id="print">Print or save as PDF</button></div>
          <ReportView doc={doc} report={stale ? null : report} where={result?.where ?? ""} ms={result?.ms} digest={checked.digest} diagram={diagram}
            duty={duty && !dutyStale ? duty.report : null} arc={arc && !arcStale ? arc.report : null} selectivity={sel && !selStale ? sel.report : null} />
        </main>
      )}

      <footer className="foot no-print">
        AmpFlux {engine === "ready" ? version() : ""} · IEC 60909-0:2016 ·{" "}
        {mode === "platform" ? "signed in: projects and server studies on this server" : "offline: studies run in this browser, nothing is uploaded"} ·{" "}
        {hasServer && <><a href="/docs">API documentation</a> · <a href="/openapi.json">OpenAPI</a></>}
      </footer>
    </div>
  );
}

function TopBar({ mode, me, project, version: v, dirty, onSignOut, onSignIn, engine }: {
  mode: Mode; me: Me | null; project?: Project | null; version?: number; dirty?: boolean; onSignOut: () => void; onSignIn?: () => void; engine?: string;
}) {
  return (
    <header className="top">
      <h1>AmpFlux</h1>
      <span className="context">
        {project ? <>{project.name}{v ? ` · v${v}` : ""}{dirty ? " · unsaved changes" : ""}</> : mode === "offline" ? "offline" : ""}
      </span>
      {engine && engine !== "ready" && <span className={`engine ${engine}`} role="status">{engine === "loading" ? "loading the engine…" : "the engine could not be loaded"}</span>}
      <span className="who">
        {me ? <>{me.name} <button type="button" onClick={onSignOut} id="sign-out">Sign out</button></> : onSignIn && mode === "offline" ? <button type="button" onClick={onSignIn} id="sign-in">Sign in</button> : null}
      </span>
    </header>
  );
}

/** Which devices to draw on a TCC (those that clear the bus preselected), and the chart. */
function TccPanel({ all, initial, tcc, onDraw, bus, pairs, title }: {
  all: string[]; initial: string[]; tcc: { devices: string[]; report?: TccReport; error?: string } | null; onDraw: (devices: string[]) => void;
  bus?: string; pairs?: SelectivityPair[]; title?: string;
}) {
  const [chosen, setChosen] = useState<string[]>(initial.length ? initial : all.slice(0, 4));
  useEffect(() => { if (chosen.length) onDraw(chosen); }, []);
  if (all.length === 0) return <p className="hint">The network has no protective devices: add relays, trip units or fuses (table protective_devices) for time-current curves.</p>;
  const toggle = (d: string) => setChosen((c) => (c.includes(d) ? c.filter((x) => x !== d) : [...c, d]));
  return (
    <section className="tcc-panel" aria-labelledby="tcc-title" id="tcc-panel">
      <h3 id="tcc-title">{title ?? `Time-current curves${initial.length ? `: the devices that clear ${bus}` : ""}`}</h3>
      <div className="toolbar">
        {all.map((d) => <label key={d} className="inline"><input type="checkbox" checked={chosen.includes(d)} onChange={() => toggle(d)} data-device={d} /> {d}</label>)}
        <button type="button" id="draw-tcc" onClick={() => onDraw(chosen)} disabled={chosen.length === 0}>Draw</button>
      </div>
      {tcc?.error && <p className="field-error" role="alert">{tcc.error}</p>}
      {tcc?.report ? <TccChart report={tcc.report} pairs={pairs} /> : !tcc?.error && <p className="hint">Drawing…</p>}
    </section>
  );
}

