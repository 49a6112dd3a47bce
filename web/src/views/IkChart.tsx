// I''k, ip and Ib per fault location as grouped bars (Chart.js): round ticks (1-2-5 steps,
// also on the log axis), a legend naming each series and its unit. Large studies show the
// locations with the highest I''k, and say so.
import { useEffect, useMemo, useRef, useState } from "react";
import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LogarithmicScale, Tooltip } from "chart.js";
import type { StudyReport } from "../../pkg/ampflux_wasm.js";
import { linearTicks, logTicks, tickLabel } from "../util/format";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, LogarithmicScale, Legend, Tooltip);

export const CHART_MAX_BARS = 40;

export const SERIES = [
  { key: "ikss_ka", label: "I''k (kA)", color: "#1f6feb" },
  { key: "ib_ka", label: "Ib (kA)", color: "#8957e5" },
  { key: "ip_ka", label: "ip (kA)", color: "#d29922" },
] as const;

/** The bars to draw: every location, or the CHART_MAX_BARS highest I''k in document order. */
export function chartBuses(report: StudyReport) {
  const ok = report.buses.filter((b) => b.status === "ok" && b.ikss_ka !== null);
  if (ok.length <= CHART_MAX_BARS) return { buses: ok, cut: false };
  const keep = new Set([...ok].sort((a, b) => (b.ikss_ka ?? 0) - (a.ikss_ka ?? 0)).slice(0, CHART_MAX_BARS).map((b) => b.id));
  return { buses: ok.filter((b) => keep.has(b.id)), cut: true };
}

export function IkChart({ report, onSelect }: { report: StudyReport; onSelect?: (id: string) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [log, setLog] = useState(false);
  const { buses, cut } = useMemo(() => chartBuses(report), [report]);
  useEffect(() => {
    if (!canvas.current || buses.length === 0) return;
    const max = Math.max(...buses.map((b) => b.ip_ka ?? b.ikss_ka ?? 0));
    const min = Math.min(...buses.flatMap((b) => [b.ikss_ka, b.ib_ka]).filter((v): v is number => v !== null && v > 0));
    const ticks = log ? logTicks(min / 1.5, max * 1.2) : linearTicks(max);
    const chart = new Chart(canvas.current, {
      type: "bar",
      data: {
        labels: buses.map((b) => b.id),
        datasets: SERIES.map((s) => ({ label: s.label, data: buses.map((b) => b[s.key]), backgroundColor: s.color })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        onClick: (_e, elements) => { if (elements[0]) onSelect?.(buses[elements[0].index].id); },
        plugins: { legend: { position: "top" }, tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${Number(c.raw).toFixed(3)}` } } },
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: 60 } },
          y: log
            ? { type: "logarithmic", min: ticks[0], max: ticks[ticks.length - 1], title: { display: true, text: "current (kA), log scale" },
                afterBuildTicks: (axis) => { axis.ticks = ticks.map((value) => ({ value })); }, ticks: { callback: (v) => tickLabel(Number(v)) } }
            : { type: "linear", min: 0, max: ticks[ticks.length - 1], title: { display: true, text: "current (kA)" },
                afterBuildTicks: (axis) => { axis.ticks = ticks.map((value) => ({ value })); }, ticks: { callback: (v) => tickLabel(Number(v)) } },
        },
      },
    });
    return () => chart.destroy();
  }, [report, log]);
  if (buses.length === 0) return <p className="hint">No supplied bus: nothing to chart.</p>;
  return (
    <figure className="chart">
      <div className="chart-tools">
        <label><input type="checkbox" checked={log} onChange={(e) => setLog(e.target.checked)} /> log scale</label>
        {cut && <span className="hint">the {CHART_MAX_BARS} locations with the highest I''k of {report.buses.length}</span>}
      </div>
      <div className="chart-canvas"><canvas ref={canvas} id="ik-chart" aria-label="I''k, Ib and ip per bus" role="img" /></div>
    </figure>
  );
}
