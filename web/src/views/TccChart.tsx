// Time-current curves (TCC) in log-log with Chart.js: each device's band as the core samples
// it (`Network.tcc`: minimum and maximum operating time per current, at the reference
// voltage), the fault currents through each device marked (bolted and arcing), round 1-2-5
// ticks on both axes, and a legend. The curves are the engine's; nothing is computed here.
import { useEffect, useRef } from "react";
import { Chart, Filler, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, ScatterController, Tooltip, type ChartDataset } from "chart.js";
import type { SelectivityPair, TccReport } from "../engine/protection";
import { logTicks, tickLabel } from "../util/format";

Chart.register(ScatterController, LineController, LineElement, PointElement, LogarithmicScale, LinearScale, Filler, Legend, Tooltip);

const COLORS = ["#1f6feb", "#cf222e", "#1a7f37", "#8250df", "#bf8700", "#0a3069", "#d1242f", "#57606a"];

type Pt = { x: number; y: number | null };

/** A value to 3 significant digits for a legend (the tooltip and the engine's JSON keep every digit). */
const sig = (v: number) => String(Number(v.toPrecision(3)));

/** The datasets of a TCC: per device its band (max time, then min time filled up to it), per mark a vertical line. */
export function tccDatasets(report: TccReport, yRange: [number, number]): ChartDataset<"scatter", Pt[]>[] {
  const sets: ChartDataset<"scatter", Pt[]>[] = [];
  report.curves.forEach((c, i) => {
    const color = COLORS[i % COLORS.length];
    const upper = c.points.map((p) => ({ x: p.current_a, y: p.max_time_s }));
    const lower = c.points.map((p) => ({ x: p.current_a, y: p.min_time_s }));
    sets.push({ label: `${c.device} (${c.kind.replace("_", " ")} at ${c.bus}), total clearing`, data: upper, showLine: true, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 2, spanGaps: false });
    sets.push({ label: `${c.device} minimum operating`, data: lower, showLine: true, borderColor: color, backgroundColor: `${color}22`, pointRadius: 0, borderWidth: 1, borderDash: [4, 3], fill: "-1", spanGaps: false });
  });
  report.marks.forEach((m) => {
    const i = report.curves.findIndex((c) => c.device === m.device);
    const color = COLORS[Math.max(0, i) % COLORS.length];
    sets.push({
      label: `${m.kind === "bolted" ? "bolted" : "arcing"} fault at ${m.fault_bus} through ${m.device}: ${sig(m.current_a)} A${m.time_s !== null ? `, ${sig(m.time_s)} s` : " (does not operate)"}`,
      data: [{ x: m.current_a, y: yRange[0] }, { x: m.current_a, y: yRange[1] }],
      showLine: true, borderColor: color, backgroundColor: color, borderWidth: 1.5, borderDash: m.kind === "bolted" ? [8, 4] : [2, 3], pointRadius: 0,
    });
  });
  return sets;
}

/**
 * One dataset per selectivity pair whose two devices are drawn: the downstream device's total
 * clearing time and the upstream device's earliest operation at the currents through each (the
 * engine's, at the fault of the largest current), referred to the plot's voltage by each
 * curve's `scale`, joined by a line: its height is the coordination time interval. Green when
 * selective, red when not. A device that does not operate there has no point.
 */
export function selectivityDatasets(report: TccReport, pairs: SelectivityPair[]): ChartDataset<"scatter", Pt[]>[] {
  const curve = new Map(report.curves.map((c) => [c.device, c]));
  const out: ChartDataset<"scatter", Pt[]>[] = [];
  for (const p of pairs) {
    const down = curve.get(p.downstream), up = curve.get(p.upstream);
    if (!down || !up) continue;
    const data: Pt[] = [];
    if (p.time_downstream_s !== null) data.push({ x: p.current_downstream_ka * 1000 * down.scale, y: p.time_downstream_s });
    if (p.time_upstream_s !== null) data.push({ x: p.current_upstream_ka * 1000 * up.scale, y: p.time_upstream_s });
    if (data.length === 0) continue;
    const color = p.pass ? "#1a7f37" : "#cf222e";
    const cti = p.margin_s === null ? "no interval" : `CTI ${sig(p.margin_s)} s`;
    out.push({
      label: `${p.downstream} below ${p.upstream} (fault at ${p.fault_bus}): ${cti}, required ${sig(p.required_s)} s, ${p.pass ? "selective" : "not selective"}`,
      data, showLine: true, borderColor: color, backgroundColor: color, borderWidth: 3, pointRadius: 5, pointStyle: "rectRot",
    });
  }
  return out;
}

export function TccChart({ report, pairs = [] }: { report: TccReport; pairs?: SelectivityPair[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    if (!canvas.current) return;
    const times = report.curves.flatMap((c) => c.points.flatMap((p) => [p.min_time_s, p.max_time_s])).filter((t): t is number => t !== null && t > 0);
    const yMin = Math.max(Math.min(...times, 0.01) / 1.2, 0.001);
    const yMax = Math.min(Math.max(...times, 1) * 1.2, 10000);
    const xt = logTicks(report.current_range_a[0], report.current_range_a[1]);
    const yt = logTicks(yMin, yMax);
    const x0 = Math.min(xt[0], report.current_range_a[0]), x1 = Math.max(xt[xt.length - 1], report.current_range_a[1]);
    const y0 = Math.min(yt[0], yMin), y1 = Math.max(yt[yt.length - 1], yMax);
    const chart = new Chart(canvas.current, {
      type: "scatter",
      data: { datasets: [...tccDatasets(report, [y0, y1]), ...selectivityDatasets(report, pairs)] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: {
          legend: { position: "bottom", labels: { boxHeight: 2, filter: (item) => !/minimum operating$/.test(item.text) } },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${tickLabel(Number((c.raw as Pt).x))} A, ${(c.raw as Pt).y === null ? "–" : tickLabel(Number((c.raw as Pt).y))} s` } },
        },
        scales: {
          x: { type: "logarithmic", min: x0, max: x1, title: { display: true, text: `current (A) at ${report.reference_kv} kV` },
               afterBuildTicks: (axis) => { axis.ticks = logTicks(x0, x1).map((value) => ({ value })); }, ticks: { callback: (v) => tickLabel(Number(v)), autoSkip: false, maxRotation: 0 } },
          y: { type: "logarithmic", min: y0, max: y1, title: { display: true, text: "time (s)" },
               afterBuildTicks: (axis) => { axis.ticks = logTicks(y0, y1).map((value) => ({ value })); }, ticks: { callback: (v) => tickLabel(Number(v)), autoSkip: false } },
        },
      },
    });
    // what is drawn, for tests and assistive tools: the series and the axis ticks
    const el = canvas.current;
    el.dataset.series = JSON.stringify(chart.data.datasets.map((d) => d.label));
    el.dataset.ticksX = JSON.stringify(chart.scales.x.ticks.map((t) => t.value));
    el.dataset.ticksY = JSON.stringify(chart.scales.y.ticks.map((t) => t.value));
    return () => chart.destroy();
  }, [report, pairs]);
  return (
    <figure className="chart tcc">
      <div className="chart-canvas tall"><canvas ref={canvas} id="tcc-chart" aria-label="Time-current curves" role="img" /></div>
      {report.warnings.length > 0 && <ul className="element-issues">{report.warnings.map((w, i) => <li key={i} className={w.severity}>{w.message}</li>)}</ul>}
    </figure>
  );
}
