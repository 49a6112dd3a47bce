// The printable report (browser print to PDF): inputs, options and standard edition, results,
// warnings and the diagram, on pages of their own.
import type { DutyReport, StudyReport } from "../../pkg/ampflux_wasm.js";
import type { ArcFlashReport, SelectivityReport } from "../engine/protection";
import { getField, rows, type NetworkDoc } from "../model/doc";
import { TABLES } from "../model/schema";
import { fmt } from "../util/format";
import { arcFlashHeader } from "./ArcFlash";
import { dutyHeader, worstFirst } from "./Duty";
import { focusedPairs, selectivityHeader } from "./Selectivity";
import { columnsFor, reportWarnings, STANDARD, studyHeader } from "./Results";

/** Rows of the printed results table at most (a 100k-bus study is downloaded as JSON instead). */
const PRINT_ROWS = 2000;

export function ReportView({ doc, report, where, ms, digest, diagram, duty, arc, selectivity }: {
  doc: NetworkDoc; report: StudyReport | null; where: string; ms?: number; digest?: string; diagram: React.ReactNode;
  /** Current duty and arc-flash results (not stale), printed after the short-circuit results. */
  duty?: DutyReport | null; arc?: ArcFlashReport | null; selectivity?: SelectivityReport | null;
}) {
  const columns = report ? columnsFor(report) : [];
  const warnings = report ? reportWarnings(report) : [];
  return (
    <article className="report" id="report">
      <header>
        <h1>Short-circuit study: {doc.name ?? "unnamed network"}</h1>
        <p>{STANDARD} · AmpFlux · printed {new Date().toLocaleString()} · network digest {digest?.slice(0, 16) ?? "–"}…</p>
      </header>
      <section>
        <h2>Study options</h2>
        {report ? (
          <>
            <p>{studyHeader(report, where, ms)}</p>
            <table className="results-table compact"><tbody>
              {Object.entries(report.study).map(([k, v]) => <tr key={k}><th scope="row">{k}</th><td>{v === null ? "default (IEC 60909-0 Table 1)" : Array.isArray(v) ? (v.length ? JSON.stringify(v) : "none") : String(v)}</td></tr>)}
            </tbody></table>
          </>
        ) : <p>No study has been run yet.</p>}
      </section>
      {report && (
        <section>
          <h2>Results</h2>
          {warnings.length > 0 ? <ul>{warnings.map((w, i) => <li key={i}>{w.severity}: {w.message}</li>)}</ul> : <p>No warnings.</p>}
          <table className="results-table compact">
            <thead><tr><th>Bus</th>{columns.map((c) => <th key={c.key}>{c.label}{c.unit ? ` (${c.unit})` : ""}</th>)}<th>State</th></tr></thead>
            <tbody>{report.buses.slice(0, PRINT_ROWS).map((b) => (
              <tr key={b.id}><th scope="row">{b.id}</th>{columns.map((c) => <td key={c.key}>{fmt(b[c.key] as number | undefined, c.decimals)}</td>)}<td>{b.status}</td></tr>
            ))}</tbody>
          </table>
          {report.buses.length > PRINT_ROWS && <p>… {report.buses.length - PRINT_ROWS} more locations: download the results as JSON for all of them.</p>}
        </section>
      )}
      {duty && (
        <section id="report-duty">
          <h2>Equipment duty</h2>
          <p>{dutyHeader(duty)} · {duty.summary.fail} fail, {duty.summary.marginal} marginal, {duty.summary.pass} pass, {duty.summary.unrated} unrated</p>
          <table className="results-table compact">
            <thead><tr><th>Device</th><th>Check</th><th>Duty</th><th>Rating</th><th>Unit</th><th>Utilization (%)</th><th>Verdict</th><th>Fault</th><th>Location</th><th>Scenario</th></tr></thead>
            <tbody>{worstFirst(duty.checks).slice(0, PRINT_ROWS).map((c, i) => (
              <tr key={i} className={`verdict-${c.verdict}`}><th scope="row">{c.element}</th><td>{c.check}</td><td>{fmt(c.duty, 2)}</td><td>{fmt(c.rating, 2)}</td><td>{c.unit}</td>
                <td>{fmt(c.utilization_percent, 1)}</td><td className="verdict-cell">{c.verdict}</td><td>{c.fault ?? "–"}</td><td>{c.location ?? "–"}</td><td>{c.scenario ?? "–"}</td></tr>
            ))}</tbody>
          </table>
        </section>
      )}
      {arc && (
        <section id="report-arcflash">
          <h2>Arc flash</h2>
          <p>{arcFlashHeader(arc)}</p>
          <table className="results-table compact">
            <thead><tr><th>Bus</th><th>Ibf (kA)</th><th>Iarc (kA)</th><th>Iarc,min (kA)</th><th>Clearing (ms)</th><th>Device</th><th>Incident energy (cal/cm²)</th><th>AFB (mm)</th><th>PPE category</th></tr></thead>
            <tbody>{arc.buses.slice(0, PRINT_ROWS).map((b) => (
              <tr key={b.id}><th scope="row">{b.id}</th><td>{fmt(b.ibf_ka, 2)}</td><td>{fmt(b.iarc_ka, 2)}</td><td>{fmt(b.iarc_min_ka, 2)}</td><td>{fmt(b.clearing_time_ms, 0)}</td>
                <td>{b.device ?? "none"}</td><td>{fmt(b.incident_energy_cal_per_cm2, 2)}</td><td>{fmt(b.afb_mm, 0)}</td><td>{b.ppe_category ?? "none (> 40 cal/cm²)"}</td></tr>
            ))}</tbody>
          </table>
        </section>
      )}
      {selectivity && (
        <section id="report-selectivity">
          <h2>Selectivity</h2>
          <p>{selectivityHeader(selectivity)}</p>
          <table className="results-table compact">
            <thead><tr><th>Downstream</th><th>Upstream</th><th>Fault at</th><th>I down (kA)</th><th>I up (kA)</th><th>Clears (s)</th><th>Operates from (s)</th><th>CTI (s)</th><th>Required (s)</th><th>Verdict</th></tr></thead>
            <tbody>{focusedPairs(selectivity, { kind: "all" }).slice(0, PRINT_ROWS).map((p) => (
              <tr key={`${p.downstream}>${p.upstream}`} className={`verdict-${p.pass ? "pass" : "fail"}`}><th scope="row">{p.downstream}</th><td>{p.upstream}</td><td>{p.fault_bus}</td>
                <td>{fmt(p.current_downstream_ka, 2)}</td><td>{fmt(p.current_upstream_ka, 2)}</td><td>{fmt(p.time_downstream_s, 3)}</td><td>{fmt(p.time_upstream_s, 3)}</td>
                <td>{fmt(p.margin_s, 3)}</td><td>{fmt(p.required_s, 3)}</td><td className="verdict-cell">{p.pass ? "pass" : "fail"}</td></tr>
            ))}</tbody>
          </table>
        </section>
      )}
      <section className="report-diagram">
        <h2>One-line diagram</h2>
        {diagram}
      </section>
      <section>
        <h2>Inputs</h2>
        <p>Frequency {doc.frequency_hz} Hz.</p>
        {TABLES.map((t) => {
          const list = rows(doc, t.table);
          if (list.length === 0) return null;
          const keys = ["id", ...t.fields.map((f) => f.key).filter((k) => list.some((e) => getField(e, k) !== undefined))];
          return (
            <div key={t.table} className="report-table">
              <h3>{t.title}</h3>
              <table className="results-table compact">
                <thead><tr>{keys.map((k) => { const f = t.fields.find((x) => x.key === k); return <th key={k}>{f ? f.label : "Id"}{f?.unit ? ` (${f.unit})` : ""}</th>; })}</tr></thead>
                <tbody>{list.slice(0, PRINT_ROWS).map((e) => <tr key={e.id}>{keys.map((k) => { const v = getField(e, k); return <td key={k}>{cellText(v)}</td>; })}</tr>)}</tbody>
              </table>
            </div>
          );
        })}
      </section>
    </article>
  );
}

/** A field's value in a table cell: switch states as `Q1 closed, Q2 open`, lists joined. */
function cellText(v: unknown): string {
  if (v === undefined || v === null) return "";
  if (Array.isArray(v)) return v.join(", ");
  if (typeof v === "object") return Object.entries(v as Record<string, unknown>).map(([k, x]) => (typeof x === "boolean" ? `${k} ${x ? "closed" : "open"}` : `${k}: ${String(x)}`)).join(", ");
  return String(v);
}
