// Placing the one-line diagram. Up to ELK_MAX_NODES nodes: ELK's layered algorithm (elkjs, in
// its own Web Worker) with one partition per voltage level, so that levels run top to bottom,
// orthogonal edge routing and edge labels placed by ELK (no overlaps). Larger networks (a
// layered layout of thousands of meshed buses takes minutes): voltage-level bands, buses in
// breadth-first order wrapped into rows of fixed cells, straight edges; labels are drawn only
// when zoomed in far enough that cells are readable. Positions the user dragged (bus
// `meta.diagram`) win over both.
import type { ELK as ElkApi, ElkNode } from "elkjs/lib/elk-api";
// the worker script as a file, untouched: a classic worker (GWT output is not an ES module)
import elkWorkerUrl from "elkjs/lib/elk-worker.min.js?url";
import { BUS_H, EDGE_LABEL_H, EDGE_LABEL_W, type GEdge, type GNode, type Graph } from "./graph";

export interface Point { x: number; y: number }
export interface PlacedNode extends GNode { x: number; y: number }
export interface PlacedEdge extends GEdge { points: Point[]; label?: Point }
export interface Layout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
  /** Top of each voltage level's band (for the level captions), highest voltage first. */
  levelTops: { vn_kv: number; y: number }[];
  engine: "elk" | "bands";
}

export const ELK_MAX_NODES = 250;
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
  return finish({ nodes, edges: straightEdges(graph.edges, placed), width: columns * CELL_W + 20, height: y, levelTops, engine: "bands" });
}

function center(n: PlacedNode): Point {
  return { x: n.x + n.width / 2, y: n.y + (n.kind === "bus" ? 18 : n.height / 2) };
}

function straightEdges(edges: GEdge[], placed: Map<string, PlacedNode>): PlacedEdge[] {
  return edges.flatMap((e) => {
    const a = placed.get(e.source);
    const b = placed.get(e.target);
    if (!a || !b) return [];
    const p = center(a);
    const q = center(b);
    const mid = { x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 };
    return [{ ...e, points: [p, { x: p.x, y: mid.y }, { x: q.x, y: mid.y }, q], label: { x: mid.x, y: mid.y - EDGE_LABEL_H } }];
  });
}

function finish(layout: Layout): Layout {
  return layout;
}

/** Moves the buses the user placed, and re-routes their edges as elbows. */
export function applyPositions(layout: Layout, positions: Map<string, Point>): Layout {
  if (positions.size === 0) return layout;
  const nodes = layout.nodes.map((n) => (positions.has(n.id) ? { ...n, ...positions.get(n.id)! } : n));
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const moved = (e: GEdge) => positions.has(e.source) || positions.has(e.target);
  const rerouted = straightEdges(layout.edges.filter(moved), byId);
  const byEdge = new Map(rerouted.map((e) => [e.id, e]));
  const edges = layout.edges.map((e) => byEdge.get(e.id) ?? e);
  const width = Math.max(layout.width, ...nodes.map((n) => n.x + n.width + 20));
  const height = Math.max(layout.height, ...nodes.map((n) => n.y + n.height + 20));
  return { ...layout, nodes, edges, width, height };
}

let elk: ElkApi | null = null;

async function elkInstance(): Promise<ElkApi> {
  if (elk) return elk;
  const { default: ELK } = await import("elkjs/lib/elk-api");
  elk = new ELK({ workerFactory: () => new Worker(elkWorkerUrl, { name: "elk-layout" }) }) as ElkApi;
  return elk;
}

/** The ELK graph of `graph`: one partition per voltage level (stars between their levels). */
export function elkGraph(graph: Graph): ElkNode {
  return {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.partitioning.activate": "true",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.spacing.nodeNode": "36",
      "elk.layered.spacing.nodeNodeBetweenLayers": "56",
      "elk.spacing.edgeLabel": "4",
      "elk.edgeLabels.placement": "CENTER",
      "elk.layered.considerModelOrder.strategy": "NODES_AND_EDGES",
      "elk.layered.nodePlacement.strategy": "BRANDES_KOEPF",
      "elk.layered.thoroughness": "4",
    },
    children: graph.nodes.map((n) => ({
      id: n.id, width: n.width, height: n.height,
      layoutOptions: { "elk.partitioning.partition": String(Math.round(n.level * 2)) },
    })),
    edges: graph.edges.map((e) => ({
      id: e.id, sources: [e.source], targets: [e.target],
      labels: [{ id: `${e.id}:label`, text: e.ref, width: EDGE_LABEL_W, height: EDGE_LABEL_H }],
    })),
  };
}

export async function elkLayout(graph: Graph): Promise<Layout> {
  const result = await (await elkInstance()).layout(elkGraph(graph));
  const pos = new Map((result.children ?? []).map((c) => [c.id, { x: c.x ?? 0, y: c.y ?? 0 }]));
  const nodes: PlacedNode[] = graph.nodes.map((n) => ({ ...n, ...pos.get(n.id)! }));
  const elkEdges = new Map((result.edges ?? []).map((e) => [e.id, e]));
  const edges: PlacedEdge[] = graph.edges.map((e) => {
    const r = elkEdges.get(e.id) as { sections?: { startPoint: Point; endPoint: Point; bendPoints?: Point[] }[]; labels?: { x?: number; y?: number }[] } | undefined;
    const s = r?.sections?.[0];
    const points = s ? [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] : [];
    // ELK attaches edges to the node box; a bus is drawn as its bar: extend the ends to it
    const src = nodes.find((n) => n.id === e.source);
    const dst = nodes.find((n) => n.id === e.target);
    if (points.length && src?.kind === "bus") points.unshift({ x: points[0].x, y: src.y + 18 });
    if (points.length && dst?.kind === "bus") points.push({ x: points[points.length - 1].x, y: dst.y + 18 });
    const l = r?.labels?.[0];
    return { ...e, points, label: l ? { x: (l.x ?? 0) + EDGE_LABEL_W / 2, y: l.y ?? 0 } : undefined };
  });
  // the bar of a bus is at y + 18; ELK attaches edges at the node box, which is right for
  // edges leaving downwards and entering from above
  const levelTops: Layout["levelTops"] = graph.levels.map((vn_kv, i) => {
    const ys = nodes.filter((n) => n.kind === "bus" && n.level === i).map((n) => n.y);
    return { vn_kv, y: ys.length ? Math.min(...ys) - 4 : 0 };
  });
  return { nodes, edges, width: result.width ?? 0, height: (result.height ?? 0) + BUS_H / 2, levelTops, engine: "elk" };
}

export async function layoutGraph(graph: Graph, positions: Map<string, Point>): Promise<Layout> {
  const base = graph.nodes.length <= ELK_MAX_NODES && graph.nodes.length > 0 ? await elkLayout(graph) : bandLayout(graph);
  return applyPositions(base, positions);
}
