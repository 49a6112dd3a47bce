import { describe, expect, it } from "vitest";
import { TEMPLATES } from "../model/templates";
import type { NetworkDoc } from "../model/doc";
import { buildGraph } from "./graph";
import { applyPositions, bandLayout, edgeGeometry, elkGraph } from "./layout";

function grid(n: number): NetworkDoc {
  const buses = Array.from({ length: n }, (_, i) => ({ id: `B${i}`, vn_kv: i % 10 === 0 ? 110 : 20 }));
  const lines = buses.slice(1).map((b, i) => ({ id: `L${i}`, from_bus: buses[i].id, to_bus: b.id, length_km: 1, r_ohm_per_km: 0.1, x_ohm_per_km: 0.3 }));
  return { format: "ampflux-network", version: 1, frequency_hz: 50, buses, lines };
}

function overlaps(nodes: { x: number; y: number; width: number; height: number }[]) {
  const sorted = [...nodes].sort((a, b) => a.x - b.x);
  let count = 0;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].x < sorted[i].x + sorted[i].width; j++) {
      const a = sorted[i], b = sorted[j];
      if (a.y < b.y + b.height && b.y < a.y + a.height) count++;
    }
  }
  return count;
}

describe("diagram graph and layout", () => {
  it("makes a node per bus with badges, an edge per branch and a star per 3-winding transformer", () => {
    const doc = TEMPLATES[1].build();
    doc.transformers3w = [{ id: "T3", hv_bus: "MV", mv_bus: "LV", lv_bus: "LV-D" }];
    const g = buildGraph(doc);
    expect(g.nodes.filter((n) => n.kind === "bus").map((n) => n.id)).toEqual(["MV", "LV", "LV-D"]);
    expect(g.nodes.find((n) => n.id === "MV")!.badges).toBe("Q");
    expect(g.nodes.find((n) => n.id === "LV-D")!.badges).toBe("M L");
    expect(g.edges.map((e) => e.id).sort()).toEqual(["C1", "T1", "T3:hv", "T3:lv", "T3:mv"]);
    expect(g.levels).toEqual([20, 0.4]);
  });
  it("bands: voltage levels top to bottom, no two nodes overlap, labels fit their cells", () => {
    const g = buildGraph(grid(3000));
    const l = bandLayout(g);
    expect(overlaps(l.nodes)).toBe(0);
    const hv = l.nodes.filter((n) => n.vn_kv === 110);
    const mv = l.nodes.filter((n) => n.vn_kv === 20);
    expect(Math.max(...hv.map((n) => n.y))).toBeLessThan(Math.min(...mv.map((n) => n.y)));
    expect(l.levelTops.map((t) => t.vn_kv)).toEqual([110, 20]);
    // a square-ish drawing, not a strip
    expect(l.width / l.height).toBeLessThan(4);
    expect(l.height / l.width).toBeLessThan(4);
  });
  it("ELK graph: one partition per voltage level, highest first, and a label per edge", () => {
    const g = buildGraph(TEMPLATES[1].build());
    const e = elkGraph(g);
    const part = (id: string) => Number(e.children!.find((c) => c.id === id)!.layoutOptions!["elk.partitioning.partition"]);
    expect(part("MV")).toBeLessThan(part("LV"));
    expect(part("LV")).toBe(part("LV-D"));
    expect(e.edges!.every((x) => x.labels?.length === 1)).toBe(true);
  });
  it("dragged positions win and their edges follow", () => {
    const g = buildGraph(TEMPLATES[1].build());
    const l = applyPositions(bandLayout(g), new Map([["LV", { x: 900, y: 700 }]]));
    const lv = l.nodes.find((n) => n.id === "LV")!;
    expect([lv.x, lv.y]).toEqual([900, 700]);
    const t1 = edgeGeometry(l.edges.find((e) => e.id === "T1")!, new Map(l.nodes.map((n) => [n.id, n])));
    expect(t1.points[t1.points.length - 1]).toEqual({ x: 900 + lv.width / 2, y: 718 });
    expect(l.width).toBeGreaterThan(900);
  });
});
