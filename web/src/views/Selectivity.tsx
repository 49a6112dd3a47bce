// The selectivity view: the core's check of every pair of neighbouring protective devices in
// series (`Network.selectivity`, issue 15): at the fault with the largest current through the
// downstream device, the coordination time interval between the downstream device's total
// clearing time and the upstream device's earliest operation, against the required interval,
// pass or fail. Shown for the whole network, for the pairs on the paths from a chosen bus to
// the sources, for the pairs of one device, or for one pair; the TCC of the shown pairs' devices
// marks each pair's two operating points. Every number is the engine's.
import { useMemo } from "react";
import type { SelectivityPair, SelectivityReport } from "../engine/protection";
import { fmt } from "../util/format";
import { computedWhere } from "./Duty";
import { IssueList } from "./Results";

/** Which pairs are shown: every pair, those in series between a bus and the sources (`keys`:
 * the pairs the engine finds on those paths, `null` while it looks), a device's, or one pair. */
export type SelectivityFocus =
  | { kind: "all" }
  | { kind: "bus"; bus: string; keys: Set<string> | null; error?: string }
  | { kind: "device"; device: string }
  | { kind: "pair"; key: string };

/** A pair's identity: downstream then upstream device. */
export const pairKey = (p: Pick<SelectivityPair, "downstream" | "upstream">): string => `${p.downstream}>${p.upstream}`;

/** The pairs `focus` shows, failing pairs first (then by downstream, upstream device). */
export function focusedPairs(report: SelectivityReport, focus: SelectivityFocus): SelectivityPair[] {
  const keep = (p: SelectivityPair): boolean => {
    switch (focus.kind) {
      case "all": return true;
      case "bus": return focus.keys !== null && focus.keys.has(pairKey(p));
      case "device": return p.downstream === focus.device || p.upstream === focus.device;
      case "pair": return pairKey(p) === focus.key;
    }
  };
  return report.pairs.filter(keep).sort((a, b) => Number(a.pass) - Number(b.pass) || a.downstream.localeCompare(b.downstream) || a.upstream.localeCompare(b.upstream));
}

/** The devices of `pairs`, each once, downstream devices before the devices above them. */
export function pairDevices(pairs: SelectivityPair[]): string[] {
  const above = new Map<string, Set<string>>();
  for (const p of pairs) {
    if (!above.has(p.downstream)) above.set(p.downstream, new Set());
    if (!above.has(p.upstream)) above.set(p.upstream, new Set());
    above.get(p.downstream)!.add(p.upstream);
  }
  // depth below the top of its chain: devices nearer the fault have more devices above them
  const depth = new Map<string, number>();
  const depthOf = (d: string, seen = new Set<string>()): number => {
    if (depth.has(d)) return depth.get(d)!;
    if (seen.has(d)) return 0;
    seen.add(d);
    const ups = [...above.get(d) ?? []];
    const v = ups.length ? 1 + Math.max(...ups.map((u) => depthOf(u, seen))) : 0;
    depth.set(d, v);
    return v;
  };
  return [...above.keys()].sort((a, b) => depthOf(b) - depthOf(a) || a.localeCompare(b));
}

export function selectivityHeader(report: SelectivityReport, where?: string, ms?: number): string {
  const s = report.study;
  const failing = report.pairs.filter((p) => !p.pass).length;
  return `Selectivity · coordination time interval ${s.cti_s} s below a relay, bands apart below fuses and trip units · ` +
    `IEC 60909-0:2016 ${s.short_circuit.case}imum case, three-phase, at the fault with the largest current through the downstream device · ` +
    `${s.buses ? `fault buses ${s.buses.join(", ")}` : "every bus"} · ${report.pairs.length} pairs, ${failing} not selective${where ? ` · ${computedWhere(where, ms)}` : ""}`;
}

const seconds = (t: number | null) => (t === null ? "does not operate" : fmt(t, 3));

function focusValue(f: SelectivityFocus): string {
  return f.kind === "all" ? "all" : f.kind === "bus" ? `bus:${f.bus}` : f.kind === "device" ? `device:${f.device}` : `pair:${f.key}`;
}

export function SelectivityView({ report, where, ms, buses, focus, onFocus }: {
  report: SelectivityReport; where: string; ms?: number;
  /** Buses to offer as fault locations (the document's). */
  buses: string[];
  focus: SelectivityFocus; onFocus: (f: SelectivityFocus) => void;
}) {
  const pairs = useMemo(() => focusedPairs(report, focus), [report, focus]);
  const devices = useMemo(() => pairDevices(report.pairs).sort(), [report]);
  const failing = pairs.filter((p) => !p.pass).length;
  const choose = (value: string) => {
    const at = value.indexOf(":");
    const [kind, id] = at < 0 ? [value, ""] : [value.slice(0, at), value.slice(at + 1)];
    if (kind === "bus") onFocus({ kind: "bus", bus: id, keys: null });
    else if (kind === "device") onFocus({ kind: "device", device: id });
    else onFocus({ kind: "all" });
  };
  const what = focus.kind === "all" ? "every pair"
    : focus.kind === "bus" ? `the pairs in series between ${focus.bus} and the sources`
    : focus.kind === "device" ? `the pairs of ${focus.device}` : `the pair ${focus.key.replace(">", " below ")}`;
  return (
    <div className="selectivity-view">
      <p className="study-header" id="selectivity-header">{selectivityHeader(report, where, ms)}</p>
      {report.warnings.length > 0 ? <IssueList issues={report.warnings} title="Warnings of the short-circuit study" /> : null}
      <div className="toolbar">
        <label className="field inline"><span>Show</span>
          <select id="selectivity-focus" aria-label="Pairs shown" value={focus.kind === "pair" ? "all" : focusValue(focus)} onChange={(e) => choose(e.target.value)}>
            <option value="all">every pair</option>
            <optgroup label="in series from a fault at bus">{buses.map((b) => <option key={b} value={`bus:${b}`}>{b}</option>)}</optgroup>
            <optgroup label="pairs of device">{devices.map((d) => <option key={d} value={`device:${d}`}>{d}</option>)}</optgroup>
          </select></label>
      </div>
      <p className="selectivity-summary" id="selectivity-summary" role="status">
        {focus.kind === "bus" && focus.error ? <span className="field-error">{focus.error}</span>
          : focus.kind === "bus" && focus.keys === null ? `Finding the devices in series from ${focus.bus}…`
          : <>Showing {what}: <span className="verdict fail">{failing} not selective</span> · <span className="verdict pass">{pairs.length - failing} selective</span></>}
      </p>
      {report.pairs.length === 0 && <p className="hint">No two protective devices are in series in this network (the table protective_devices: relays, trip units, fuses).</p>}
      <div className="table-scroll">
        <table className="results-table selectivity-table" id="selectivity-table">
          <thead>
            <tr>
              <th scope="col">Downstream device</th><th scope="col">Upstream device</th><th scope="col">Fault at</th>
              <th scope="col">I downstream (kA)</th><th scope="col">I upstream (kA)</th>
              <th scope="col">Downstream clears (s)</th><th scope="col">Upstream operates from (s)</th>
              <th scope="col">CTI (s)</th><th scope="col">Required (s)</th><th scope="col">Verdict</th><th scope="col">Why</th>
            </tr>
          </thead>
          <tbody>
            {pairs.map((p) => (
              <tr key={pairKey(p)} data-pair={pairKey(p)} data-verdict={p.pass ? "pass" : "fail"}
                className={`verdict-${p.pass ? "pass" : "fail"}${focus.kind === "pair" && focus.key === pairKey(p) ? " selected" : ""}`}
                onClick={() => onFocus({ kind: "pair", key: pairKey(p) })}>
                <th scope="row">{p.downstream}</th><td>{p.upstream}</td><td>{p.fault_bus}</td>
                <td data-key="current_downstream_ka" data-value={p.current_downstream_ka}>{fmt(p.current_downstream_ka, 2)}</td>
                <td data-key="current_upstream_ka" data-value={p.current_upstream_ka}>{fmt(p.current_upstream_ka, 2)}</td>
                <td data-key="time_downstream_s" data-value={p.time_downstream_s ?? ""}>{seconds(p.time_downstream_s)}</td>
                <td data-key="time_upstream_s" data-value={p.time_upstream_s ?? ""}>{seconds(p.time_upstream_s)}</td>
                <td data-key="margin_s" data-value={p.margin_s ?? ""}>{p.margin_s === null ? "–" : fmt(p.margin_s, 3)}</td>
                <td data-key="required_s" data-value={p.required_s}>{fmt(p.required_s, 3)}</td>
                <td className="verdict-cell">{p.pass ? "pass" : "fail"}</td>
                <td className="note">{p.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">Click a bus on the diagram (or choose it above) for the devices in series between a fault there and the sources; click a row for its pair's curves.</p>
    </div>
  );
}
