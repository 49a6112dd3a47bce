// The web page in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
// served from a local static server, it loads the example, runs studies, and shows the same
// numbers as the native engine (the `ampflux` CLI). Screenshots go to target/artifacts/.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { serveStatic } from "../../scripts/serve.mjs";
import { ARTIFACTS, compareDeep, EXAMPLE, relDiff, ROOT, skipUnless, TESTDATA } from "../helpers.mjs";

const CHROMIUM = process.env.AMPFLUX_CHROMIUM ?? "/usr/bin/chromium";
const CLI = process.env.AMPFLUX_CLI ?? path.join(ROOT, "target/release/ampflux");
const WEB = path.join(ROOT, "web");
const GRID_1K = path.join(TESTDATA, "synthetic/meshed_1000.json");
const missing = [
  [CHROMIUM, "Chromium (apt-get install chromium)"],
  [CLI, "the ampflux CLI (cargo build --release -p ampflux-cli, or set AMPFLUX_CLI)"],
  [path.join(WEB, "pkg/ampflux_wasm.js"), "web/pkg (make wasm)"],
  [path.join(ROOT, "ampflux-wasm/node_modules/playwright-core"), "playwright-core (npm ci in ampflux-wasm)"],
  [GRID_1K, "the exported synthetic grids (AMPFLUX_TESTDATA)"],
].filter(([file]) => !existsSync(file)).map(([, what]) => what);
const skip = skipUnless(missing.join(", "));

/** The native engine's answer: `ampflux sc EXAMPLE --format FORMAT ARGS`. */
function cli(format, ...args) {
  return execFileSync(CLI, ["sc", EXAMPLE, "--format", format, ...args], { encoding: "utf8", env: { ...process.env, RAYON_NUM_THREADS: "1" } });
}

/**
 * The page's CSV against the CLI's: the same lines and cells, text cells equal, numbers within
 * 1e-12 relative, and every number written as Rust writes it (parsing and rewriting the
 * CLI's own numbers through the page's formatter gives the same text).
 */
function compareCsv(got, want) {
  const split = (text) => text.split("\n").map((line) => line.split(","));
  const g = split(got);
  const w = split(want);
  assert.equal(g.length, w.length, "same number of lines");
  g.forEach((cells, i) => {
    assert.equal(cells.length, w[i].length, `line ${i + 1}: same number of cells`);
    cells.forEach((cell, j) => {
      const native = w[i][j];
      if (/^-?\d/.test(native) && i > 0) {
        assert.ok(relDiff(Number(cell), Number(native)) <= 1e-12, `line ${i + 1} cell ${j + 1}: ${cell} vs ${native}`);
        assert.ok(!/e/i.test(cell), `line ${i + 1} cell ${j + 1}: ${cell} is written without an exponent, as Rust does`);
      } else {
        assert.equal(cell, native, `line ${i + 1} cell ${j + 1}`);
      }
    });
  });
}

const DECIMALS = { vn_kv: 3, ikss_ka: 3, skss_mva: 2, ip_ka: 3, ib_ka: 3, ith_ka: 3, kappa: 4, rk_ohm: 5, xk_ohm: 5, ikss_earth_ka: 3, rk0_ohm: 5, xk0_ohm: 5 };

describe("the web page", { skip }, () => {
  let server;
  let url;
  let browser;
  let page;
  const pageErrors = [];
  const foreignRequests = [];

  before(async () => {
    ({ server, url } = await serveStatic(WEB));
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page = await context.newPage();
    page.on("pageerror", (err) => pageErrors.push(String(err)));
    page.on("console", (msg) => { if (msg.type() === "error") pageErrors.push(msg.text()); });
    page.on("request", (req) => { if (!req.url().startsWith(url) && !/^(data|blob):/.test(req.url())) foreignRequests.push(req.url()); });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    server?.close();
  });

  /** The results table as [{bus, key: {text, value}}]. */
  async function tableRows() {
    return page.$$eval("#results-table tbody tr", (rows) => rows.map((tr) => {
      const cells = {};
      for (const cell of tr.querySelectorAll("[data-key]")) cells[cell.dataset.key] = { text: cell.textContent, value: cell.dataset.value };
      return { bus: tr.dataset.bus, cells };
    }));
  }

  function checkRows(rows, native, columns) {
    assert.equal(rows.length, native.buses.length);
    for (const row of rows) {
      const want = native.buses.find((b) => b.id === row.bus);
      assert.ok(want, `row ${row.bus} is a bus of the native report`);
      for (const key of columns) {
        const cell = row.cells[key];
        assert.ok(cell, `${row.bus}: column ${key}`);
        const value = Number(cell.value);
        assert.ok(relDiff(value, want[key]) <= 1e-12, `${row.bus}.${key}: ${value} in the page, ${want[key]} native`);
        assert.equal(cell.text, value.toFixed(DECIMALS[key]), `${row.bus}.${key}: shown value`);
      }
    }
  }

  test("loads the engine and the example network", async () => {
    await page.goto(url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
    assert.equal(await page.textContent("#engine-status"), "engine ready");
    const doc = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    assert.equal(await page.$$eval('details[data-table="buses"] tbody tr', (r) => r.length), doc.buses.length);
    assert.equal(await page.$$eval('details[data-table="transformers"] tbody tr', (r) => r.length), doc.transformers.length);
    assert.equal(await page.$$eval("svg.one-line g.bus", (g) => g.length), doc.buses.length);
    assert.equal(await page.$$eval("svg.one-line g.branch", (g) => g.length), doc.lines.length + doc.transformers.length);
    const levels = await page.$$eval("svg.one-line .level-label", (t) => t.map((x) => x.textContent));
    assert.deepEqual(levels, [...new Set(doc.buses.map((b) => b.vn_kv))].sort((a, b) => b - a).map((v) => `${v} kV`),
      "one row per voltage level, highest first");
  });

  test("runs a three-phase study with the native engine's numbers", async () => {
    await page.selectOption('select[name="fault"]', "3ph");
    await page.selectOption('select[name="case"]', "max");
    await page.click("#run");
    await page.waitForSelector("#results-table tbody tr");
    const native = JSON.parse(cli("json"));
    checkRows(await tableRows(), native, ["vn_kv", "ikss_ka", "skss_mva", "ip_ka", "ib_ka", "ith_ka", "kappa", "rk_ohm", "xk_ohm"]);
    // the chart has one bar per bus, the longest for the largest current
    const bars = await page.$$eval("svg.bar-chart g.bar", (gs) => gs.map((g) => ({ bus: g.dataset.bus, width: Number(g.querySelector("rect").getAttribute("width")) })));
    assert.equal(bars.length, native.buses.length);
    const largest = native.buses.reduce((a, b) => (b.ikss_ka > a.ikss_ka ? b : a));
    assert.equal(bars.reduce((a, b) => (b.width > a.width ? b : a)).bus, largest.id);
    // the diagram shows I''k at each bus
    const labels = await page.$$eval("svg.one-line g.bus", (gs) => Object.fromEntries(gs.map((g) => [g.dataset.bus, g.querySelector(".bus-result")?.textContent])));
    for (const b of native.buses) assert.equal(labels[b.id], `${b.ikss_ka.toFixed(2)} kA`);
    await page.screenshot({ path: path.join(ARTIFACTS, "web-page-3ph.png"), fullPage: true });
  });

  test("sorts the table by a column, both ways", async () => {
    const native = JSON.parse(cli("json"));
    await page.click('#results-table th[data-key="ikss_ka"] button');
    let order = (await tableRows()).map((r) => r.bus);
    assert.deepEqual(order, [...native.buses].sort((a, b) => b.ikss_ka - a.ikss_ka).map((b) => b.id));
    assert.equal(await page.getAttribute('#results-table th[data-key="ikss_ka"]', "aria-sort"), "descending");
    await page.click('#results-table th[data-key="ikss_ka"] button');
    order = (await tableRows()).map((r) => r.bus);
    assert.deepEqual(order, [...native.buses].sort((a, b) => a.ikss_ka - b.ikss_ka).map((b) => b.id));
    await page.click('#results-table th[data-key="id"] button');
    order = (await tableRows()).map((r) => r.bus);
    assert.deepEqual(order, [...native.buses].map((b) => b.id).sort((a, b) => a.localeCompare(b, undefined, { numeric: true })));
  });

  test("an earth fault in the minimum case, downloaded as CSV and JSON equal to the CLI's", async () => {
    await page.selectOption('select[name="fault"]', "1ph");
    await page.selectOption('select[name="case"]', "min"); // re-runs the study
    await page.waitForFunction(() => document.querySelector("#results-caption").textContent.startsWith("1ph fault, min case"));
    const native = JSON.parse(cli("json", "--fault", "1ph", "--case", "min"));
    checkRows(await tableRows(), native, ["ikss_ka", "ip_ka", "ith_ka", "ikss_earth_ka", "rk0_ohm", "xk0_ohm"]);

    const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-csv")]);
    const csvFile = path.join(ARTIFACTS, csvDownload.suggestedFilename());
    await csvDownload.saveAs(csvFile);
    assert.match(csvDownload.suggestedFilename(), /-1ph-min\.csv$/);
    compareCsv(readFileSync(csvFile, "utf8"), cli("csv", "--fault", "1ph", "--case", "min"));

    const [jsonDownload] = await Promise.all([page.waitForEvent("download"), page.click("#download-json")]);
    const jsonFile = path.join(ARTIFACTS, jsonDownload.suggestedFilename());
    await jsonDownload.saveAs(jsonFile);
    const stats = compareDeep(JSON.parse(readFileSync(jsonFile, "utf8")), native, 1e-12, "download");
    assert.deepEqual(stats.problems, []);
  });

  test("a broken document shows its problems as a list", async () => {
    const doc = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    doc.lines[0].colour = "red";
    await page.fill("#doc-text", JSON.stringify(doc, null, 2));
    await page.click("#load-text");
    await page.waitForSelector('#problems .problem-box.error[data-code="format_error"]');
    const text = await page.textContent("#problems");
    assert.match(text, /cannot be read/);
    assert.match(text, /lines\[0\]\.colour|colour/);
    assert.equal(await page.isDisabled("#run"), true);
    assert.equal(await page.$$eval("#results-table tbody tr", (r) => r.length), 0);

    delete doc.lines[0].colour;
    doc.transformers[0].sn_mva = 0;
    doc.lines[1].to_bus = "NOWHERE";
    await page.fill("#doc-text", JSON.stringify(doc, null, 2));
    await page.click("#load-text");
    await page.waitForSelector("#problems .problem-box.error li.issue");
    const issues = await page.$$eval("#problems li.issue", (lis) => lis.map((li) => ({
      where: li.querySelector(".where")?.textContent, code: li.dataset.code, message: li.querySelector(".message").textContent,
    })));
    assert.ok(issues.some((i) => i.where === "transformers · T1 · sn_mva"), JSON.stringify(issues));
    assert.ok(issues.some((i) => i.where === `lines · ${doc.lines[1].id} · to_bus`), JSON.stringify(issues));
    assert.match(await page.textContent("#doc-changes"), /change/);
    // the elements with problems are marked in the element list
    assert.ok(await page.$('details[data-table="transformers"] tr.flag-error[data-element="T1"]'));
    await page.click("#run");
    await page.waitForSelector('#problems .problem-box[data-code="validation_error"]');
    assert.match(await page.textContent("#problems"), /The study cannot run/);
    await page.screenshot({ path: path.join(ARTIFACTS, "web-page-problems.png"), fullPage: true });

    await page.click("#load-example");
    await page.waitForFunction(() => document.querySelector("#problems .ok-note, #problems .problem-box.warning") !== null);
    assert.equal(await page.isDisabled("#run"), false);
  });

  test("a 1000-bus grid: listed, not drawn, and its results shown page by page", async () => {
    await page.evaluate((text) => { document.querySelector("#doc-text").value = text; }, readFileSync(GRID_1K, "utf8"));
    await page.click("#load-text");
    await page.waitForFunction(() => /drawn for networks up to/.test(document.querySelector("#diagram").textContent));
    await page.selectOption('select[name="fault"]', "3ph");
    await page.click("#run");
    await page.waitForFunction(() => document.querySelectorAll("#results-table tbody tr").length > 0, null, { timeout: 60000 });
    assert.equal(await page.$$eval("#results-table tbody tr", (r) => r.length), 500);
    assert.match(await page.textContent("#results-table tfoot"), /500 of 1000 fault locations/);
    await page.click("#results-table tfoot button:text('Show all')");
    assert.equal(await page.$$eval("#results-table tbody tr", (r) => r.length), 1000);
    assert.equal(await page.$$eval("svg.bar-chart g.bar", (g) => g.length), 60, "the chart shows the largest 60");
  });

  test("no page errors and no request outside the local server", () => {
    assert.deepEqual(pageErrors, []);
    assert.deepEqual(foreignRequests, []);
  });
});
