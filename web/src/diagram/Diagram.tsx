// The one-line diagram: SVG with zoom (wheel, pinch, buttons), pan (drag the background),
// fit, search, and buses that can be dragged (positions go to the document). With a report:
// I''k at each bus; with a selected fault location: the branch contributions on the edges
// and the bus voltages during that fault.
import { useEffect, useMemo, useRef, useState } from "react";
import type { BranchResult, StudyReport, VoltageResult } from "../../pkg/ampflux_wasm.js";
import { fmt } from "../util/format";
import { edgeGeometry, overviewPaths, type Layout, type PlacedNode } from "./bands";

type Box = { x: number; y: number; w: number; h: number };

/** Hide texts when a screen pixel covers more than this many diagram units (labels would collide). */
const LABEL_MAX_SCALE = 2.2;
/** Above this many nodes in view, the diagram is drawn as two paths (bars, edges): an overview. */
const DETAIL_MAX = 1500;

export interface DiagramProps {
  layout: Layout | null;
  report: StudyReport | null;
  selected: string | null;
  onSelect: (busId: string) => void;
  onMove?: (busId: string, x: number, y: number) => void;
  busy?: string;
  /**
   * Colours on buses and branches (a version diff, duty verdicts): by bus id and branch element
   * id, each with its kind (a CSS class `mark-KIND`) and notes (a tooltip); the legend says what
   * the kinds mean.
   */
  marks?: DiagramMarks;
}

export interface Mark { kind: string; notes: string[] }
export interface DiagramMarks { byId: Map<string, Mark>; legend: React.ReactNode }

function fitBox(layout: Layout): Box {
  const pad = 30;
  return { x: -pad, y: -pad, w: Math.max(200, layout.width + 2 * pad), h: Math.max(150, layout.height + 2 * pad) };
}

export function Diagram({ layout, report, selected, onSelect, onMove, busy, marks }: DiagramProps) {
  const svgRef = useRef<SVGSVGElement>(null);
  // the view box, fitted again when the layout's size changes: in the same render (a first
  // render with a stale box would cull a 100k-node layout for nothing)
  const fitKey = layout ? `${layout.width}x${layout.height}x${layout.nodes.length}` : "";
  const [boxState, setBoxState] = useState<{ key: string; box: Box }>({ key: "", box: { x: 0, y: 0, w: 800, h: 400 } });
  const box = boxState.key === fitKey || !layout ? boxState.box : fitBox(layout);
  const setBox = (next: Box | ((b: Box) => Box)) => setBoxState((s) => {
    const current = s.key === fitKey || !layout ? s.box : fitBox(layout);
    return { key: fitKey, box: typeof next === "function" ? next(current) : next };
  });
  const [query, setQuery] = useState("");
  const [found, setFound] = useState<string | null>(null);
  const [drag, setDrag] = useState<{ id: string; dx: number; dy: number; x: number; y: number } | null>(null);
  const pointers = useRef(new Map<number, { x: number; y: number }>());
  const pan = useRef<{ x: number; y: number; box: Box } | null>(null);
  const pinch = useRef<{ d: number; box: Box } | null>(null);


  const ikss = useMemo(() => new Map(report?.buses.map((b) => [b.id, b]) ?? []), [report]);
  const branches = useMemo(() => {
    const m = new Map<string, BranchResult>();
    if (report && selected) for (const b of report.branches) if (b.fault_bus === selected) m.set(b.id, b);
    return m;
  }, [report, selected]);
  const voltages = useMemo(() => {
    const m = new Map<string, VoltageResult>();
    if (report && selected) for (const v of report.voltages) if (v.fault_bus === selected) m.set(v.bus, v);
    return m;
  }, [report, selected]);

  // the layout's nodes by id (the band layout's edges are drawn from their nodes' places)
  const nodesById = useMemo(() => new Map((layout?.nodes ?? []).map((n) => [n.id, n])), [layout]);

  // made by the document worker with the layout of a large network, else here
  const paths = useMemo(() => (!layout || layout.nodes.length <= DETAIL_MAX ? null : layout.overview ?? overviewPaths(layout)), [layout]);

  // what is in view: everything for small diagrams; large ones are culled to the view box, and
  // drawn as an overview when too much is in view
  const view = useMemo(() => {
    if (!layout || !paths) return { viewNodes: layout?.nodes ?? [], viewEdges: layout?.edges ?? [], overview: false };
    const x1 = box.x + box.w;
    const y1 = box.y + box.h;
    const viewNodes: PlacedNode[] = [];
    for (const n of layout.nodes) {
      if (n.x + n.width >= box.x && n.x <= x1 && n.y + n.height >= box.y && n.y <= y1) viewNodes.push(n);
      if (viewNodes.length > DETAIL_MAX) return { viewNodes: [], viewEdges: [], overview: true };
    }
    const ids = new Set(viewNodes.map((n) => n.id));
    return { viewNodes, viewEdges: layout.edges.filter((e) => ids.has(e.source) || ids.has(e.target)), overview: false };
  }, [layout, paths, box]);

  const scale = (): number => {
    const svg = svgRef.current;
    if (!svg) return 1;
    const r = svg.getBoundingClientRect();
    return Math.max(box.w / Math.max(1, r.width), box.h / Math.max(1, r.height));
  };
  const toDiagram = (clientX: number, clientY: number): { x: number; y: number } => {
    const svg = svgRef.current!;
    const r = svg.getBoundingClientRect();
    const s = scale();
    // preserveAspectRatio xMidYMid meet: the box is centred
    const ox = (r.width * s - box.w) / 2;
    const oy = (r.height * s - box.h) / 2;
    return { x: box.x - ox + (clientX - r.left) * s, y: box.y - oy + (clientY - r.top) * s };
  };
  const zoom = (factor: number, at?: { x: number; y: number }) => {
    setBox((b) => {
      const c = at ?? { x: b.x + b.w / 2, y: b.y + b.h / 2 };
      const w = Math.min(Math.max(b.w * factor, 40), 400000);
      const h = (b.h * w) / b.w;
      return { x: c.x - ((c.x - b.x) * w) / b.w, y: c.y - ((c.y - b.y) * h) / b.h, w, h };
    });
  };

  useEffect(() => {
    const svg = svgRef.current;
    if (!svg) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      zoom(Math.exp(e.deltaY * 0.0015), toDiagram(e.clientX, e.clientY));
    };
    svg.addEventListener("wheel", onWheel, { passive: false });
    return () => svg.removeEventListener("wheel", onWheel);
  });

  const onPointerDown = (e: React.PointerEvent<SVGSVGElement>) => {
    (e.target as Element).setPointerCapture?.(e.pointerId);
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      pinch.current = { d: Math.hypot(a.x - b.x, a.y - b.y), box };
      pan.current = null;
      setDrag(null);
      return;
    }
    const busEl = (e.target as Element).closest("[data-node]") as SVGGElement | null;
    const node = busEl ? layout?.nodes.find((n) => n.id === busEl.dataset.node) : undefined;
    if (node && onMove && node.kind === "bus") {
      const p = toDiagram(e.clientX, e.clientY);
      setDrag({ id: node.id, dx: p.x - node.x, dy: p.y - node.y, x: node.x, y: node.y });
    } else {
      pan.current = { x: e.clientX, y: e.clientY, box };
    }
  };
  const onPointerMove = (e: React.PointerEvent<SVGSVGElement>) => {
    if (!pointers.current.has(e.pointerId)) return;
    pointers.current.set(e.pointerId, { x: e.clientX, y: e.clientY });
    if (pinch.current && pointers.current.size === 2) {
      const [a, b] = [...pointers.current.values()];
      const d = Math.hypot(a.x - b.x, a.y - b.y);
      const f = pinch.current.d / Math.max(1, d);
      const b0 = pinch.current.box;
      const w = b0.w * f;
      const h = b0.h * f;
      setBox({ x: b0.x + (b0.w - w) / 2, y: b0.y + (b0.h - h) / 2, w, h });
    } else if (drag) {
      const p = toDiagram(e.clientX, e.clientY);
      setDrag({ ...drag, x: p.x - drag.dx, y: p.y - drag.dy });
    } else if (pan.current) {
      const s = scale();
      const p = pan.current;
      setBox({ ...p.box, x: p.box.x - (e.clientX - p.x) * s, y: p.box.y - (e.clientY - p.y) * s });
    }
  };
  const onPointerUp = (e: React.PointerEvent<SVGSVGElement>) => {
    pointers.current.delete(e.pointerId);
    if (pointers.current.size < 2) pinch.current = null;
    if (drag) {
      const node = layout?.nodes.find((n) => n.id === drag.id);
      if (node && Math.hypot(drag.x - node.x, drag.y - node.y) > 3) onMove?.(drag.id, drag.x, drag.y);
      else onSelect(drag.id);
      setDrag(null);
    } else if (pan.current) {
      const moved = Math.hypot(e.clientX - pan.current.x, e.clientY - pan.current.y) > 3;
      const nodeEl = (e.target as Element).closest("[data-node]") as SVGGElement | null;
      if (!moved && nodeEl) onSelect(layout!.nodes.find((n) => n.id === nodeEl.dataset.node)!.ref);
      else if (!moved && paths && layout) {
        // overview: the bus nearest to the click, if it is close
        const p = toDiagram(e.clientX, e.clientY);
        let best: PlacedNode | null = null;
        let dist = 40 * scale();
        for (const n of layout.nodes) {
          const d = Math.hypot(n.x + n.width / 2 - p.x, n.y + 18 - p.y);
          if (n.kind === "bus" && d < dist) { dist = d; best = n; }
        }
        if (best) onSelect(best.id);
      }
      pan.current = null;
    }
  };

  const search = (text: string) => {
    setQuery(text);
    const q = text.trim().toLowerCase();
    if (!q || !layout) { setFound(null); return; }
    const hit = layout.nodes.find((n) => n.id.toLowerCase() === q) ?? layout.nodes.find((n) => n.label.toLowerCase().includes(q));
    setFound(hit?.id ?? null);
    if (hit) setBox({ x: hit.x + hit.width / 2 - 400, y: hit.y - 200, w: 800, h: 450 });
  };

  if (!layout) return <div className="diagram-box"><p className="hint">{busy ?? "Laying out the diagram…"}</p></div>;
  if (layout.nodes.length === 0) return <div className="diagram-box"><p className="hint">No buses yet: add a bus in the editor.</p></div>;

  const showText = scale() < LABEL_MAX_SCALE;
  const { viewNodes, viewEdges, overview } = view;
  const nodeAt = (n: PlacedNode): PlacedNode => (drag && drag.id === n.id ? { ...n, x: drag.x, y: drag.y } : n);
  // nodes by id: for the edges of a bus being dragged, and the elbows of a band layout's edges in view
  const placed = drag ? new Map(layout.nodes.map((n) => [n.id, nodeAt(n)])) : nodesById;
  const fault = selected ? ikss.get(selected) : undefined;

  return (
    <div className="diagram-wrap">
      <div className="diagram-tools" role="toolbar" aria-label="Diagram">
        <button type="button" onClick={() => zoom(1 / 1.4)} aria-label="Zoom in">+</button>
        <button type="button" onClick={() => zoom(1.4)} aria-label="Zoom out">−</button>
        <button type="button" onClick={() => setBox(fitBox(layout))}>Fit</button>
        <input type="search" placeholder="Find a bus" value={query} onChange={(e) => search(e.target.value)} aria-label="Find a bus" />
        <span className="hint">{layout.engine === "elk" ? "layout: ELK layered" : "layout: voltage bands"}{overview ? ` · overview of ${layout.nodes.length} nodes: zoom in for labels` : ""}{drag ? " · drop to keep the position" : ""}</span>
      </div>
      {fault && <p className="diagram-caption">Fault at <b>{selected}</b>: I''k = {fmt(fault.ikss_ka, 3)} kA; branch currents (kA) and bus voltages (p.u.) during this fault.</p>}
      <svg ref={svgRef} className="one-line" viewBox={`${box.x} ${box.y} ${box.w} ${box.h}`} role="img" aria-label="One-line diagram"
        onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={onPointerUp} onPointerCancel={onPointerUp}>
        {showText && layout.levelTops.map((l) => (
          <text key={l.vn_kv} className="level-label" x={box.x + 6 * scale()} y={l.y + 10}>{l.vn_kv} kV</text>
        ))}
        {overview && <path className="overview-edges" d={paths!.edges} />}
        {overview && <path className="overview-bars" d={paths!.bars} />}
        {!overview && viewEdges.map((e) => {
          const a = e.source && placed.get(e.source);
          const b = placed.get(e.target);
          const moved = drag && (drag.id === e.source || drag.id === e.target);
          const geometry = edgeGeometry(e, placed);
          const pts = moved && a && b
            ? [{ x: a.x + a.width / 2, y: a.y + 18 }, { x: b.x + b.width / 2, y: b.y + 18 }]
            : geometry.points;
          const res = branches.get(e.ref);
          const label = res ? `${fmt(Math.max(res.ikss_from_ka, res.ikss_to_ka), 2)} kA` : e.ref;
          const mark = marks?.byId.get(e.ref);
          return (
            <g key={e.id} className={`branch ${e.table}${e.open ? " open" : ""}${e.inService ? "" : " out"}${res ? " carrying" : ""}${mark ? ` mark-${mark.kind}` : ""}`} data-branch={e.ref} data-mark={mark?.kind}>
              {mark && <title>{`${e.ref}: ${mark.notes.join("; ")}`}</title>}
              <polyline points={pts.map((p) => `${p.x},${p.y}`).join(" ")} />
              {e.table === "transformers" && pts.length > 1 && <TransformerSymbol pts={pts} />}
              {showText && geometry.label && !moved && <text className="edge-label" x={geometry.label.x} y={geometry.label.y + 12} textAnchor="middle">{label}</text>}
            </g>
          );
        })}
        {!overview && viewNodes.map((raw) => {
          const n = nodeAt(raw);
          if (n.kind === "star") {
            const mark = marks?.byId.get(n.ref);
            return (
              <g key={n.id} className={`star${mark ? ` mark-${mark.kind}` : ""}`} data-node={n.id} data-mark={mark?.kind} transform={`translate(${n.x},${n.y})`}>
                {mark && <title>{`${n.ref}: ${mark.notes.join("; ")}`}</title>}
                <circle cx={n.width / 2} cy={n.height / 2} r={11} />
                {showText && <text x={n.width / 2} y={n.height + 10} textAnchor="middle">{n.label}</text>}
              </g>
            );
          }
          const r = ikss.get(n.id);
          const v = voltages.get(n.id);
          const mark = marks?.byId.get(n.id);
          const cls = ["bus", n.id === selected ? "selected" : "", n.id === found ? "found" : "", r?.status && r.status !== "ok" ? "warn" : "", n.inService ? "" : "out", mark ? `mark-${mark.kind}` : ""].join(" ");
          return (
            <g key={n.id} className={cls} data-node={n.id} data-bus={n.id} data-mark={mark?.kind} transform={`translate(${n.x},${n.y})`}>
              {mark && <title>{`${n.id}: ${mark.notes.join("; ")}`}</title>}
              <rect className="hit" x={0} y={0} width={n.width} height={n.height} />
              <line x1={2} x2={n.width - 2} y1={18} y2={18} />
              {showText && <text className="bus-label" x={4} y={12}>{n.label}</text>}
              {showText && r && !v && <text className="bus-result" x={4} y={34}>{r.status === "ok" ? `${fmt(r.ikss_ka, 2)} kA` : r.status}</text>}
              {showText && v && <text className="bus-voltage" x={4} y={34}>{`U = ${fmt(v.v1_pu, 3)} p.u.`}</text>}
              {showText && n.badges && <text className="badges" x={4} y={50}>{n.badges}</text>}
            </g>
          );
        })}
      </svg>
      {marks?.legend}
      <p className="hint legend">Badges: Q network feeder, G generator, M motor, C converter, L load. Dashed: open switch or out of service. Drag a bus to move it; drag the background to pan; wheel or pinch to zoom.</p>
    </div>
  );
}

function TransformerSymbol({ pts }: { pts: { x: number; y: number }[] }) {
  // two overlapping circles at the middle of the longest segment
  let best = 0;
  let at = { x: pts[0].x, y: pts[0].y, vertical: true };
  for (let i = 1; i < pts.length; i++) {
    const len = Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y);
    if (len > best) {
      best = len;
      at = { x: (pts[i].x + pts[i - 1].x) / 2, y: (pts[i].y + pts[i - 1].y) / 2, vertical: Math.abs(pts[i].x - pts[i - 1].x) < Math.abs(pts[i].y - pts[i - 1].y) };
    }
  }
  const d = 5;
  return (
    <g className="tr-symbol">
      <circle cx={at.vertical ? at.x : at.x - d} cy={at.vertical ? at.y - d : at.y} r={7} />
      <circle cx={at.vertical ? at.x : at.x + d} cy={at.vertical ? at.y + d : at.y} r={7} />
    </g>
  );
}
