// The one-line diagram as a graph: buses are nodes (with their feeders, generators, motors,
// converters and loads as badges), branches are edges, 3-winding transformers a star node.
// Sizes are estimated from the label text so that the layout reserves room for every label.
import { rows, type NetworkDoc } from "../model/doc";

export interface GNode {
  id: string;
  kind: "bus" | "star";
  /** Bus id (or the 3-winding transformer's id for a star). */
  ref: string;
  label: string;
  vn_kv: number;
  /** Index of the voltage level, 0 = highest. */
  level: number;
  badges: string;
  width: number;
  height: number;
  inService: boolean;
}

export interface GEdge {
  id: string;
  /** Element id (a line, transformer, impedance, switch) drawn by this edge. */
  ref: string;
  table: "lines" | "transformers" | "transformers3w" | "impedances" | "switches";
  source: string;
  target: string;
  open: boolean;
  inService: boolean;
}

export interface Graph {
  nodes: GNode[];
  edges: GEdge[];
  levels: number[];
}

/** Width of a character of the diagram font (12 px system sans), generous. */
export const CHAR_W = 7.2;
export const BUS_H = 58;
export const EDGE_LABEL_W = 110;
export const EDGE_LABEL_H = 16;

const BADGE: [string, string][] = [["external_grids", "Q"], ["generators", "G"], ["motors", "M"], ["converters", "C"], ["loads", "L"]];

/**
 * Diagrams up to this many nodes are laid out by ELK (layered, on the page's ELK worker);
 * larger ones in voltage-level bands by the document worker.
 */
export const ELK_MAX_NODES = 250;

/** Nodes of the diagram of `doc`: its buses and a star per 3-winding transformer. */
export function diagramNodeCount(doc: NetworkDoc): number {
  return rows(doc, "buses").length + rows(doc, "transformers3w").length;
}

export function textWidth(text: string): number {
  // whole pixels: a layout's numbers stay small integers, which JS holds without a boxed double each
  return Math.ceil(text.length * CHAR_W);
}

export function buildGraph(doc: NetworkDoc): Graph {
  const buses = rows(doc, "buses");
  const levels = [...new Set(buses.map((b) => Number(b.vn_kv)))].filter(Number.isFinite).sort((a, b) => b - a);
  const levelOf = new Map(levels.map((v, i) => [v, i]));
  const badges = new Map<string, string[]>();
  for (const [table, letter] of BADGE) {
    for (const e of rows(doc, table as never)) {
      const list = badges.get(e.bus as string) ?? [];
      list.push(letter);
      badges.set(e.bus as string, list);
    }
  }
  const nodes: GNode[] = buses.map((b) => {
    const vn = Number(b.vn_kv);
    const label = `${b.id}  ${vn} kV`;
    const badge = summarizeBadges(badges.get(b.id) ?? []);
    return {
      id: b.id, kind: "bus", ref: b.id, label, vn_kv: vn, level: levelOf.get(vn) ?? 0, badges: badge,
      width: Math.max(90, textWidth(label) + 16, textWidth(badge) + 16), height: BUS_H, inService: b.in_service !== false,
    };
  });
  const busIds = new Set(buses.map((b) => b.id));
  const openEnds = new Set<string>();
  for (const s of rows(doc, "switches")) if (s.closed === false || s.in_service === false) openEnds.add(s.element as string);
  const edges: GEdge[] = [];
  const branch = (table: GEdge["table"], id: string, a: unknown, b: unknown, inService: boolean, ref = id) => {
    if (typeof a !== "string" || typeof b !== "string" || !busIds.has(a) || !(busIds.has(b) || b.startsWith("★"))) return;
    edges.push({ id, ref, table, source: a, target: b, open: openEnds.has(ref), inService });
  };
  for (const l of rows(doc, "lines")) branch("lines", l.id, l.from_bus, l.to_bus, l.in_service !== false);
  for (const t of rows(doc, "transformers")) branch("transformers", t.id, t.hv_bus, t.lv_bus, t.in_service !== false);
  for (const z of rows(doc, "impedances")) branch("impedances", z.id, z.from_bus, z.to_bus, z.in_service !== false);
  for (const s of rows(doc, "switches")) {
    if (busIds.has(s.element as string)) {
      edges.push({ id: s.id, ref: s.id, table: "switches", source: s.bus as string, target: s.element as string, open: s.closed === false, inService: s.in_service !== false });
    }
  }
  for (const t of rows(doc, "transformers3w")) {
    const hv = nodes.find((n) => n.id === t.hv_bus);
    if (!hv) continue;
    const star = `★${t.id}`;
    nodes.push({ id: star, kind: "star", ref: t.id, label: t.id, vn_kv: hv.vn_kv, level: hv.level + 0.5, badges: "", width: Math.max(40, textWidth(t.id) + 8), height: 30, inService: t.in_service !== false });
    branch("transformers3w", `${t.id}:hv`, t.hv_bus, star, t.in_service !== false, t.id);
    edges.push(...(["mv_bus", "lv_bus"] as const).filter((k) => busIds.has(t[k] as string)).map((k) => ({
      id: `${t.id}:${k.slice(0, 2)}`, ref: t.id, table: "transformers3w" as const, source: star, target: t[k] as string, open: openEnds.has(t.id), inService: t.in_service !== false,
    })));
  }
  return { nodes, edges, levels };
}

function summarizeBadges(list: string[]): string {
  const counts = new Map<string, number>();
  for (const l of list) counts.set(l, (counts.get(l) ?? 0) + 1);
  return [...counts].map(([l, n]) => (n > 1 ? `${n}${l}` : l)).join(" ");
}
