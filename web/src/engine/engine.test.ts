// The editor's schema, templates and library against the real engine (the node build of
// ampflux-wasm): what the forms write is what the core reads, and the core's issues name the
// fields the forms show.
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import library from "../data/library.json";
import { addElement, defaultBuses, newElement, setField, toJsonText, type Element, type NetworkDoc } from "../model/doc";
import { TABLES } from "../model/schema";
import { TEMPLATES } from "../model/templates";

const PKG = new URL("../../../ampflux-wasm/pkg/ampflux_wasm.js", import.meta.url).pathname;
const have = existsSync(PKG);
const wasm = have ? createRequire(import.meta.url)(PKG) : null;
/** The engine reads protective devices and bus arc-flash data (issue 15) when it has the arc-flash study. */
const protection = have && typeof wasm.Network.prototype.arcFlash === "function";
const known = (t: { table: string }) => protection || t.table !== "protective_devices";

type Issue = { severity: string; table?: string; element?: string; field?: string; message: string };
const issues = (doc: NetworkDoc): Issue[] => {
  const net = wasm.Network.fromJson(toJsonText(doc));
  try { return net.validate(); } finally { net.free(); }
};

describe.skipIf(!have)("schema against the engine", () => {
  it("every template is a valid network", () => {
    for (const t of TEMPLATES.filter((x) => x.id !== "empty")) expect(issues(t.build()).filter((i) => i.severity === "error")).toEqual([]);
  });
  it("a new element of every table, with the schema's initial values, is read and valid", () => {
    let doc = TEMPLATES[1].build();
    for (const t of TABLES) {
      if (t.table === "buses" || t.table === "switches" || t.table === "protective_devices") continue;
      doc = addElement(doc, t.table, newElement(doc, t.table, defaultBuses(doc, t.table, t.table === "lines" || t.table === "impedances" ? "LV" : "MV")));
    }
    doc = addElement(doc, "switches", { ...newElement(doc, "switches", ["LV"]), kind: "breaker" });
    expect(doc.switches![0].element).toBe("C1");
    // a protective device goes to a breaker
    if (protection) {
      doc = addElement(doc, "protective_devices", newElement(doc, "protective_devices"));
      expect((doc.protective_devices as Element[])[0].switch).toBe(doc.switches![0].id);
    }
    const errs = issues(doc).filter((i) => i.severity === "error");
    expect(errs).toEqual([]);
  });
  it("every schema field is a field of the format (fromJson accepts it)", () => {
    for (const t of TABLES.filter(known)) {
      for (const f of t.fields.filter((x) => protection || !x.key.startsWith("arc_flash."))) {
        const doc = TEMPLATES[1].build();
        const el = t.table === "buses" ? doc.buses[0] : newElement(doc, t.table, defaultBuses(doc, t.table, "LV"));
        const value = f.kind === "bool" ? true : f.kind === "select" ? (f.numeric ? Number(f.options!.find((o) => o.value)!.value) : f.options!.find((o) => o.value)!.value) : f.kind === "number" || f.kind === "integer" ? 1 : f.kind === "element" ? "T1" : f.kind === "bus" ? "MV" : f.kind === "switch_states" ? { Q1: false } : f.kind === "id_list" ? ["C1"] : "x";
        // a conductor is read whole (material, insulation and cross-section together), so is a relay's stage
        const base = f.key.startsWith("conductor.") ? { ...el, conductor: { material: "cu", insulation: "pvc", cross_section_mm2: 95 } }
          : t.table === "protective_devices" ? { ...el, switch: "Q1", kind: f.kinds?.[0] ?? el.kind, ...(f.key.includes(".") ? { [f.key.split(".")[0]]: { pickup_a: 1000 } } : {}) } : el;
        const next = setField(t.table === "buses" ? doc : addElement(doc, t.table, base), t.table, el.id, f.key, value);
        expect(() => wasm.Network.fromJson(toJsonText(next)).free(), `${t.table}.${f.key}`).not.toThrow();
      }
    }
  });
  it("the core names the field a form shows: a negative ukr is an issue on transformers T1.vk_percent", () => {
    const doc = setField(TEMPLATES[1].build(), "transformers", "T1", "vk_percent", -6);
    const found = issues(doc).filter((i) => i.element === "T1");
    expect(found.length).toBeGreaterThan(0);
    expect(found[0].field).toBe("vk_percent");
    expect(TABLES.find((t) => t.table === "transformers")!.fields.some((f) => f.key === found[0].field)).toBe(true);
  });
  it("the core's issues of a scenario name the fields its form shows", () => {
    const doc = { ...TEMPLATES[1].build(), scenarios: [{ id: "SC1", switches: { Q9: false }, out_of_service: ["L9"] }] };
    const found = issues(doc).filter((i) => i.element === "SC1");
    expect(found.map((i) => i.field).sort()).toEqual(["out_of_service", "switches"]);
    const form = TABLES.find((t) => t.table === "scenarios")!.fields.map((f) => f.key);
    for (const i of found) expect(form).toContain(i.field);
  });
  it("every library type, applied to an element, gives a valid network; every entry cites a source", () => {
    const lib = library as { sources: Record<string, string>; lines: { name: string; source: string; values: Record<string, unknown> }[]; transformers: { name: string; source: string; values: Record<string, unknown> }[] };
    for (const [table, list] of [["lines", lib.lines], ["transformers", lib.transformers]] as const) {
      for (const entry of list) {
        expect(lib.sources[entry.source], entry.name).toBeTruthy();
        let doc = TEMPLATES[1].build();
        const id = table === "lines" ? "C1" : "T1";
        for (const [k, v] of Object.entries(entry.values)) doc = setField(doc, table, id, k, v);
        if (table === "transformers") {
          // rated voltages of the type: give the buses the same nominal voltages
          doc = setField(setField(doc, "buses", "MV", "vn_kv", entry.values.vn_hv_kv), "buses", "LV", "vn_kv", entry.values.vn_lv_kv);
          doc = setField(doc, "buses", "LV-D", "vn_kv", entry.values.vn_lv_kv);
          doc = { ...doc, motors: [], loads: [] };
        }
        expect(issues(doc).filter((i) => i.severity === "error"), entry.name).toEqual([]);
      }
    }
  });
  it("a study of the template through the progress callback reports progress up to the total", () => {
    const net = wasm.Network.fromJson(toJsonText(TEMPLATES[1].build()));
    const seen: [number, number][] = [];
    const report = net.shortCircuit({ branch_results: true }, (d: number, t: number) => seen.push([d, t]));
    net.free();
    expect(report.buses.length).toBe(3);
    expect(seen.length).toBeGreaterThan(0);
    const [d, t] = seen[seen.length - 1];
    expect(d).toBe(t);
    expect(() => wasm.Network.fromJson(toJsonText(TEMPLATES[1].build())).shortCircuit({}, 42)).toThrow(/onProgress must be a function/);
  });
});
