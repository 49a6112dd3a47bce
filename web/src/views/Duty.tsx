// The equipment duty view: the core's duty report (`Network.duty`) as a summary, a table of
// every device and check (duty against rating with units, utilization, verdict, the governing
// fault type, location and scenario), the worst first, failing rows highlighted, and the
// verdicts coloured on the one-line diagram. Every number is the engine's.
import { useMemo, useState } from "react";
import type { DutyCheck, DutyReport, Verdict } from "../../pkg/ampflux_wasm.js";
import type { DiagramMarks, Mark } from "../diagram/Diagram";
import { rows, type NetworkDoc } from "../model/doc";
import { fmt } from "../util/format";
import { IssueList } from "./Results";

/** Verdicts from the worst: a device shows its worst check. */
export const VERDICT_ORDER: Verdict[] = ["fail", "marginal", "unrated", "pass"];

const CHECK_LABEL: Record<string, string> = {
  breaking: "breaking (symmetrical)",
  breaking_asym: "breaking (asymmetrical)",
  service_breaking: "service breaking Ics",
  making: "making (peak)",
  short_time: "short-time withstand",
  peak: "peak withstand",
  cable_thermal: "cable thermal (adiabatic)",
};

const FAULT_LABEL: Record<string, string> = { "3ph": "3ph", "2ph": "2ph", "1ph": "1ph", "2phe": "2phE" };

/** The checks, worst first: by verdict, then by utilization (highest first). */
export function worstFirst(checks: DutyCheck[]): DutyCheck[] {
  const rank = (c: DutyCheck) => VERDICT_ORDER.indexOf(c.verdict);
  return [...checks].sort((a, b) => rank(a) - rank(b) || (b.utilization_percent ?? -1) - (a.utilization_percent ?? -1));
}

/**
 * The worst verdict at each thing of the diagram: buses and lines are drawn themselves; a switch
 * at a branch end is drawn with its branch (a bus coupler is its own edge), so a branch shows
 * the worst of its own checks and its switches'.
 */
export function dutyMarks(report: DutyReport, doc: NetworkDoc): Map<string, Mark> {
  const switchAt = new Map(rows(doc, "switches").map((s) => [s.id, s.element as string]));
  const buses = new Set(rows(doc, "buses").map((b) => b.id));
  const out = new Map<string, Mark>();
  for (const c of worstFirst(report.checks)) {
    const at = c.table === "switches" && switchAt.has(c.element) && !buses.has(switchAt.get(c.element)!) ? switchAt.get(c.element)! : c.element;
    const note = `${at === c.element ? "" : `${c.element} `}${CHECK_LABEL[c.check] ?? c.check}: ${c.verdict}${c.utilization_percent !== null ? ` (${fmt(c.utilization_percent, 1)} %)` : ""}`;
    const m = out.get(at);
    if (m) m.notes.push(note);
    else out.set(at, { kind: c.verdict, notes: [note] });
  }
  return out;
}

export function dutyDiagramMarks(report: DutyReport, doc: NetworkDoc): DiagramMarks {
  const byId = dutyMarks(report, doc);
  const count = (v: Verdict) => [...byId.values()].filter((m) => m.kind === v).length;
  return {
    byId,
    legend: (
      <p className="legend mark-legend" aria-label="Legend of the duty verdicts">
        Worst check per device: <span className="swatch mark-fail" /> fail ({count("fail")}){" "}
        <span className="swatch mark-marginal" /> marginal ({count("marginal")}){" "}
        <span className="swatch mark-pass" /> pass ({count("pass")}){" "}
        <span className="swatch mark-unrated" /> unrated ({count("unrated")}) · a branch shows its breakers and fuses too; hover for the checks
      </p>
    ),
  };
}

/** Where a report was computed, and how long it took (the end of a study header). */
export function computedWhere(where: string, ms?: number): string {
  // the server counts whole milliseconds: 0 is under one
  return `${where}${ms === undefined ? "" : ms === 0 ? " in under 1 ms" : ` in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`}`;
}

export function dutyHeader(report: DutyReport, where?: string, ms?: number): string {
  const s = report.study;
  const faults = [...new Set(report.cases.map((c) => FAULT_LABEL[c.fault] ?? c.fault))].join(", ");
  const scenarios = [...new Set(report.cases.map((c) => c.scenario))].join(", ");
  return `Equipment duty · IEC 60909-0:2016 maximum case · fault types ${faults || "none"} · scenarios ${scenarios || "base"} · ` +
    `current a device sees: ${s.duty_basis === "through" ? "its own (branch results)" : "the total at its bus"} · marginal from ${s.marginal_percent} % · ` +
    `Tk = ${s.tk_s} s · tmin = ${s.tmin_s} s · ${report.checks.length} checks${where ? ` · ${computedWhere(where, ms)}` : ""}`;
}

type SortKey = "element" | "check" | "duty" | "rating" | "utilization_percent" | "verdict";

export function DutyView({ report, where, ms, selected, onSelect }: { report: DutyReport; where: string; ms?: number; selected: string | null; onSelect: (element: string) => void }) {
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 } | null>(null);
  const [onlyProblems, setOnlyProblems] = useState(false);
  const rows = useMemo(() => {
    let list = worstFirst(report.checks);
    if (onlyProblems) list = list.filter((c) => c.verdict !== "pass");
    if (sort) {
      const val = (c: DutyCheck): number | string => (sort.key === "verdict" ? VERDICT_ORDER.indexOf(c.verdict) : (c[sort.key] ?? -Infinity) as number | string);
      list = [...list].sort((a, b) => {
        const x = val(a), y = val(b);
        return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
      });
    }
    return list;
  }, [report, sort, onlyProblems]);
  const header = (key: SortKey, label: string, unit?: string) => (
    <th scope="col" aria-sort={sort?.key === key ? (sort.dir === 1 ? "ascending" : "descending") : "none"}>
      <button type="button" onClick={() => setSort({ key, dir: sort?.key === key ? (-sort.dir as 1 | -1) : key === "utilization_percent" ? -1 : 1 })}>{label}{unit ? ` (${unit})` : ""}</button>
    </th>
  );
  const s = report.summary;
  return (
    <div className="duty-view">
      <p className="study-header" id="duty-header">{dutyHeader(report, where, ms)}</p>
      <p className="duty-summary" id="duty-summary" role="status">
        <span className="verdict fail">{s.fail} fail</span> · <span className="verdict marginal">{s.marginal} marginal</span> ·{" "}
        <span className="verdict pass">{s.pass} pass</span> · <span className="verdict unrated">{s.unrated} unrated</span>
      </p>
      {report.warnings.length > 0 ? <IssueList issues={report.warnings} title="Warnings of the duty study" /> : <p className="ok-note">The duty study reported no warnings.</p>}
      <label className="inline"><input type="checkbox" checked={onlyProblems} onChange={(e) => setOnlyProblems(e.target.checked)} /> only checks that do not pass</label>
      <div className="table-scroll">
        <table className="results-table duty-table" id="duty-table">
          <thead>
            <tr>
              {header("element", "Device")}<th scope="col">Table</th>{header("check", "Check")}
              {header("duty", "Duty")}{header("rating", "Rating")}<th scope="col">Unit</th>
              {header("utilization_percent", "Utilization", "%")}{header("verdict", "Verdict")}
              <th scope="col">Fault</th><th scope="col">Location</th><th scope="col">Scenario</th><th scope="col">Note</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 2000).map((c, i) => (
              <tr key={`${c.element}/${c.check}/${i}`} className={`verdict-${c.verdict}${c.element === selected ? " selected" : ""}`} data-element={c.element} data-check={c.check} data-verdict={c.verdict}
                onClick={() => onSelect(c.element)}>
                <th scope="row">{c.element}</th><td>{c.table}</td><td>{CHECK_LABEL[c.check] ?? c.check}</td>
                <td data-key="duty" data-value={c.duty}>{fmt(c.duty, c.unit === "mm2" ? 1 : 2)}</td>
                <td data-key="rating" data-value={c.rating ?? ""}>{c.rating === null ? "–" : fmt(c.rating, c.unit === "mm2" ? 1 : 2)}</td>
                <td>{c.unit === "mm2" ? "mm²" : c.unit}</td>
                <td data-key="utilization_percent" data-value={c.utilization_percent ?? ""}>{c.utilization_percent === null ? "–" : fmt(c.utilization_percent, 1)}</td>
                <td className="verdict-cell">{c.verdict}</td>
                <td>{c.fault ? FAULT_LABEL[c.fault] ?? c.fault : "–"}</td><td>{c.location ?? "–"}</td><td>{c.scenario ?? "–"}</td>
                <td className="note">{c.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {rows.length > 2000 && <p className="hint">The 2000 worst of {rows.length} checks are shown; the JSON download has them all.</p>}
      </div>
    </div>
  );
}
