// The one-line diagram as SVG, drawn from the network document: one row of bus bars per
// voltage level (highest on top), transformers and lines between them, sources and loads
// hanging from their bus. Rows are ordered by a few barycenter sweeps to keep crossings down.
import { fill, h, s } from "./dom.js";
import { levelClass } from "./results.js";

/** Larger networks are listed, not drawn. */
export const MAX_DIAGRAM_BUSES = 400;

const ROW_GAP = 170;
const TOP = 70;
const LEFT = 130;
const BUS_GAP = 150;
const SLOT = 30;
const STUB = 30;

const inService = (element) => element.in_service !== false;

/** Branches of the document as {id, kind, ends: [bus, ...], element}. */
function branchesOf(doc, busIds) {
  const branches = [];
  const add = (kind, element, ends) => branches.push({ id: element.id, kind, ends, element });
  for (const l of doc.lines ?? []) add("line", l, [l.from_bus, l.to_bus]);
  for (const t of doc.transformers ?? []) add("trafo", t, [t.hv_bus, t.lv_bus]);
  for (const t of doc.transformers3w ?? []) add("trafo3w", t, [t.hv_bus, t.mv_bus, t.lv_bus]);
  for (const z of doc.impedances ?? []) add("impedance", z, [z.from_bus, z.to_bus]);
  for (const sw of doc.switches ?? []) {
    if (busIds.has(sw.element)) add("switch", sw, [sw.bus, sw.element]);
  }
  return branches.filter((b) => b.ends.every((bus) => busIds.has(bus)));
}

/** Single-bus elements: external grids above their bus, the others below. */
function shuntsOf(doc, busIds) {
  const tables = [
    ["external_grids", "grid"], ["generators", "generator"], ["motors", "motor"],
    ["converters", "converter"], ["loads", "load"],
  ];
  const shunts = [];
  for (const [table, kind] of tables) {
    for (const e of doc[table] ?? []) {
      if (busIds.has(e.bus)) shunts.push({ id: e.id, kind, bus: e.bus, element: e });
    }
  }
  return shunts;
}

/** Opened branch ends: "branchId|busId" for every open bus-element switch. */
function openEnds(doc, busIds) {
  const open = new Set();
  for (const sw of doc.switches ?? []) {
    if (!busIds.has(sw.element) && sw.closed === false) open.add(`${sw.element}|${sw.bus}`);
  }
  return open;
}

/** Orders the buses of each level by the mean position of their neighbours (a few sweeps). */
function orderLevels(levels, levelOf, neighbours) {
  const position = new Map();
  const place = () => levels.forEach((row) => row.forEach((bus, i) => position.set(bus, (i + 0.5) / row.length)));
  place();
  const sweep = (indices) => {
    for (const li of indices) {
      const row = levels[li];
      const key = new Map(row.map((bus, i) => {
        const others = (neighbours.get(bus) ?? []).filter((n) => levelOf.get(n) !== li);
        const mean = others.length ? others.reduce((sum, n) => sum + position.get(n), 0) / others.length : position.get(bus);
        return [bus, [mean, i]];
      }));
      row.sort((a, b) => key.get(a)[0] - key.get(b)[0] || key.get(a)[1] - key.get(b)[1]);
      row.forEach((bus, i) => position.set(bus, (i + 0.5) / row.length));
    }
  };
  const down = levels.map((_, i) => i);
  for (let k = 0; k < 4; k += 1) {
    sweep(down.slice(1));
    sweep([...down].reverse().slice(1));
  }
}

/**
 * Draws `doc` (a network document object) into `container`; `report` (optional) adds I''k
 * to every bus. Returns the SVG element (or null when the network is too large to draw).
 */
export function renderDiagram(container, doc, report) {
  const buses = doc.buses ?? [];
  if (buses.length === 0) {
    fill(container, h("p", { class: "hint" }, "The document has no buses."));
    return null;
  }
  if (buses.length > MAX_DIAGRAM_BUSES) {
    fill(container, h("p", { class: "hint" },
      `The diagram is drawn for networks up to ${MAX_DIAGRAM_BUSES} buses; this one has ${buses.length}. ` +
      "Its elements are listed below, and studies run as usual."));
    return null;
  }
  const busById = new Map(buses.map((b) => [b.id, b]));
  const busIds = new Set(busById.keys());
  const branches = branchesOf(doc, busIds);
  const shunts = shuntsOf(doc, busIds);
  const open = openEnds(doc, busIds);
  const results = new Map((report?.buses ?? []).map((r) => [r.id, r]));

  // levels: one row per nominal voltage, highest first
  const voltages = [...new Set(buses.map((b) => b.vn_kv))].sort((a, b) => b - a);
  const levelOf = new Map(buses.map((b) => [b.id, voltages.indexOf(b.vn_kv)]));
  const levels = voltages.map((v) => buses.filter((b) => b.vn_kv === v).map((b) => b.id));
  const neighbours = new Map();
  for (const br of branches) {
    for (const a of br.ends) for (const b of br.ends) {
      if (a !== b) neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    }
  }
  orderLevels(levels, levelOf, neighbours);

  // attachments per bus: above (to higher levels, external grids) and below (the rest)
  const above = new Map(buses.map((b) => [b.id, []]));
  const below = new Map(buses.map((b) => [b.id, []]));
  const ends = []; // {branch, bus, side}
  for (const br of branches) {
    const top = Math.min(...br.ends.map((bus) => levelOf.get(bus)));
    for (const bus of br.ends) {
      const side = levelOf.get(bus) > top ? above : below;
      const end = { branch: br, bus, slot: null };
      side.get(bus).push(end);
      ends.push(end);
    }
  }
  for (const sh of shunts) (sh.kind === "grid" ? above : below).get(sh.bus).push({ shunt: sh, bus: sh.bus, slot: null });

  // bus bar geometry
  const width = new Map(buses.map((b) => [b.id, Math.max(70, SLOT * Math.max(above.get(b.id).length, below.get(b.id).length, 1) + 20)]));
  const rowWidth = levels.map((row) => row.reduce((sum, bus) => sum + width.get(bus), 0) + BUS_GAP * (row.length - 1));
  const maxRow = Math.max(...rowWidth);
  const x0 = new Map();
  const y = (bus) => TOP + levelOf.get(bus) * ROW_GAP;
  levels.forEach((row, li) => {
    let x = LEFT + (maxRow - rowWidth[li]) / 2;
    for (const bus of row) {
      x0.set(bus, x);
      x += width.get(bus) + BUS_GAP;
    }
  });
  const centre = (bus) => x0.get(bus) + width.get(bus) / 2;
  const otherX = (att) => {
    if (att.shunt) return Infinity;
    const others = att.branch.ends.filter((b) => b !== att.bus);
    return others.reduce((sum, b) => sum + centre(b), 0) / others.length;
  };
  for (const bus of busIds) {
    for (const side of [above, below]) {
      const list = side.get(bus);
      list.sort((a, b) => otherX(a) - otherX(b));
      const span = SLOT * list.length;
      const start = x0.get(bus) + (width.get(bus) - span) / 2 + SLOT / 2;
      list.forEach((att, i) => { att.slot = start + i * SLOT; });
    }
  }

  const svgWidth = LEFT + maxRow + 60;
  const svgHeight = TOP + (voltages.length - 1) * ROW_GAP + 120;
  const svg = s("svg", {
    viewBox: `0 0 ${svgWidth} ${svgHeight}`, width: svgWidth, height: svgHeight,
    // small diagrams shrink to the panel; wide ones keep a readable scale and scroll
    class: svgWidth > 2400 ? "one-line wide" : "one-line",
    role: "img", "aria-label": `One-line diagram: ${buses.length} buses on ${voltages.length} voltage levels`,
  });
  const gLevels = s("g", { class: "levels" },
    voltages.map((v, li) => s("text", { x: 8, y: TOP + li * ROW_GAP + 4, class: "level-label" }, `${v} kV`)));
  const gBranches = s("g", { class: "branches" });
  const gShunts = s("g", { class: "shunts" });
  const gBuses = s("g", { class: "buses" });
  svg.append(gLevels, gBranches, gShunts, gBuses);

  // branches
  let sameLevel = 0;
  for (const br of branches) {
    const myEnds = ends.filter((e) => e.branch === br);
    const dashed = !inService(br.element) || (br.kind === "switch" && br.element.closed === false)
      || myEnds.some((e) => open.has(`${br.id}|${e.bus}`));
    const cls = `branch ${br.kind}${dashed ? " open" : ""}`;
    const g = s("g", { class: cls, dataset: { element: br.id } }, s("title", {}, describe(br)));
    const lvls = myEnds.map((e) => levelOf.get(e.bus));
    if (br.kind === "trafo3w") {
      const hvEnd = myEnds[0];
      const cx = myEnds.reduce((sum, e) => sum + e.slot, 0) / myEnds.length;
      const cy = y(hvEnd.bus) + ROW_GAP / 2;
      for (const e of myEnds) {
        const ey = y(e.bus) + (e === hvEnd ? 3 : -3);
        const ty = e === hvEnd ? cy - 12 : cy + 8;
        g.append(s("path", { d: `M${e.slot},${ey} L${e.slot},${(ey + ty) / 2} L${cx},${ty}`, class: "wire" }));
      }
      g.append(
        s("circle", { cx, cy: cy - 8, r: 10, class: "winding" }),
        s("circle", { cx: cx - 7, cy: cy + 4, r: 10, class: "winding" }),
        s("circle", { cx: cx + 7, cy: cy + 4, r: 10, class: "winding" }),
        s("text", { x: cx + 22, y: cy + 4, class: "element-label" }, br.id));
    } else if (lvls[0] === lvls[1]) {
      // same level: a U below the bars
      const [a, b] = myEnds;
      const depth = 34 + 12 * (sameLevel++ % 4);
      const yy = y(a.bus) + depth;
      g.append(s("path", { d: `M${a.slot},${y(a.bus) + 3} L${a.slot},${yy} L${b.slot},${yy} L${b.slot},${y(b.bus) + 3}`, class: "wire" }));
      const mx = (a.slot + b.slot) / 2;
      g.append(symbol(br, mx, yy), s("text", { x: mx, y: yy + 16, "text-anchor": "middle", class: "element-label" }, br.id));
    } else {
      const [a, b] = lvls[0] < lvls[1] ? myEnds : [myEnds[1], myEnds[0]];
      const ya = y(a.bus) + 3;
      const yb = y(b.bus) - 3;
      const bend = 34;
      g.append(s("path", { d: `M${a.slot},${ya} L${a.slot},${ya + bend} L${b.slot},${yb - bend} L${b.slot},${yb}`, class: "wire" }));
      const mx = (a.slot + b.slot) / 2;
      const my = (ya + bend + yb - bend) / 2;
      g.append(symbol(br, mx, my), s("text", { x: mx + 16, y: my - 12, class: "element-label" }, br.id));
    }
    for (const e of myEnds) {
      if (open.has(`${br.id}|${e.bus}`)) {
        const ey = y(e.bus) + (levelOf.get(e.bus) === Math.min(...lvls) ? 14 : -20);
        g.append(s("rect", { x: e.slot - 5, y: ey, width: 10, height: 6, class: "switch-open" }, s("title", {}, `open switch at ${e.bus}`)));
      }
    }
    gBranches.append(g);
  }

  // sources and loads
  for (const [bus, list] of [...above, ...below]) {
    for (const att of list) {
      if (!att.shunt) continue;
      const sh = att.shunt;
      const up = sh.kind === "grid";
      const yb = y(bus) + (up ? -3 : 3);
      const yEnd = yb + (up ? -STUB : STUB);
      const g = s("g", { class: `shunt ${sh.kind}${inService(sh.element) ? "" : " open"}`, dataset: { element: sh.id } },
        s("title", {}, describe(sh)),
        s("line", { x1: att.slot, y1: yb, x2: att.slot, y2: yEnd, class: "wire" }),
        shuntSymbol(sh.kind, att.slot, yEnd, up),
        s("text", { x: att.slot, y: up ? yEnd - 24 : yEnd + 36, "text-anchor": "middle", class: "element-label" }, sh.id));
      gShunts.append(g);
    }
  }

  // bus bars with labels (and I''k after a study)
  for (const bus of buses) {
    const x = x0.get(bus.id);
    const by = y(bus.id);
    const result = results.get(bus.id);
    const g = s("g", { class: `bus level-${levelClass(bus.vn_kv)}${inService(bus) ? "" : " open"}`, dataset: { bus: bus.id }, tabindex: 0 },
      s("title", {}, `${bus.id}${bus.name ? ` (${bus.name})` : ""}: ${bus.vn_kv} kV`),
      s("rect", { x, y: by - 3, width: width.get(bus.id), height: 6, rx: 1, class: "bar" }),
      s("text", { x: x - 8, y: by - 2, "text-anchor": "end", class: "bus-label" }, bus.id),
      s("text", { x: x - 8, y: by + 12, "text-anchor": "end", class: "bus-kv" }, `${bus.vn_kv} kV`));
    if (result) {
      g.append(s("text", { x: x - 8, y: by + 26, "text-anchor": "end", class: "bus-result" },
        result.status === "ok" ? `${result.ikss_ka.toFixed(2)} kA` : result.status.replaceAll("_", " ")));
    }
    gBuses.append(g);
  }
  fill(container, svg);
  return svg;
}

function symbol(br, x, y) {
  switch (br.kind) {
    case "trafo":
      return s("g", { class: "symbol" },
        s("circle", { cx: x, cy: y - 6, r: 10, class: "winding" }),
        s("circle", { cx: x, cy: y + 6, r: 10, class: "winding" }));
    case "impedance":
      return s("rect", { x: x - 5, y: y - 12, width: 10, height: 24, class: "impedance-box" });
    case "switch":
      return s("rect", { x: x - 6, y: y - 6, width: 12, height: 12, class: br.element.closed === false ? "switch-open" : "switch-closed" });
    default:
      return s("g", { class: "symbol" });
  }
}

function shuntSymbol(kind, x, y, up) {
  const cy = up ? y - 10 : y + 12;
  switch (kind) {
    case "grid":
      return s("g", { class: "symbol" },
        s("rect", { x: x - 12, y: y - 18, width: 24, height: 18, class: "grid-box" }),
        s("path", { d: `M${x - 12},${y - 6} l12,-12 M${x - 6},${y} l18,-18 M${x},${y} l12,-12`, class: "hatch" }));
    case "generator":
    case "motor":
      return s("g", { class: "symbol" },
        s("circle", { cx: x, cy, r: 12, class: "machine" }),
        s("text", { x, y: cy + 4, "text-anchor": "middle", class: "machine-letter" }, kind === "generator" ? "G" : "M"));
    case "converter":
      return s("g", { class: "symbol" },
        s("rect", { x: x - 11, y, width: 22, height: 22, class: "machine" }),
        s("path", { d: `M${x - 11},${y + 22} L${x + 11},${y}`, class: "hatch" }),
        s("text", { x: x - 4, y: y + 9, "text-anchor": "middle", class: "machine-letter small" }, "="),
        s("text", { x: x + 4, y: y + 19, "text-anchor": "middle", class: "machine-letter small" }, "~"));
    default: // load
      return s("path", { d: `M${x - 8},${y} L${x + 8},${y} L${x},${y + 12} Z`, class: "load-arrow" });
  }
}

function describe(item) {
  const e = item.element;
  const name = e.name ? ` (${e.name})` : "";
  const state = e.in_service === false ? ", out of service" : "";
  switch (item.kind) {
    case "line": return `line ${e.id}${name}: ${e.from_bus} – ${e.to_bus}, ${e.length_km} km${state}`;
    case "trafo": return `transformer ${e.id}${name}: ${e.hv_bus} – ${e.lv_bus}, ${e.sn_mva} MVA, ${e.vector_group}, uk ${e.vk_percent} %${state}`;
    case "trafo3w": return `three-winding transformer ${e.id}${name}: ${e.hv_bus} – ${e.mv_bus} – ${e.lv_bus}${state}`;
    case "impedance": return `impedance ${e.id}${name}: ${e.from_bus} – ${e.to_bus}${state}`;
    case "switch": return `switch ${e.id}${name}: ${e.bus} – ${e.element}, ${e.closed === false ? "open" : "closed"}`;
    case "grid": return `external grid ${e.id}${name}: S''k max ${e.s_sc_max_mva} MVA${state}`;
    case "generator": return `generator ${e.id}${name}: ${e.sn_mva} MVA, x''d ${e.xdss_pu} p.u.${state}`;
    case "motor": return `motor ${e.id}${name}: ${e.pn_mw} MW, ILR/IrM ${e.lrc_pu}${state}`;
    case "converter": return `converter ${e.id}${name}: ${e.kind}, ${e.sn_mva} MVA${state}`;
    default: return `load ${e.id}${name} (neglected by IEC 60909)${state}`;
  }
}
