// The arc-flash view: the core's IEEE 1584-2018 study (`Network.arcFlash`) per bus (bolted and
// arcing currents of both scenarios, clearing times and the device that clears, incident
// energy, arc-flash boundary, PPE category, warnings), the label of the selected bus as the
// core draws it (`arcFlashLabelSvg`, NFPA 70E 130.5(H)), and the TCC of the devices that clear
// it. Every number and the label are the engine's.
import { useMemo, useState } from "react";
import { arcFlashLabelSvg, type ArcFlashBus, type ArcFlashReport } from "../engine/protection";
import { fmt } from "../util/format";
import { computedWhere } from "./Duty";
import { IssueList } from "./Results";

export function arcFlashHeader(report: ArcFlashReport, where?: string, ms?: number): string {
  const s = report.study;
  return `IEEE 1584-2018 · NFPA 70E PPE categories · ${s.energy_method === "step_wise" ? "step-wise" : "single-step"} incident energy · ` +
    `longest arc ${s.max_arc_duration_s} s · motors ${s.motor_decay_s === null ? "until a device opens" : `${s.motor_decay_s} s`} · ` +
    `converters ${s.converter_trip_s === null ? "until a device opens" : `${s.converter_trip_s} s`} · IEC 60909-0:2016 ${s.short_circuit.case}imum case, three-phase · ` +
    `${report.buses.length} buses${where ? ` · ${computedWhere(where, ms)}` : ""}`;
}

/** The devices that carried the arcing current at `bus` in either scenario (for its TCC). */
export function clearingDevices(bus: ArcFlashBus): string[] {
  const out: string[] = [];
  for (const s of bus.scenarios) for (const d of s.devices) if (!out.includes(d.device)) out.push(d.device);
  return out;
}

const ppe = (c: number | null) => (c === null ? "none (> 40 cal/cm²)" : String(c));

type SortKey = "id" | "vn_kv" | "ibf_ka" | "iarc_ka" | "clearing_time_ms" | "incident_energy_cal_per_cm2" | "afb_mm" | "ppe_category";

export function ArcFlashView({ report, where, ms, selected, onSelect }: { report: ArcFlashReport; where: string; ms?: number; selected: string | null; onSelect: (bus: string) => void }) {
  const [sort, setSort] = useState<{ key: SortKey; dir: 1 | -1 }>({ key: "incident_energy_cal_per_cm2", dir: -1 });
  const rows = useMemo(() => [...report.buses].sort((a, b) => {
    const x = a[sort.key] ?? Infinity, y = b[sort.key] ?? Infinity;
    return (x < y ? -1 : x > y ? 1 : 0) * sort.dir;
  }), [report, sort]);
  const header = (key: SortKey, label: string, unit?: string) => (
    <th scope="col" aria-sort={sort.key === key ? (sort.dir === 1 ? "ascending" : "descending") : "none"}>
      <button type="button" onClick={() => setSort({ key, dir: sort.key === key ? (-sort.dir as 1 | -1) : 1 })}>{label}{unit ? ` (${unit})` : ""}</button>
    </th>
  );
  const warnings = [...report.warnings, ...report.buses.flatMap((b) => b.warnings)];
  return (
    <div className="arcflash-view">
      <p className="study-header" id="arcflash-header">{arcFlashHeader(report, where, ms)}</p>
      {warnings.length > 0 ? <IssueList issues={warnings} title="Warnings of the arc-flash study" /> : <p className="ok-note">The arc-flash study reported no warnings.</p>}
      <div className="table-scroll">
        <table className="results-table arcflash-table" id="arcflash-table">
          <thead>
            <tr>
              {header("id", "Bus")}{header("vn_kv", "Un", "kV")}{header("ibf_ka", "Ibf", "kA")}
              {header("iarc_ka", "Iarc", "kA")}<th scope="col">Iarc,min (kA)</th>
              {header("clearing_time_ms", "Clearing time", "ms")}<th scope="col">at Iarc,min (ms)</th><th scope="col">Clearing device</th>
              {header("incident_energy_cal_per_cm2", "Incident energy", "cal/cm²")}<th scope="col">(J/cm²)</th>
              {header("afb_mm", "Arc-flash boundary", "mm")}{header("ppe_category", "PPE category")}<th scope="col">Working distance (mm)</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <tr key={b.id} data-bus={b.id} className={`${b.id === selected ? "selected" : ""}${b.ppe_category === null ? " verdict-fail" : ""}`} onClick={() => onSelect(b.id)}>
                <th scope="row">{b.id}{b.name ? <span className="hint"> {b.name}</span> : null}</th>
                <td>{fmt(b.vn_kv, 3)}</td><td data-key="ibf_ka">{fmt(b.ibf_ka, 2)}</td>
                <td data-key="iarc_ka">{fmt(b.iarc_ka, 2)}</td><td data-key="iarc_min_ka">{fmt(b.iarc_min_ka, 2)}</td>
                <td data-key="clearing_time_ms">{fmt(b.clearing_time_ms, 0)}</td><td data-key="clearing_time_min_ms">{fmt(b.clearing_time_min_ms, 0)}</td>
                <td>{b.device ?? "none (longest arc)"}</td>
                <td data-key="incident_energy_cal_per_cm2" data-value={b.incident_energy_cal_per_cm2}>{fmt(b.incident_energy_cal_per_cm2, 2)}</td>
                <td data-key="incident_energy_j_per_cm2">{fmt(b.incident_energy_j_per_cm2, 2)}</td>
                <td data-key="afb_mm">{fmt(b.afb_mm, 0)}</td><td data-key="ppe_category">{ppe(b.ppe_category)}</td>
                <td>{fmt(b.equipment.working_distance_mm, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The label of one bus as the core draws it, shown as an image (no markup of ours inside). */
export function LabelPreview({ bus, study }: { bus: ArcFlashBus; study?: string }) {
  const [method, setMethod] = useState<"incident_energy" | "ppe_category">("incident_energy");
  const svg = useMemo(() => arcFlashLabelSvg(bus, { date: new Date().toISOString().slice(0, 10), study: study ?? null, method }), [bus, method, study]);
  const url = useMemo(() => `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`, [svg]);
  const download = () => {
    const a = document.createElement("a");
    a.href = url;
    a.download = `arc-flash-label-${bus.id}.svg`;
    a.click();
  };
  const sc = bus.scenarios.find((s) => s.scenario === bus.governing) ?? bus.scenarios[0];
  return (
    <figure className="label-preview" id="label-preview" data-bus={bus.id}>
      <figcaption>
        Label of <b>{bus.id}</b> (NFPA 70E 130.5(H)) ·{" "}
        <label className="inline">method <select value={method} onChange={(e) => setMethod(e.target.value as typeof method)} aria-label="Label method">
          <option value="incident_energy">incident energy</option><option value="ppe_category">PPE category</option></select></label>{" "}
        <button type="button" onClick={download} id="download-label">Download SVG</button>
      </figcaption>
      <img src={url} alt={`Arc-flash label of ${bus.id}`} />
      <p className="hint">
        Governing: the {bus.governing === "full" ? "full" : "reduced"} arcing current {fmt(sc.iarc_ka, 2)} kA, cleared in {fmt(sc.clearing_time_ms, 0)} ms by {sc.device ?? "no device (longest arc)"} ({sc.ended_by.replace(/_/g, " ")}).
        {bus.typical_values.length > 0 && <> Typical values of IEEE 1584-2018 for {bus.equipment_class.replace(/_/g, " ")}: {bus.typical_values.join(", ")}.</>}
      </p>
    </figure>
  );
}
