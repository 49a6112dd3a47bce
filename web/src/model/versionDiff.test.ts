// The diagram of a version diff, from the core's own change set (the node build of ampflux-wasm).
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Change } from "../api/types";
import { buildGraph } from "../diagram/graph";
import { addElement, deleteElement, setField, toJsonText, type NetworkDoc } from "./doc";
import { TEMPLATES } from "./templates";
import { diagramDiff } from "./versionDiff";

const PKG = new URL("../../../ampflux-wasm/pkg/ampflux_wasm.js", import.meta.url).pathname;
const have = existsSync(PKG);
const wasm = have ? createRequire(import.meta.url)(PKG) : null;

/** The core's change set turning `a` into `b`. */
function coreDiff(a: NetworkDoc, b: NetworkDoc): Change[] {
  const na = wasm.Network.fromJson(toJsonText(a));
  const nb = wasm.Network.fromJson(toJsonText(b));
  try { return wasm.Network.diff(na, nb).changes; } finally { na.free(); nb.free(); }
}

describe.skipIf(!have)("a version diff on the diagram", () => {
  const v1 = TEMPLATES[1].build();
  // v2: cable C1 longer, a new bus with a load and a cable to it, motor M1 gone
  let v2 = setField(v1, "lines", "C1", "length_km", 0.25);
  v2 = addElement(v2, "buses", { id: "LV-E", vn_kv: 0.4 });
  v2 = addElement(v2, "lines", { id: "C2", from_bus: "LV-D", to_bus: "LV-E", length_km: 0.05, r_ohm_per_km: 0.208, x_ohm_per_km: 0.08 });
  v2 = addElement(v2, "loads", { id: "LD2", bus: "LV-E", p_mw: 0.05 });
  v2 = deleteElement(v2, "motors", "M1");

  it("colours what was added, removed and changed, each where it is drawn", () => {
    const d = diagramDiff(v2, coreDiff(v1, v2));
    expect(d.marks.get("C1")).toEqual({ op: "changed", notes: ["length_km: 0.08 → 0.25"] });
    expect(d.marks.get("LV-E")?.op).toBe("added");
    expect(d.marks.get("LV-E")?.notes).toContain("load LD2 added");
    expect(d.marks.get("C2")?.op).toBe("added");
    // a bus element's change is shown on its bus
    expect(d.marks.get("LV-D")).toEqual({ op: "changed", notes: ["motor M1 removed"] });
    expect(d.marks.has("MV")).toBe(false);
    expect(d.counts).toEqual({ added: 3, removed: 1, changed: 1 });
  });

  it("puts back what the newer version lost, so that it is drawn as removed", () => {
    const d = diagramDiff(v1, coreDiff(v2, v1));
    expect(d.marks.get("LV-E")?.op).toBe("removed");
    expect(d.marks.get("C2")?.op).toBe("removed");
    expect(d.marks.get("LV-D")?.notes).toEqual(["motor M1 added"]);
    const g = buildGraph(d.doc);
    expect(g.nodes.map((n) => n.id)).toContain("LV-E");
    expect(g.edges.map((e) => e.ref)).toContain("C2");
    // the newer document itself is untouched
    expect(v1.buses.map((b) => b.id)).not.toContain("LV-E");
  });

  it("lists changes with no place on the diagram", () => {
    const renamed = { ...v1, name: "Plant B" };
    const d = diagramDiff(renamed, coreDiff(v1, renamed));
    expect(d.marks.size).toBe(0);
    expect(d.elsewhere).toEqual([`name: ${v1.name} → Plant B`]);
  });
});
