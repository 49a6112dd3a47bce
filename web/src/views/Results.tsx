// Results of a study: the header (what was computed, by which edition), warnings, a sortable
// table with units (only the visible rows are in the DOM, so 100k buses scroll smoothly) and
// the I''k chart.
import { useMemo, useRef, useState } from "react";
import type { BusResult, Issue, StudyReport } from "../../pkg/ampflux_wasm.js";
import { fmt } from "../util/format";

export const STANDARD = "IEC 60909-0:2016";

export interface Column { key: keyof BusResult; label: string; unit: string; decimals: number }

export const COLUMNS: Column[] = [
  { key: "vn_kv", label: "Un", unit: "kV", decimals: 3 },
  { key: "ikss_ka", label: "I''k", unit: "kA", decimals: 3 },
  { key: "skss_mva", label: "S''k", unit: "MVA", decimals: 2 },
  { key: "ip_ka", label: "ip", unit: "kA", decimals: 3 },
  { key: "ib_ka", label: "Ib", unit: "kA", decimals: 3 },
  { key: "ib_asym_ka", label: "Ib,asym", unit: "kA", decimals: 3 },
  { key: "idc_ka", label: "iDC", unit: "kA", decimals: 3 },
  { key: "ith_ka", label: "Ith", unit: "kA", decimals: 3 },
  { key: "ik_ka", label: "Ik", unit: "kA", decimals: 3 },
  { key: "kappa", label: "κ", unit: "", decimals: 4 },
  { key: "rk_ohm", label: "Rk", unit: "Ω", decimals: 5 },
  { key: "xk_ohm", label: "Xk", unit: "Ω", decimals: 5 },
];

const EARTH_COLUMNS: Column[] = [
  { key: "ikss_earth_ka", label: "3I0", unit: "kA", decimals: 3 },
  { key: "rk0_ohm", label: "R0", unit: "Ω", decimals: 5 },
  { key: "xk0_ohm", label: "X0", unit: "Ω", decimals: 5 },
];

/** Earth faults outside IEC 60909 (isolated or resonance-earthed neutral, clause 1). */
const OUTSIDE_COLUMNS: Column[] = [
  { key: "ice_ka", label: "ICE", unit: "kA", decimals: 4 },
  { key: "ires_ka", label: "IRes", unit: "kA", decimals: 4 },
];

export function columnsFor(report: StudyReport): Column[] {
  const has = (k: keyof BusResult) => report.buses.some((b) => b[k] !== undefined && b[k] !== null);
  const base = COLUMNS.filter((c) => has(c.key) || c.key === "ikss_ka");
  const earth = report.buses.some((b) => b.ikss_earth_ka !== undefined || b.rk0_ohm !== undefined) ? EARTH_COLUMNS : [];
  return [...base, ...earth, ...OUTSIDE_COLUMNS.filter((c) => has(c.key))];
}

export function studyHeader(report: StudyReport, where: string, ms?: number): string {
  const s = report.study;
  const faults = { "3ph": "three-phase", "2ph": "line-to-line", "1ph": "line-to-earth", "2phe": "double line-to-earth" }[s.fault] ?? s.fault;
  return `${STANDARD} · ${faults} fault (${s.fault}) · ${s.case}imum case · peak method ${s.ip_method.toUpperCase()} · Tk = ${s.tk_s} s · tmin = ${s.tmin_s} s · ` +
    `LV tolerance ${s.lv_tolerance_percent} % · ${report.buses.length} fault locations · ${where}${ms !== undefined ? ` in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms` : ""}`;
}

/** Warnings of the study and of the results: unsupplied buses are named even when the engine only marks them. */
export function reportWarnings(report: StudyReport): Issue[] {
  const out: Issue[] = [...report.warnings];
  const named = new Set(report.warnings.map((w) => w.element));
  for (const b of report.buses) {
    if (b.status !== "ok" && !named.has(b.id)) {
      out.push({ severity: "warning", code: b.status, table: "buses", element: b.id,
        message: b.status === "unsupplied" ? `bus ${b.id} is not supplied by any source: no short-circuit current`
          : b.status === "resonance_earthed" ? `bus ${b.id} is resonance-earthed: a line-to-earth fault there is outside IEC 60909 (clause 1); the residual current is given where the coil is known`
          : `bus ${b.id} has no zero-sequence path (isolated neutral): a line-to-earth fault there is outside IEC 60909 (clause 1); the capacitive earth-fault current is given where the capacitances are known` } as Issue);
    }
  }
  return out;
}

export function IssueList({ issues, title, onPick }: { issues: Issue[]; title: string; onPick?: (i: Issue) => void }) {
  if (issues.length === 0) return null;
  const errors = issues.filter((i) => i.severity === "error").length;
  return (
    <div className={`issues ${errors ? "has-errors" : ""}`} role="status">
      <p><b>{title}</b>: {errors ? `${errors} error${errors > 1 ? "s" : ""}` : ""}{errors && issues.length > errors ? ", " : ""}{issues.length > errors ? `${issues.length - errors} warning${issues.length - errors > 1 ? "s" : ""}` : ""}</p>
      <ul>
        {issues.slice(0, 50).map((i, k) => (
          <li key={k} className={i.severity}>
            {onPick && i.element ? <button type="button" className="link" onClick={() => onPick(i)}>{i.table ? `${i.table} ` : ""}{i.element}{i.field ? `.${i.field}` : ""}</button>
              : <span>{[i.table, i.element].filter(Boolean).join(" ")}{i.field ? `.${i.field}` : ""}</span>}{" "}
            {i.message}
          </li>
        ))}
        {issues.length > 50 && <li>… and {issues.length - 50} more</li>}
      </ul>
    </div>
  );
}

const ROW_H = 28;
const WINDOW = 60;

export function ResultsTable({ report, selected, onSelect }: { report: StudyReport; selected: string | null; onSelect: (id: string) => void }) {
  const columns = columnsFor(report);
  const [sort, setSort] = useState<{ key: string; dir: 1 | -1 } | null>(null);
  const [top, setTop] = useState(0);
  const box = useRef<HTMLDivElement>(null);
  const rowsSorted = useMemo(() => {
    const list = [...report.buses];
    if (!sort) return list;
    return list.sort((a, b) => {
      const x = (a as unknown as Record<string, number | string>)[sort.key];
      const y = (b as unknown as Record<string, number | string>)[sort.key];
      if (typeof x === "string" || typeof y === "string") return String(x).localeCompare(String(y), undefined, { numeric: true }) * sort.dir;
      // locations without the quantity (null: outside IEC 60909, or unsupplied) last either way
      if (x === null || x === undefined || y === null || y === undefined) return (x === null || x === undefined ? 1 : 0) - (y === null || y === undefined ? 1 : 0);
      return (x - y) * sort.dir;
    });
  }, [report, sort]);
  const first = Math.max(0, Math.floor(top / ROW_H) - 10);
  const visible = rowsSorted.slice(first, first + WINDOW);
  const toggle = (key: string) => setSort((s) => (s?.key === key ? { key, dir: s.dir === -1 ? 1 : -1 } : { key, dir: key === "id" ? 1 : -1 }));
  const aria = (key: string) => (sort?.key === key ? (sort.dir === 1 ? "ascending" : "descending") : "none");
  return (
    <div className="table-box" ref={box} onScroll={(e) => setTop((e.target as HTMLDivElement).scrollTop)}>
      <table className="results-table" id="results-table">
        <thead>
          <tr>
            <th data-key="id" aria-sort={aria("id")}><button type="button" onClick={() => toggle("id")}>Bus</button></th>
            {columns.map((c) => (
              <th key={c.key} data-key={c.key} aria-sort={aria(c.key)}>
                <button type="button" onClick={() => toggle(c.key)}>{c.label}{c.unit && <span className="unit"> ({c.unit})</span>}</button>
              </th>
            ))}
            <th>State</th>
          </tr>
        </thead>
        <tbody>
          {first > 0 && <tr style={{ height: first * ROW_H }} aria-hidden="true"><td colSpan={columns.length + 2} /></tr>}
          {visible.map((b) => (
            <tr key={b.id} data-bus={b.id} className={b.id === selected ? "selected" : b.status !== "ok" ? "warn" : ""} onClick={() => onSelect(b.id)}>
              <th scope="row">{b.id}</th>
              {columns.map((c) => {
                const v = b[c.key] as number | undefined;
                return <td key={c.key} data-key={c.key} data-value={v ?? ""}>{fmt(v, c.decimals)}</td>;
              })}
              <td>{b.status === "ok" ? (b.meshed ? "meshed" : "radial") : b.status}</td>
            </tr>
          ))}
          {first + WINDOW < rowsSorted.length && <tr style={{ height: (rowsSorted.length - first - WINDOW) * ROW_H }} aria-hidden="true"><td colSpan={columns.length + 2} /></tr>}
        </tbody>
      </table>
    </div>
  );
}

export function BranchTable({ report, fault }: { report: StudyReport; fault: string }) {
  const list = report.branches.filter((b) => b.fault_bus === fault);
  const volts = report.voltages.filter((v) => v.fault_bus === fault);
  if (list.length === 0 && volts.length === 0) {
    return <p className="hint">No branch results for {fault}: tick “Branch currents and bus voltages” and run the study again.</p>;
  }
  return (
    <div className="branch-results">
      <h3>Contributions to a fault at {fault}</h3>
      <table className="results-table compact" id="branch-table">
        <thead><tr><th>Branch</th><th>From</th><th>To</th><th>I''k from (kA)</th><th>I''k to (kA)</th><th>ip (kA)</th><th>Ith (kA)</th></tr></thead>
        <tbody>
          {list.map((b) => (
            <tr key={b.id} data-branch={b.id}><th scope="row">{b.id}</th><td>{b.from_bus}</td><td>{b.to_bus}</td><td>{fmt(b.ikss_from_ka)}</td><td>{fmt(b.ikss_to_ka)}</td><td>{fmt(b.ip_ka)}</td><td>{fmt(b.ith_ka)}</td></tr>
          ))}
        </tbody>
      </table>
      {(report.partial_currents ?? []).some((p) => p.fault_bus === fault) && (
        <>
          <h3>Partial currents of the sources</h3>
          <table className="results-table compact" id="partial-table">
            <thead><tr><th>Source</th><th>Kind</th><th>At bus</th><th>I''k (kA)</th><th>Angle (°)</th><th>ip (kA)</th><th>Ib (kA)</th><th>Ik (kA)</th><th>μ</th><th>q</th></tr></thead>
            <tbody>
              {report.partial_currents!.filter((p) => p.fault_bus === fault).map((p) => (
                <tr key={p.source} data-source={p.source}><th scope="row">{p.source}</th><td>{p.kind}</td><td>{p.bus}</td><td>{fmt(p.ikss_ka)}</td><td>{fmt(p.angle_deg, 1)}</td><td>{fmt(p.ip_ka)}</td><td>{fmt(p.ib_ka)}</td><td>{fmt(p.ik_ka)}</td><td>{fmt(p.mu, 4)}</td><td>{fmt(p.q, 4)}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h3>Bus voltages during that fault</h3>
      <table className="results-table compact" id="voltage-table">
        <thead><tr><th>Bus</th><th>U1 (p.u.)</th><th>U2 (p.u.)</th><th>U0 (p.u.)</th><th>Ua (p.u.)</th><th>Ub (p.u.)</th><th>Uc (p.u.)</th></tr></thead>
        <tbody>
          {volts.map((v) => (
            <tr key={v.bus}><th scope="row">{v.bus}</th><td>{fmt(v.v1_pu)}</td><td>{fmt(v.v2_pu)}</td><td>{fmt(v.v0_pu)}</td><td>{fmt(v.va_pu)}</td><td>{fmt(v.vb_pu)}</td><td>{fmt(v.vc_pu)}</td></tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
