import { describe, expect, it } from "vitest";
import type { NetworkDoc } from "./doc";
import { addElement, clearPositions, connectedTo, defaultBuses, deleteElement, newElement, nextId, parseFieldValue, position, renameElement, setField, setPosition, toJsonText } from "./doc";
import { TABLE_BY_NAME } from "./schema";
import { TEMPLATES } from "./templates";

const plant = () => TEMPLATES.find((t) => t.id === "distribution")!.build();

describe("document operations", () => {
  it("gives new elements a free id and the schema's initial values, at the voltage of their bus", () => {
    const doc = plant();
    expect(nextId(doc, "transformers")).toBe("T2");
    const m = newElement(doc, "motors", ["LV"]);
    expect(m).toMatchObject({ id: "M2", bus: "LV", vn_kv: 0.4, lrc_pu: 6 });
    const t = newElement(doc, "transformers", ["MV", "LV"]);
    expect(t).toMatchObject({ hv_bus: "MV", lv_bus: "LV", vn_hv_kv: 20, vn_lv_kv: 0.4, vector_group: "Dyn5" });
    expect(() => addElement(doc, "buses", { id: "T1", vn_kv: 1 })).toThrow(/already used/);
  });
  it("renames an element and every reference to it", () => {
    const doc = renameElement(plant(), "buses", "LV", "LV-MAIN");
    expect(doc.transformers![0].lv_bus).toBe("LV-MAIN");
    expect(doc.lines![0].from_bus).toBe("LV-MAIN");
    expect(doc.buses.map((b) => b.id)).toContain("LV-MAIN");
    expect(() => renameElement(doc, "buses", "MV", "T1")).toThrow(/already used/);
  });
  it("deleting a bus deletes what is connected to it, and the switches of deleted branches", () => {
    let doc = addElement(plant(), "switches", { id: "S1", bus: "LV", element: "C1", closed: true });
    expect(connectedTo(doc, "LV-D").map((c) => c.id).sort()).toEqual(["C1", "LD1", "M1"]);
    doc = deleteElement(doc, "buses", "LV-D");
    expect(doc.lines).toEqual([]);
    expect(doc.motors).toEqual([]);
    expect(doc.switches).toEqual([]);
    expect(doc.buses.map((b) => b.id)).toEqual(["MV", "LV"]);
  });
  it("sets and removes fields without touching the old document", () => {
    const before = plant();
    const after = setField(before, "lines", "C1", "length_km", 0.2);
    expect(after.lines![0].length_km).toBe(0.2);
    expect(before.lines![0].length_km).toBe(0.08);
    expect("c_nf_per_km" in setField(before, "lines", "C1", "c_nf_per_km", undefined).lines![0]).toBe(false);
  });
  it("keeps dragged positions in meta.diagram and can drop them", () => {
    const doc = setPosition(plant(), "LV", 120.4, 80.6);
    expect(doc.buses[1].meta).toEqual({ diagram: { x: 120, y: 81 } });
    expect(position(doc.buses[1])).toEqual({ x: 120, y: 81 });
    expect(clearPositions(doc).buses[1].meta).toBeUndefined();
  });
  it("writes JSON without empty tables and parses form input", () => {
    expect(toJsonText({ format: "ampflux-network", version: 1, frequency_hz: 50, buses: [], lines: [] })).toBe('{"format":"ampflux-network","version":1,"frequency_hz":50,"buses":[]}');
    const f = TABLE_BY_NAME.lines.fields.find((x) => x.key === "length_km")!;
    expect(parseFieldValue(f, " 1,5 ")).toBe(1.5);
    expect(parseFieldValue(f, "")).toBeUndefined();
    expect(parseFieldValue(f, "abc")).toBe("abc");
  });
});

describe("defaultBuses", () => {
  it("joins lines to a bus of the same voltage and transformers to a lower voltage", () => {
    const doc = plant();
    expect(defaultBuses(doc, "lines", "LV")).toEqual(["LV", "LV-D"]);
    expect(defaultBuses(doc, "transformers", "MV")).toEqual(["MV", "LV"]);
    expect(defaultBuses(doc, "transformers3w", "MV")).toEqual(["MV", "LV", "LV-D"]);
    expect(defaultBuses(doc, "motors", "LV-D")).toEqual(["LV-D"]);
    expect(defaultBuses({ ...doc, buses: [] }, "loads")).toEqual([]);
  });
});

describe("unconnectedBuses", () => {
  it("names buses that no element names", async () => {
    const { unconnectedBuses } = await import("./doc");
    const doc = plant();
    expect(unconnectedBuses(doc)).toEqual([]);
    expect(unconnectedBuses({ ...doc, buses: [...doc.buses, { id: "ISLAND", vn_kv: 0.4 }] })).toEqual(["ISLAND"]);
  });
});

describe("nested fields", () => {
  it("sets and clears ratings.* and conductor.* (empty objects go)", async () => {
    const { getField } = await import("./doc");
    let doc = setField(plant(), "buses", "LV", "ratings.icw_ka", 50);
    doc = setField(doc, "buses", "LV", "ratings.icw_duration_s", 1);
    expect(doc.buses[1].ratings).toEqual({ icw_ka: 50, icw_duration_s: 1 });
    expect(getField(doc.buses[1], "ratings.icw_ka")).toBe(50);
    doc = setField(setField(doc, "buses", "LV", "ratings.icw_ka", undefined), "buses", "LV", "ratings.icw_duration_s", undefined);
    expect("ratings" in doc.buses[1]).toBe(false);
  });
});

describe("the document's text", () => {
  it("is renewed for the tables an edit changed, and kept for the others", async () => {
    const { primeTableText } = await import("./doc");
    const doc = TEMPLATES[1].build();
    const before = toJsonText(doc);
    expect(JSON.parse(before)).toEqual(JSON.parse(JSON.stringify(doc)));
    const edited = setField(doc, "buses", "LV", "vn_kv", 0.69);
    expect(JSON.parse(toJsonText(edited)).buses.find((b: { id: string }) => b.id === "LV").vn_kv).toBe(0.69);
    expect(toJsonText(doc)).toBe(before);
    // a table primed with the text the document worker wrote is not written again
    const lines = [...(doc.lines ?? [])];
    primeTableText(lines, () => '[{"id":"from-the-worker"}]');
    expect(JSON.parse(toJsonText({ ...doc, lines })).lines).toEqual([{ id: "from-the-worker" }]);
  });
});

describe("scenarios follow the elements they name", () => {
  const doc: NetworkDoc = {
    ...TEMPLATES[1].build(),
    switches: [{ id: "Q1", bus: "LV", element: "C1", closed: true }],
    scenarios: [{ id: "SC1", switches: { Q1: false }, out_of_service: ["T1", "M1"] }],
  };
  it("renaming a switch or an element renames it in every scenario", () => {
    const a = renameElement(renameElement(doc, "switches", "Q1", "Q-LV"), "motors", "M1", "M-pump");
    expect(a.scenarios).toEqual([{ id: "SC1", switches: { "Q-LV": false }, out_of_service: ["T1", "M-pump"] }]);
  });
  it("deleting an element drops it from every scenario", () => {
    const a = deleteElement(deleteElement(doc, "motors", "M1"), "switches", "Q1");
    expect(a.scenarios).toEqual([{ id: "SC1", switches: {}, out_of_service: ["T1"] }]);
  });
});

describe("protective devices", () => {
  it("a new device takes the initial values of its kind only; changing the kind drops the former kind's fields", async () => {
    const { setKind } = await import("./doc");
    let doc: NetworkDoc = { ...TEMPLATES[1].build(), switches: [{ id: "Q1", bus: "LV", element: "C1", closed: true, kind: "breaker" }] };
    const dev = newElement(doc, "protective_devices");
    // at the breaker without a device
    expect(dev).toEqual({ id: "P1", kind: "relay", curve: "IEC_SI", pickup_a: 100, tms: 0.1, switch: "Q1" });
    doc = addElement(doc, "protective_devices", dev);
    const fuse = setKind(doc, "protective_devices", "P1", "fuse");
    // a fuse has a `curve` too, but not a relay's: nothing of the relay stays
    expect(fuse.protective_devices).toEqual([{ id: "P1", kind: "fuse", switch: "Q1" }]);
    const unit = setKind(doc, "protective_devices", "P1", "trip_unit");
    expect(unit.protective_devices).toEqual([{ id: "P1", kind: "trip_unit", switch: "Q1" }]);
  });
  it("goes with its switch, and follows its renaming", () => {
    const doc: NetworkDoc = { ...TEMPLATES[1].build(), switches: [{ id: "Q1", bus: "LV", element: "C1", closed: true }], protective_devices: [{ id: "P1", kind: "fuse", switch: "Q1" }] };
    expect(renameElement(doc, "switches", "Q1", "F-C1").protective_devices).toEqual([{ id: "P1", kind: "fuse", switch: "F-C1" }]);
    expect(deleteElement(doc, "switches", "Q1").protective_devices).toEqual([]);
    expect(deleteElement(doc, "lines", "C1").protective_devices).toEqual([]);
  });
});

