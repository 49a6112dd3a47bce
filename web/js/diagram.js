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

/** Orders the items of each row by the mean position of their neighbours (a few sweeps). */
function orderRows(rows, neighbours) {
  const position = new Map();
  const place = (row) => row.forEach((it, i) => position.set(it, (i + 0.5) / row.length));
  rows.forEach(place);
  const sweep = (indices) => {
    for (const li of indices) {
      const row = rows[li];
      const key = new Map(row.map((it, i) => {
        const others = (neighbours.get(it) ?? []).filter((n) => n.level !== li);
        const mean = others.length ? others.reduce((sum, n) => sum + position.get(n), 0) / others.length : position.get(it);
        return [it, [mean, i]];
      }));
      row.sort((a, b) => key.get(a)[0] - key.get(b)[0] || key.get(a)[1] - key.get(b)[1]);
      place(row);
    }
  };
  const down = rows.map((_, i) => i);
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

  // levels: one row per nominal voltage, highest first. A row holds bus bars and, for each
  // wire that passes a row on its way to a lower level, a waypoint that keeps the wire clear
  // of the bars of that row.
  const voltages = [...new Set(buses.map((b) => b.vn_kv))].sort((a, b) => b - a);
  const rows = voltages.map(() => []);
  const busItem = new Map();
  for (const b of buses) {
    const it = { bus: b.id, level: voltages.indexOf(b.vn_kv), width: 0 };
    rows[it.level].push(it);
    busItem.set(b.id, it);
  }
  const levelOf = (bus) => busItem.get(bus).level;
  const neighbours = new Map();
  const link = (a, b) => {
    neighbours.set(a, [...(neighbours.get(a) ?? []), b]);
    neighbours.set(b, [...(neighbours.get(b) ?? []), a]);
  };
  /** A wire from bus `from` down to bus `to` through waypoints in the rows between. */
  const route = (br, from, to) => {
    const vias = [];
    let prev = busItem.get(from);
    for (let level = levelOf(from) + 1; level < levelOf(to); level += 1) {
      const via = { via: br.id, level, width: 0 };
      rows[level].push(via);
      vias.push(via);
      link(prev, via);
      prev = via;
    }
    link(prev, busItem.get(to));
    return { branch: br, from, to, vias };
  };
  const routes = new Map(); // branch -> wires
  for (const br of branches) {
    const [first, ...rest] = br.ends;
    if (br.kind === "trafo3w") {
      routes.set(br, rest.map((end) => route(br, first, end)));
    } else if (levelOf(first) !== levelOf(rest[0])) {
      const [a, b] = levelOf(first) < levelOf(rest[0]) ? [first, rest[0]] : [rest[0], first];
      routes.set(br, [route(br, a, b)]);
    } else {
      link(busItem.get(first), busItem.get(rest[0]));
    }
  }
  orderRows(rows, neighbours);

  // attachments per bus: above (wires from higher levels, external grids) and below (wires
  // to lower levels and within the level, sources and loads)
  const above = new Map(buses.map((b) => [b.id, []]));
  const below = new Map(buses.map((b) => [b.id, []]));
  const endAt = new Map(); // "branch|bus" -> attachment
  for (const br of branches) {
    const top = Math.min(...br.ends.map(levelOf));
    for (const bus of br.ends) {
      const att = { branch: br, bus, slot: null };
      (levelOf(bus) > top ? above : below).get(bus).push(att);
      endAt.set(`${br.id}|${bus}`, att);
    }
  }
  for (const sh of shunts) (sh.kind === "grid" ? above : below).get(sh.bus).push({ shunt: sh, bus: sh.bus, slot: null });

  // geometry: bar widths from the attachments, rows centred, waypoints between the bars
  for (const it of busItem.values()) {
    it.width = Math.max(70, SLOT * Math.max(above.get(it.bus).length, below.get(it.bus).length, 1) + 20);
  }
  const gapBefore = (it) => (it.bus !== undefined ? BUS_GAP : 32);
  const rowWidth = rows.map((row) => row.reduce((sum, it, i) => sum + it.width + (i ? gapBefore(it) : 0), 0));
  const maxRow = Math.max(...rowWidth);
  rows.forEach((row, li) => {
    let x = LEFT + (maxRow - rowWidth[li]) / 2;
    row.forEach((it, i) => {
      if (i) x += gapBefore(it);
      it.x = x;
      x += it.width;
    });
  });
  const y = (level) => TOP + level * ROW_GAP;
  const yBus = (bus) => y(levelOf(bus));
  const centre = (bus) => busItem.get(bus).x + busItem.get(bus).width / 2;
  /** Where a wire leaving `att` heads first (to order the attachments along the bar). */
  const heading = (att) => {
    if (att.shunt) return Infinity;
    const wires = routes.get(att.branch);
    if (!wires) return centre(att.branch.ends.find((b) => b !== att.bus));
    const xs = wires.flatMap((w) => {
      if (w.from === att.bus) return [w.vias[0]?.x ?? centre(w.to)];
      if (w.to === att.bus) return [w.vias.at(-1)?.x ?? centre(w.from)];
      return [];
    });
    return xs.reduce((a, b) => a + b, 0) / xs.length;
  };
  for (const bus of busIds) {
    for (const side of [above, below]) {
      const list = side.get(bus);
      list.sort((a, b) => heading(a) - heading(b));
      const it = busItem.get(bus);
      const start = it.x + (it.width - SLOT * list.length) / 2 + SLOT / 2;
      list.forEach((att, i) => { att.slot = start + i * SLOT; });
    }
  }

  const svgWidth = LEFT + maxRow + 60;
  const svgHeight = TOP + (voltages.length - 1) * ROW_GAP + 140;
  const svg = s("svg", {
    viewBox: `0 0 ${svgWidth} ${svgHeight}`, width: svgWidth, height: svgHeight,
    // small diagrams shrink to the panel; wide ones keep a readable scale and scroll
    class: svgWidth > 2400 ? "one-line wide" : "one-line",
    role: "img", "aria-label": `One-line diagram: ${buses.length} buses on ${voltages.length} voltage levels`,
  });
  const gLevels = s("g", { class: "levels" },
    voltages.map((v, li) => s("text", { x: 8, y: y(li) + 4, class: "level-label" }, `${v} kV`)));
  const gBranches = s("g", { class: "branches" });
  const gShunts = s("g", { class: "shunts" });
  const gBuses = s("g", { class: "buses" });
  svg.append(gLevels, gBranches, gShunts, gBuses);

  const BEND = 34;
  const polyline = (points) => s("path", { d: points.map(([px, py], i) => `${i ? "L" : "M"}${px},${py}`).join(" "), class: "wire" });
  /** The points of a wire from (x, yStart) through its waypoints to the bar of `to`. */
  const wirePoints = (start, wire) => [
    ...start,
    ...wire.vias.flatMap((v) => [[v.x, y(v.level) - BEND + 6], [v.x, y(v.level) + BEND - 6]]),
    [endAt.get(`${wire.branch.id}|${wire.to}`).slot, yBus(wire.to) - BEND],
    [endAt.get(`${wire.branch.id}|${wire.to}`).slot, yBus(wire.to) - 3],
  ];

  // branches
  let sameLevel = 0;
  for (const br of branches) {
    const atts = br.ends.map((bus) => endAt.get(`${br.id}|${bus}`));
    const dashed = !inService(br.element) || (br.kind === "switch" && br.element.closed === false)
      || br.ends.some((bus) => open.has(`${br.id}|${bus}`));
    const g = s("g", { class: `branch ${br.kind}${dashed ? " open" : ""}`, dataset: { element: br.id } }, s("title", {}, describe(br)));
    const wires = routes.get(br);
    if (br.kind === "trafo3w") {
      const hv = atts[0];
      const cx = hv.slot;
      const cy = yBus(hv.bus) + ROW_GAP / 2;
      g.append(polyline([[cx, yBus(hv.bus) + 3], [cx, cy - 18]]));
      wires.forEach((w, i) => {
        const sx = cx + (i === 0 ? -9 : 9);
        g.append(polyline(wirePoints([[sx, cy + 13]], w)));
      });
      g.append(
        s("circle", { cx, cy: cy - 8, r: 10, class: "winding" }),
        s("circle", { cx: cx - 7, cy: cy + 4, r: 10, class: "winding" }),
        s("circle", { cx: cx + 7, cy: cy + 4, r: 10, class: "winding" }),
        s("text", { x: cx + 22, y: cy - 6, class: "element-label" }, br.id));
    } else if (!wires) {
      // within one level: a U below the bars, beneath the sources and loads hanging there
      const [a, b] = atts;
      const depth = 80 + 9 * (sameLevel++ % 4);
      const yy = yBus(a.bus) + depth;
      g.append(polyline([[a.slot, yBus(a.bus) + 3], [a.slot, yy], [b.slot, yy], [b.slot, yBus(b.bus) + 3]]));
      const mx = (a.slot + b.slot) / 2;
      g.append(symbol(br, mx, yy), s("text", { x: mx, y: yy + 16, "text-anchor": "middle", class: "element-label" }, br.id));
    } else {
      const w = wires[0];
      const top = endAt.get(`${br.id}|${w.from}`);
      const points = wirePoints([[top.slot, yBus(w.from) + 3], [top.slot, yBus(w.from) + BEND]], w);
      g.append(polyline(points));
      // the symbol sits on the first stretch between the two rows
      const [[x1, y1], [x2, y2]] = [points[1], points[2]];
      const mx = (x1 + x2) / 2;
      const my = (y1 + y2) / 2;
      g.append(symbol(br, mx, my), s("text", { x: mx + 16, y: my - 12, class: "element-label" }, br.id));
    }
    for (const att of atts) {
      if (open.has(`${br.id}|${att.bus}`)) {
        const upper = below.get(att.bus).includes(att);
        g.append(s("rect", { x: att.slot - 5, y: yBus(att.bus) + (upper ? 14 : -20), width: 10, height: 6, class: "switch-open" },
          s("title", {}, `open switch at ${att.bus}`)));
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
      const yb = yBus(bus) + (up ? -3 : 3);
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
    const { x, width } = busItem.get(bus.id);
    const by = yBus(bus.id);
    const result = results.get(bus.id);
    const g = s("g", { class: `bus level-${levelClass(bus.vn_kv)}${inService(bus) ? "" : " open"}`, dataset: { bus: bus.id }, tabindex: 0 },
      s("title", {}, `${bus.id}${bus.name ? ` (${bus.name})` : ""}: ${bus.vn_kv} kV`),
      s("rect", { x, y: by - 3, width, height: 6, rx: 1, class: "bar" }),
      s("text", { x: x - 8, y: by - 2, "text-anchor": "end", class: "bus-label" }, bus.id),
      s("text", { x: x - 8, y: by + 12, "text-anchor": "end", class: "bus-kv" }, `${bus.vn_kv} kV`));
    if (result) {
      g.append(s("text", { x: x - 8, y: by + 26, "text-anchor": "end", class: "bus-result" },
        result.status === "ok" ? `${result.ikss_ka.toFixed(2)} kA` : result.status.replaceAll("_", " ")));
    }
    gBuses.append(g);
  }
  fill(container, svg);
  // wide diagrams scroll; start with the middle in view, where the top level is drawn
  container.scrollLeft = Math.max(0, (container.scrollWidth - container.clientWidth) / 2);
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
