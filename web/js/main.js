// The page: load a network document, list and draw it, run studies in WebAssembly, show and
// download the results. Everything runs locally; the engine is the ampflux-wasm package in
// ./pkg (built by `make wasm`).
import init, { Network, summarizeChanges, version } from "../pkg/ampflux_wasm.js";
import { fill, h } from "./dom.js";
import { renderDiagram } from "./diagram.js";
import { renderElements } from "./elements.js";
import { download, reportCsv, reportJson } from "./export.js";
import { showError, showIssues } from "./problems.js";
import { ResultsTable, renderChart } from "./results.js";

const $ = (selector) => document.querySelector(selector);
const EXAMPLE_URL = "pkg/example-network.json";
/** Changes listed after loading a new version of the document. */
const MAX_LISTED_CHANGES = 12;
/** Networks up to this size re-run the study when an option changes. */
const AUTO_RUN_BUSES = 2000;

const state = { net: null, lastGood: null, doc: null, report: null };
const table = new ResultsTable($("#results-table"));

function setStatus(text, kind = "") {
  const el = $("#engine-status");
  el.textContent = text;
  el.className = `engine ${kind}`;
}

function clearResults(caption = "Run a study to see I''k, ip, Ib and Ith at every bus.") {
  state.report = null;
  table.clear();
  fill($("#chart"));
  $("#results-caption").textContent = caption;
  $("#download-csv").disabled = true;
  $("#download-json").disabled = true;
}

function renderSummary() {
  const doc = state.doc;
  const counts = Object.entries(doc)
    .filter(([, v]) => Array.isArray(v) && v.length > 0)
    .map(([k, v]) => `${v.length} ${k.replaceAll("_", " ")}`);
  const rows = [
    ["Name", doc.name ?? "(unnamed)"],
    ["Frequency", `${doc.frequency_hz} Hz`],
    ["Elements", counts.join(", ") || "none"],
    ["Digest", state.net.digest().slice(0, 16) + "…"],
  ];
  fill($("#doc-summary"), rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
  $("#doc-summary").querySelector("dd:last-child").title = state.net.digest();
}

/** Reads `text` as the current network; returns whether it could be read. */
function loadText(text) {
  let net;
  try {
    net = Network.fromJson(text);
  } catch (err) {
    showError($("#problems"), err);
    $("#run").disabled = true;
    fill($("#doc-summary"));
    fill($("#elements"));
    fill($("#diagram"), h("p", { class: "hint" }, "Fix the document to see its diagram."));
    clearResults("The document could not be read.");
    // keep the last network that could be read, to list what changed once the text is fixed
    if (state.net) {
      state.lastGood?.free();
      state.lastGood = state.net;
    }
    state.net = null;
    state.doc = null;
    return false;
  }
  const previous = state.net ?? state.lastGood;
  if (state.net) state.lastGood?.free();
  state.lastGood = null;
  state.net = net;
  state.doc = JSON.parse(net.toJson(false));
  const changes = $("#doc-changes");
  if (previous) {
    const diff = Network.diff(previous, net);
    changes.hidden = false;
    const n = diff.changes.length;
    const shown = Math.min(n, MAX_LISTED_CHANGES);
    changes.textContent = n === 0
      ? "Same network as before."
      : `${n} change${n > 1 ? "s" : ""} since the previous version: ` +
        summarizeChanges({ changes: diff.changes.slice(0, shown) }) + (n > shown ? `; … and ${n - shown} more` : "");
    previous.free();
  } else {
    changes.hidden = true;
  }
  const issues = net.validate();
  showIssues($("#problems"), issues);
  renderSummary();
  renderElements($("#elements"), state.doc, issues);
  renderDiagram($("#diagram"), state.doc, null);
  clearResults();
  $("#run").disabled = false;
  return true;
}

function readOptions() {
  const form = new FormData($("#study-form"));
  return {
    fault: form.get("fault"),
    case: form.get("case"),
    ip_method: form.get("ip_method"),
    lv_tolerance_percent: Number(form.get("lv_tolerance_percent")),
    tk_s: Number(form.get("tk_s")),
  };
}

async function runStudy() {
  if (!state.net) return;
  const options = readOptions();
  setStatus("running the study…", "busy");
  $("#run").disabled = true;
  // let the browser paint the status before the (synchronous) study
  await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
  const started = performance.now();
  let report;
  try {
    report = state.net.shortCircuit(options);
  } catch (err) {
    showError($("#problems"), err);
    clearResults("The study did not run: see the problems above.");
    renderDiagram($("#diagram"), state.doc, null);
    setStatus("engine ready", "ready");
    $("#run").disabled = false;
    return;
  }
  const ms = performance.now() - started;
  state.report = report;
  if (report.warnings.length === 0) {
    fill($("#problems"), h("p", { class: "ok-note" }, "The study ran without warnings."));
  } else {
    showIssues($("#problems"), report.warnings, "The study ran");
  }
  table.show(report);
  renderChart($("#chart"), report);
  renderDiagram($("#diagram"), state.doc, report);
  const s = report.study;
  $("#results-caption").textContent =
    `${s.fault} fault, ${s.case} case, peak method ${s.ip_method.toUpperCase()}, Tk = ${s.tk_s} s: ` +
    `${report.buses.length} fault locations in ${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms. Click a column to sort.`;
  $("#download-csv").disabled = false;
  $("#download-json").disabled = false;
  setStatus("engine ready", "ready");
  $("#run").disabled = false;
}

function fileStem() {
  const name = (state.doc?.name ?? "network").replace(/[^A-Za-z0-9_-]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 40);
  const s = state.report.study;
  return `${name || "network"}-${s.fault}-${s.case}`;
}

function select(busId) {
  for (const el of document.querySelectorAll(".selected")) el.classList.remove("selected");
  for (const el of document.querySelectorAll(`[data-bus="${CSS.escape(busId)}"]`)) el.classList.add("selected");
  document.querySelector(`#results-table tr[data-bus="${CSS.escape(busId)}"]`)?.scrollIntoView({ block: "nearest" });
}

async function loadExample() {
  const response = await fetch(EXAMPLE_URL);
  if (!response.ok) throw new Error(`${EXAMPLE_URL}: HTTP ${response.status}`);
  const text = await response.text();
  $("#doc-text").value = text;
  loadText(text);
}

function wire() {
  $("#load-text").addEventListener("click", () => loadText($("#doc-text").value));
  $("#load-example").addEventListener("click", () => loadExample().catch((err) => showError($("#problems"), err)));
  $("#file-input").addEventListener("change", async (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    const text = await file.text();
    $("#doc-text").value = text;
    loadText(text);
    event.target.value = "";
  });
  const docPanel = $(".document");
  docPanel.addEventListener("dragover", (event) => event.preventDefault());
  docPanel.addEventListener("drop", async (event) => {
    const file = event.dataTransfer?.files?.[0];
    if (!file) return;
    event.preventDefault();
    $("#doc-text").value = await file.text();
    loadText($("#doc-text").value);
  });
  $("#study-form").addEventListener("submit", (event) => {
    event.preventDefault();
    runStudy();
  });
  $("#study-form").addEventListener("change", () => {
    if (state.report && state.doc.buses.length <= AUTO_RUN_BUSES) runStudy();
  });
  $("#download-csv").addEventListener("click", () => download(`${fileStem()}.csv`, reportCsv(state.report), "text/csv"));
  $("#download-json").addEventListener("click", () => download(`${fileStem()}.json`, reportJson(state.report), "application/json"));
  for (const container of [$("#diagram"), $("#chart"), $("#results-table")]) {
    container.addEventListener("click", (event) => {
      const bus = event.target.closest("[data-bus]")?.dataset.bus;
      if (bus !== undefined) select(bus);
    });
  }
}

async function start() {
  wire();
  try {
    await init();
  } catch (err) {
    setStatus("the engine could not be loaded", "failed");
    showError($("#problems"), new Error(`The WebAssembly engine in ./pkg could not be loaded (build it with \`make wasm\`): ${err.message}`));
    return;
  }
  $("#version").textContent = version();
  setStatus("engine ready", "ready");
  try {
    await loadExample();
  } catch (err) {
    showError($("#problems"), err);
  }
  document.body.dataset.ready = "true";
}

start();
