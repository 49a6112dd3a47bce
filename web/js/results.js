// The results: a sortable table of every fault location and a bar chart of I''k per bus.
import { fill, h, s } from "./dom.js";
import { fixed } from "./format.js";

const STATUS_TEXT = { ok: "ok", unsupplied: "unsupplied", no_zero_sequence_path: "no zero-sequence path" };

/** Columns: key in BusResult, header, unit, decimals (text columns have none). */
function columns(report) {
  const cols = [
    { key: "id", label: "Bus" },
    { key: "vn_kv", label: "Un", unit: "kV", decimals: 3 },
    { key: "ikss_ka", label: "I''k", unit: "kA", decimals: 3 },
    { key: "skss_mva", label: "S''k", unit: "MVA", decimals: 2 },
    { key: "ip_ka", label: "ip", unit: "kA", decimals: 3 },
    { key: "ib_ka", label: "Ib", unit: "kA", decimals: 3 },
    { key: "ith_ka", label: "Ith", unit: "kA", decimals: 3 },
    { key: "kappa", label: "κ", decimals: 4 },
    { key: "rk_ohm", label: "Rk", unit: "Ω", decimals: 5 },
    { key: "xk_ohm", label: "Xk", unit: "Ω", decimals: 5 },
  ];
  if (report.study.fault === "1ph" || report.study.fault === "2phe") {
    cols.push(
      { key: "ikss_earth_ka", label: "I''kE", unit: "kA", decimals: 3 },
      { key: "rk0_ohm", label: "R0", unit: "Ω", decimals: 5 },
      { key: "xk0_ohm", label: "X0", unit: "Ω", decimals: 5 },
    );
  }
  cols.push({ key: "status", label: "Status" });
  return cols;
}

function compare(a, b, key) {
  const x = a[key];
  const y = b[key];
  if (typeof x === "number" && typeof y === "number") return x - y;
  if (x === undefined || x === null) return 1;
  if (y === undefined || y === null) return -1;
  return String(x).localeCompare(String(y), undefined, { numeric: true });
}

/** Rows rendered at first (and added per "show more"); every row is in the downloads. */
const PAGE_ROWS = 500;

/**
 * A sortable results table in `table`. Clicking a header sorts by that column; clicking it
 * again reverses the order. Every numeric cell keeps the exact value in `data-value`. Large
 * studies show the first rows of the sorted order, with a button for more.
 */
export class ResultsTable {
  constructor(table) {
    this.table = table;
    this.sort = { key: null, descending: false };
    this.report = null;
    this.limit = PAGE_ROWS;
  }

  show(report) {
    this.report = report;
    this.limit = PAGE_ROWS;
    this.render();
  }

  clear() {
    this.report = null;
    fill(this.table);
  }

  sortBy(key) {
    const first = ["id", "status"].includes(key) ? false : true;
    this.sort = this.sort.key === key ? { key, descending: !this.sort.descending } : { key, descending: first };
    this.render();
  }

  render() {
    const report = this.report;
    if (!report) return;
    const cols = columns(report);
    const rows = [...report.buses];
    if (this.sort.key) {
      rows.sort((a, b) => compare(a, b, this.sort.key) * (this.sort.descending ? -1 : 1));
    }
    const header = h("tr", {}, cols.map((c) => {
      const sorted = this.sort.key === c.key;
      const ariaSort = sorted ? (this.sort.descending ? "descending" : "ascending") : "none";
      return h("th", { scope: "col", "aria-sort": ariaSort, dataset: { key: c.key }, class: c.decimals !== undefined ? "num" : "" },
        h("button", { type: "button", onclick: () => this.sortBy(c.key), title: `sort by ${c.label}` },
          c.label, c.unit ? h("span", { class: "unit" }, ` ${c.unit}`) : "",
          h("span", { class: "arrow", "aria-hidden": "true" }, sorted ? (this.sort.descending ? " ▼" : " ▲") : "")));
    }));
    const shown = rows.slice(0, this.limit);
    const body = shown.map((bus) => h("tr", { dataset: { bus: bus.id }, class: bus.status === "ok" ? "" : "inactive" },
      cols.map((c) => {
        const value = bus[c.key];
        if (c.key === "status") return h("td", { dataset: { key: c.key } }, STATUS_TEXT[value] ?? value);
        if (c.decimals === undefined) return h("th", { scope: "row", dataset: { key: c.key } }, value);
        return h("td", { class: "num", dataset: { key: c.key, value: value ?? "" } }, fixed(value, c.decimals));
      })));
    const more = rows.length - shown.length;
    const foot = more > 0
      ? h("tfoot", {}, h("tr", {}, h("td", { colspan: cols.length, class: "more" },
        `${shown.length} of ${rows.length} fault locations shown (all of them are in the downloads). `,
        h("button", { type: "button", onclick: () => { this.limit += PAGE_ROWS; this.render(); } }, `Show ${Math.min(more, PAGE_ROWS)} more`),
        " ",
        h("button", { type: "button", onclick: () => { this.limit = Infinity; this.render(); } }, "Show all"))))
      : "";
    fill(this.table, h("thead", {}, header), h("tbody", {}, body), foot);
  }
}

/** A horizontal bar chart of I''k per bus (the largest 60 when there are more). */
export function renderChart(container, report) {
  const all = report.buses.filter((b) => b.status === "ok");
  const limit = 60;
  const buses = all.length > limit ? [...all].sort((a, b) => b.ikss_ka - a.ikss_ka).slice(0, limit) : all;
  if (buses.length === 0) {
    fill(container, h("p", { class: "hint" }, "No supplied bus to chart."));
    return;
  }
  const max = Math.max(...buses.map((b) => b.ikss_ka)) || 1;
  const labelWidth = Math.min(180, 16 + 7 * Math.max(...buses.map((b) => String(b.id).length)));
  const barArea = 420;
  const rowHeight = 20;
  const width = labelWidth + barArea + 90;
  const height = 28 + buses.length * rowHeight;
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "bar-chart",
    "aria-label": "Initial symmetrical short-circuit current I''k per bus in kA" },
    s("title", {}, "I''k per bus (kA)"));
  const ticks = 4;
  for (let i = 0; i <= ticks; i += 1) {
    const x = labelWidth + (barArea * i) / ticks;
    svg.append(
      s("line", { x1: x, y1: 18, x2: x, y2: height - 4, class: "grid" }),
      s("text", { x, y: 12, class: "tick", "text-anchor": "middle" }, ((max * i) / ticks).toFixed(max * i / ticks >= 10 ? 0 : 1)),
    );
  }
  buses.forEach((b, i) => {
    const y = 22 + i * rowHeight;
    const w = Math.max(1, (barArea * b.ikss_ka) / max);
    svg.append(s("g", { class: "bar", dataset: { bus: b.id } },
      s("text", { x: labelWidth - 8, y: y + 12, "text-anchor": "end", class: "label" }, b.id),
      s("rect", { x: labelWidth, y: y + 2, width: w, height: rowHeight - 6, rx: 2, class: `level-${levelClass(b.vn_kv)}` },
        s("title", {}, `${b.id}: I''k = ${b.ikss_ka.toFixed(3)} kA`)),
      s("text", { x: labelWidth + w + 6, y: y + 12, class: "value" }, `${b.ikss_ka.toFixed(2)} kA`)));
  });
  const note = all.length > limit ? h("p", { class: "hint" }, `The ${limit} largest of ${all.length} buses.`) : "";
  fill(container, h("div", { class: "chart-title" }, "I''k per bus (kA)"), svg, note);
}

/** A CSS class for a voltage level: hv (> 35 kV), mv (> 1 kV), lv. */
export function levelClass(vnKv) {
  return vnKv > 35 ? "hv" : vnKv > 1 ? "mv" : "lv";
}
