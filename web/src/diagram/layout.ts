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
import { applyPositions, bandLayout, type Layout, type PlacedEdge, type PlacedNode, type Point } from "./bands";
import { BUS_H, EDGE_LABEL_H, EDGE_LABEL_W, ELK_MAX_NODES, type Graph } from "./graph";

export { ELK_MAX_NODES } from "./graph";

export { applyPositions, bandLayout, edgeGeometry, overviewPaths, type Layout, type PlacedEdge, type PlacedNode, type Point } from "./bands";

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
      // one layering for the whole diagram, so that an island keeps its voltage level's row
      "elk.separateConnectedComponents": "false",
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
