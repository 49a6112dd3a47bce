// The document's buses and elements, one collapsible table per table of the format.
import { fill, h } from "./dom.js";

/** Rows shown per table (the rest is counted). */
const MAX_ROWS = 300;

const TABLES = [
  ["buses", "Buses"], ["external_grids", "External grids"], ["lines", "Lines and cables"],
  ["transformers", "Transformers"], ["transformers3w", "Three-winding transformers"],
  ["generators", "Generators"], ["motors", "Motors"], ["converters", "Converters"],
  ["impedances", "Impedances"], ["switches", "Switches"], ["loads", "Loads"],
];

/** Where an element connects, as text. */
function connection(table, e) {
  switch (table) {
    case "buses": return `${e.vn_kv} kV`;
    case "lines":
    case "impedances": return `${e.from_bus} → ${e.to_bus}`;
    case "transformers": return `${e.hv_bus} → ${e.lv_bus}`;
    case "transformers3w": return `${e.hv_bus} → ${e.mv_bus} → ${e.lv_bus}`;
    case "switches": return `${e.bus} ↔ ${e.element} (${e.closed === false ? "open" : "closed"})`;
    default: return e.bus;
  }
}

const SKIP = new Set(["id", "name", "meta", "bus", "from_bus", "to_bus", "hv_bus", "mv_bus", "lv_bus", "element", "closed", "in_service"]);

function data(table, e) {
  return Object.entries(e)
    .filter(([k, v]) => !SKIP.has(k) && !(table === "buses" && k === "vn_kv") && v !== null && typeof v !== "object")
    .map(([k, v]) => `${k} ${v}`)
    .join(", ");
}

/** Lists every table of `doc` in `container`; `issues` mark the elements with problems. */
export function renderElements(container, doc, issues = []) {
  const flagged = new Map();
  for (const issue of issues) {
    if (issue.element) flagged.set(issue.element, flagged.get(issue.element) === "error" ? "error" : issue.severity);
  }
  const sections = [];
  for (const [key, title] of TABLES) {
    const rows = doc[key] ?? [];
    if (rows.length === 0) continue;
    const shown = rows.slice(0, MAX_ROWS);
    sections.push(h("details", { class: "element-table", open: key === "buses" || rows.length <= 12, dataset: { table: key } },
      h("summary", {}, `${title} `, h("span", { class: "count" }, `(${rows.length})`)),
      h("table", {},
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Id"), h("th", { scope: "col" }, "Name"),
          h("th", { scope: "col" }, key === "buses" ? "Voltage" : "Connection"), h("th", { scope: "col" }, "Data"))),
        h("tbody", {}, shown.map((e) => h("tr", {
          class: [e.in_service === false ? "inactive" : "", flagged.has(e.id) ? `flag-${flagged.get(e.id)}` : ""].join(" ").trim(),
          dataset: { element: e.id },
        },
        h("th", { scope: "row" }, e.id), h("td", {}, e.name ?? ""), h("td", {}, connection(key, e)),
        h("td", { class: "data" }, data(key, e)))))),
      rows.length > MAX_ROWS ? h("p", { class: "hint" }, `${rows.length - MAX_ROWS} more not shown.`) : ""));
  }
  fill(container, sections.length ? sections : h("p", { class: "hint" }, "The document has no elements."));
}
