// The band layout of large one-line diagrams (a layered layout of thousands of meshed buses
// takes minutes): voltage-level bands, buses in breadth-first order wrapped into rows of fixed
// cells, straight elbow edges; positions the user dragged (bus `meta.diagram`) win. Pure data,
// no DOM: it runs in the document worker for large networks (see ../engine/doc.worker.ts).
import { EDGE_LABEL_H, type GEdge, type GNode, type Graph } from "./graph";

export interface Point { x: number; y: number }
export interface PlacedNode extends GNode { x: number; y: number }
/** An edge as laid out: ELK routes it (`points`, `label`); the band layout leaves both out, and
 * they follow from its nodes' places (`edgeGeometry`): a 100k-bus diagram then holds no
 * point objects for its edges, which the page's garbage collector would otherwise trace. */
export interface PlacedEdge extends GEdge { points?: Point[]; label?: Point }
export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
  /** Top of each voltage level's band (for the level captions), highest voltage first. */
  levelTops: { vn_kv: number; y: number }[];
  engine: "elk" | "bands";
  /** SVG paths of the overview of a large diagram (bus bars, edges), made where the layout is made. */
  overview?: { bars: string; edges: string };
  /** Serial number given by the document worker to the layouts it sends. */
  key?: number;
}

const CELL_W = 150;
const CELL_H = 96;
const BAND_GAP = 70;

/** Breadth-first order of the buses from the highest voltage level down, so that neighbours sit side by side. */
function bfsOrder(graph: Graph): string[] {
  const adj = new Map<string, string[]>();
  for (const n of graph.nodes) adj.set(n.id, []);
  for (const e of graph.edges) {
    adj.get(e.source)?.push(e.target);
    adj.get(e.target)?.push(e.source);
  }
  const seen = new Set<string>();
  const order: string[] = [];
  const starts = [...graph.nodes].sort((a, b) => a.level - b.level);
  for (const s of starts) {
    if (seen.has(s.id)) continue;
    seen.add(s.id);
    const queue = [s.id];
    for (let i = 0; i < queue.length; i++) {
      order.push(queue[i]);
      for (const m of adj.get(queue[i]) ?? []) if (!seen.has(m)) { seen.add(m); queue.push(m); }
    }
  }
  return order;
}

export function bandLayout(graph: Graph): Layout {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const order = bfsOrder(graph);
  const columns = Math.max(6, Math.ceil(Math.sqrt(graph.nodes.length) * 1.6));
  const bands = new Map<number, string[]>();
  for (const id of order) {
    const n = byId.get(id)!;
    const key = Math.floor(n.level); // stars sit in their HV bus's band
    const band = bands.get(key);
    if (band) band.push(id);
    else bands.set(key, [id]);
  }
  const placed = new Map<string, PlacedNode>();
  const levelTops: Layout["levelTops"] = [];
  let y = 30;
  for (const [level, ids] of [...bands].sort((a, b) => a[0] - b[0])) {
    levelTops.push({ vn_kv: graph.levels[level], y });
    ids.forEach((id, i) => {
      const n = byId.get(id)!;
      const col = i % columns;
      const row = Math.floor(i / columns);
      placed.set(id, { ...n, width: Math.min(n.width, CELL_W - 14), x: col * CELL_W + 10, y: y + 18 + row * CELL_H });
    });
    y += 18 + Math.ceil(ids.length / columns) * CELL_H + BAND_GAP;
  }
  const nodes = graph.nodes.map((n) => placed.get(n.id)!);
  return { nodes, edges: straightEdges(graph.edges, placed), width: columns * CELL_W + 20, height: y, levelTops, engine: "bands" };
}

function center(n: PlacedNode): Point {
  return { x: n.x + n.width / 2, y: n.y + (n.kind === "bus" ? 18 : n.height / 2) };
}

/** The elbow from `a` to `b` (down from one bus bar, across, down to the other), and its label's place. */
export function elbow(a: PlacedNode, b: PlacedNode): { points: Point[]; label: Point } {
  const p = center(a);
  const q = center(b);
  const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
  return { points: [p, { x: p.x, y: mid.y }, { x: q.x, y: mid.y }, q], label: { x: mid.x, y: mid.y - EDGE_LABEL_H } };
}

/** An edge's points and label: as routed, else the elbow between its nodes (`byId`: the layout's nodes). */
export function edgeGeometry(e: PlacedEdge, byId: Map<string, PlacedNode>): { points: Point[]; label?: Point } {
  if (e.points) return { points: e.points, label: e.label };
  const a = byId.get(e.source);
  const b = byId.get(e.target);
  return a && b ? elbow(a, b) : { points: [] };
}

/** The band layout's edges: those whose nodes are placed, without geometry (see `PlacedEdge`). */
function straightEdges(edges: GEdge[], placed: Map<string, PlacedNode>): PlacedEdge[] {
  return edges.filter((e) => placed.has(e.source) && placed.has(e.target));
}

/** Moves the buses the user placed, and re-routes their edges as elbows. */
export function applyPositions(layout: Layout, positions: Map<string, Point>): Layout {
  if (positions.size === 0) return layout;
  const nodes = layout.nodes.map((n) => (positions.has(n.id) ? { ...n, ...positions.get(n.id)! } : n));
  // edges of moved buses become elbows from the new places (geometry left out: it follows the nodes)
  const moved = (e: GEdge) => positions.has(e.source) || positions.has(e.target);
  const edges = layout.edges.map((e): PlacedEdge => {
    if (!moved(e)) return e;
    const { points: _p, label: _l, ...rest } = e;
    return rest;
  });
  const width = Math.max(layout.width, ...nodes.map((n) => n.x + n.width + 20));
  const height = Math.max(layout.height, ...nodes.map((n) => n.y + n.height + 20));
  return { ...layout, nodes, edges, width, height };
}

/** The two SVG paths of a large diagram's overview: bus bars, and edges. */
export function overviewPaths(layout: Layout): { bars: string; edges: string } {
  const bars: string[] = [];
  for (const n of layout.nodes) if (n.kind === "bus") bars.push(`M${n.x + 2} ${n.y + 18}h${n.width - 4}`);
  const edges: string[] = [];
  const byId = new Map(layout.nodes.map((n) => [n.id, n]));
  for (const e of layout.edges) {
    const { points } = edgeGeometry(e, byId);
    if (points.length > 1) edges.push(`M${points.map((p) => `${p.x} ${p.y}`).join("L")}`);
  }
  return { bars: bars.join(""), edges: edges.join("") };
}
