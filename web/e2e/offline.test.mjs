// Offline mode in headless Chromium: the built client from a plain static server (no API, the
// server's CSP): the example opens and studies locally with the native engine's numbers, an
// invalid field shows the core's message at the field, undo/redo, a failed open leaves the
// network as it was, a 100k-bus study runs in the worker with progress and is cancelled while
// the page stays responsive, the results and the report at 390 px.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { after, afterEach, before, describe, test } from "node:test";
import { CLI_BIN, launch, newPage, ROOT, serveStatic, shot } from "./lib.mjs";

const EXAMPLE = path.join(ROOT, "examples/networks/industrial_plant.json");
const TESTDATA = process.env.AMPFLUX_TESTDATA ?? path.join(ROOT, "target/wasm-testdata");
const wasm = createRequire(import.meta.url)(path.join(ROOT, "ampflux-wasm/pkg/ampflux_wasm.js"));
const GRID_100K = path.join(TESTDATA, "synthetic/meshed_100000.json");

describe("offline mode", () => {
  let site, b, page, problems;

  before(async () => {
    site = await serveStatic();
    b = await launch();
    ({ page, problems } = await newPage(b.browser, site.url));
  });

  afterEach(async () => { await shot(page, "offline-last"); });

  after(async () => {
    await b?.close();
    await site?.close();
  });

  test("opens without a server, in offline mode, with the API docs link hidden", async () => {
    await page.goto(site.url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
    assert.match(await page.textContent("header.top"), /offline/);
    assert.equal(await page.$('footer a[href="/docs"]'), null);
    await page.waitForSelector("svg.one-line g.bus");
  });

  test("the example studies locally with the native engine's numbers", async () => {
    await page.click('button:text-is("Example")');
    await page.waitForSelector("text=Opened the industrial plant example");
    const doc = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    await page.waitForFunction((n) => document.querySelectorAll("svg.one-line g.bus").length === n, doc.buses.length);
    // voltage levels top to bottom: every bus of a higher level above every bus of a lower level
    const ys = await page.$$eval("svg.one-line g.bus", (g) => g.map((x) => ({ id: x.dataset.bus, y: x.transform.baseVal.consolidate().matrix.f })));
    const kv = Object.fromEntries(doc.buses.map((x) => [x.id, x.vn_kv]));
    for (const a of ys) for (const c of ys) if (kv[a.id] > kv[c.id]) assert.ok(a.y < c.y, `${a.id} (${kv[a.id]} kV) above ${c.id} (${kv[c.id]} kV)`);
    // no two bus labels overlap
    const boxes = await page.$$eval("svg.one-line text.bus-label", (t) => t.map((x) => { const r = x.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }));
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [a, c] = [boxes[i], boxes[j]];
      assert.ok(a[2] <= c[0] || c[2] <= a[0] || a[3] <= c[1] || c[3] <= a[1], `labels ${i} and ${j} overlap`);
    }
    await page.click('[data-tab="study"]');
    await page.selectOption('select[name="fault"]', "1ph");
    await page.click("#run-local");
    await page.waitForSelector("#results-table tbody tr");
    const native = JSON.parse(execFileSync(CLI_BIN, ["sc", EXAMPLE, "--fault", "1ph", "--format", "json"], { encoding: "utf8" }));
    const rows = await page.$$eval("#results-table tbody tr[data-bus]", (r) => r.map((tr) => ({ bus: tr.dataset.bus, ikss: Number(tr.querySelector('[data-key="ikss_ka"]').dataset.value), ip: Number(tr.querySelector('[data-key="ip_ka"]').dataset.value), text: tr.querySelector('[data-key="ikss_ka"]').textContent })));
    assert.equal(rows.length, native.buses.length);
    for (const r of rows) {
      const want = native.buses.find((x) => x.id === r.bus);
      if (want.ikss_ka === null) {
        // outside IEC 60909 (e.g. an isolated neutral): no current, said so
        assert.equal(r.text, "–", `${r.bus} has no I''k`);
        continue;
      }
      assert.ok(Math.abs(r.ikss - want.ikss_ka) <= 1e-12 * want.ikss_ka, `${r.bus} I''k ${r.ikss} vs ${want.ikss_ka}`);
      assert.ok(Math.abs(r.ip - want.ip_ka) <= 1e-12 * want.ip_ka, `${r.bus} ip`);
      assert.equal(r.text, want.ikss_ka.toFixed(3));
    }
    // sorting by I''k, both ways (locations without I''k last)
    const withIk = native.buses.filter((x) => x.ikss_ka !== null);
    const without = native.buses.filter((x) => x.ikss_ka === null).map((x) => x.id);
    await page.click('#results-table th[data-key="ikss_ka"] button');
    let order = await page.$$eval("#results-table tbody tr[data-bus]", (r) => r.map((tr) => tr.dataset.bus));
    assert.deepEqual(order.slice(0, withIk.length), [...withIk].sort((x, y) => y.ikss_ka - x.ikss_ka).map((x) => x.id));
    assert.deepEqual([...order.slice(withIk.length)].sort(), [...without].sort());
    await page.click('#results-table th[data-key="ikss_ka"] button');
    order = await page.$$eval("#results-table tbody tr[data-bus]", (r) => r.map((tr) => tr.dataset.bus));
    assert.deepEqual(order.slice(0, withIk.length), [...withIk].sort((x, y) => x.ikss_ka - y.ikss_ka).map((x) => x.id));
    // the header names the study and the edition; the chart has a legend; the diagram shows currents
    assert.match(await page.textContent("#study-header"), /IEC 60909-0:2016 · line-to-earth fault \(1ph\) · maximum case/);
    assert.ok(await page.$("#ik-chart"));
    const labels = await page.$$eval("svg.one-line g.bus", (g) => Object.fromEntries(g.map((x) => [x.dataset.bus, x.querySelector(".bus-result")?.textContent])));
    for (const x of native.buses) if (x.status === "ok" && x.ikss_ka !== null) assert.equal(labels[x.id], `${x.ikss_ka.toFixed(2)} kA`);
    await shot(page, "offline-study-1ph");
  });

  test("a study right after an edit studies the edited network (not the text the document worker opened)", async () => {
    // the opened example's text is in the document worker; an edit makes the page's document another one
    await page.click('[data-tab="network"]');
    const grids = page.locator('details[data-table="external_grids"]');
    if (!(await grids.locator('button[data-element="Utility"]').isVisible())) await grids.locator("> summary").click();
    await page.click('details[data-table="external_grids"] button[data-element="Utility"]');
    const sk = page.locator('.element-form [name="s_sc_max_mva"]');
    await sk.fill("1234");
    await sk.press("Enter");
    await page.click('[data-tab="study"]');
    await page.click("#run-local");
    await page.waitForFunction(() => !document.querySelector(".study-form .progress") && document.querySelector("#results-table tbody tr"));
    const edited = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    edited.external_grids.find((g) => g.id === "Utility").s_sc_max_mva = 1234;
    const file = path.join(os.tmpdir(), "ampflux-web-edited.json");
    writeFileSync(file, JSON.stringify(edited));
    const native = JSON.parse(execFileSync(CLI_BIN, ["sc", file, "--fault", "1ph", "--format", "json"], { encoding: "utf8" }));
    const before = JSON.parse(execFileSync(CLI_BIN, ["sc", EXAMPLE, "--fault", "1ph", "--format", "json"], { encoding: "utf8" }));
    const grid = native.buses.find((x) => x.id === "GRID110");
    assert.notEqual(grid.ikss_ka, before.buses.find((x) => x.id === "GRID110").ikss_ka, "the edit changes the grid's current");
    const shown = Number(await page.getAttribute('#results-table tr[data-bus="GRID110"] [data-key="ikss_ka"]', "data-value"));
    assert.ok(Math.abs(shown - grid.ikss_ka) <= 1e-12 * grid.ikss_ka, `GRID110 I''k ${shown} vs the edited network's ${grid.ikss_ka}`);
    await page.click('[data-tab="network"]');
    await page.click("#undo");
    assert.equal(await sk.inputValue(), "3000");
  });

  test("an invalid field shows the core's message at the field; undo restores it", async () => {
    await page.click('[data-tab="network"]');
    await page.click('details[data-table="transformers"] button.element >> nth=0');
    const input = page.locator('.element-form [name="vk_percent"]');
    const before = await input.inputValue();
    await input.fill("-6");
    await input.press("Enter");
    const error = page.locator('.element-form [data-field="vk_percent"] .field-error');
    await error.waitFor();
    // the message is the core's own, for that element and field
    const doc = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    const t = doc.transformers[0];
    t.vk_percent = -6;
    const net = wasm.Network.fromJson(JSON.stringify(doc));
    const issue = net.validate().find((i) => i.element === t.id && i.field === "vk_percent");
    net.free();
    assert.ok(issue, "the core reports the field");
    assert.equal(await error.textContent(), issue.message);
    assert.equal(await input.getAttribute("aria-invalid"), "true");
    await shot(page, "offline-invalid-field");
    await page.click("#undo");
    await page.waitForFunction(() => !document.querySelector('.element-form [data-field="vk_percent"] .field-error'));
    assert.equal(await page.locator('.element-form [name="vk_percent"]').inputValue(), before);
    await page.click("#redo");
    await page.waitForSelector('.element-form [data-field="vk_percent"] .field-error');
    await page.click("#undo");
  });

  test("a file that cannot be read leaves the network as it was, with a clear message", async () => {
    const bad = path.join(os.tmpdir(), "ampflux-bad-network.json");
    writeFileSync(bad, '{"format": "ampflux-network", "version": 1, "frequency_hz": 50, "buses": [{"id": "B1"}]}');
    const busesBefore = await page.$$eval("svg.one-line g.bus", (g) => g.length);
    await page.setInputFiles('input[type="file"]', bad);
    await page.waitForSelector(".notice.error");
    assert.match(await page.textContent(".notice.error"), /could not be read: .*vn_kv/);
    assert.equal(await page.$$eval("svg.one-line g.bus", (g) => g.length), busesBefore);
    assert.equal(await page.$("text=change"), null, "no stale change note");
  });

  test("a 100k-bus network is read, checked and laid out in the document worker while the page takes input", { skip: existsSync(GRID_100K) ? false : `no ${GRID_100K} (ampflux-testkit export)` }, async () => {
    await page.click('[data-tab="network"]');
    await page.setInputFiles('input[type="file"]', GRID_100K);
    await page.waitForSelector("text=Opening meshed_100000.json…");
    // the page answers while the worker reads the file (the figures of `make bench-web` say how long tasks are)
    await page.fill('input[aria-label="Filter elements"]', "B1");
    assert.equal(await page.inputValue('input[aria-label="Filter elements"]'), "B1");
    await page.waitForSelector("text=Opened meshed_100000.json: 100000 buses.", { timeout: 120000 });
    await page.waitForSelector("text=layout: voltage bands", { timeout: 60000 });
    await page.waitForSelector("text=/overview of 100\\d{3} nodes/");
    await page.fill('input[aria-label="Filter elements"]', "");
    await shot(page, "offline-100k-open");
  });

  test("a 100k-bus study runs in the worker with progress and is cancelled; the page stays responsive", { skip: existsSync(GRID_100K) ? false : `no ${GRID_100K} (ampflux-testkit export)` }, async () => {
    if (!(await page.isVisible("text=Opened meshed_100000.json"))) {
      await page.setInputFiles('input[type="file"]', GRID_100K);
      await page.waitForSelector("text=Opened meshed_100000.json", { timeout: 120000 });
    }
    await page.click('[data-tab="study"]');
    assert.equal(await page.isChecked('input[name="branch_results"]'), false, "no branch results by default for large networks");
    await page.click("#run-local");
    await page.waitForFunction(() => /work units/.test(document.querySelector(".progress")?.textContent ?? ""), null, { timeout: 60000 });
    // the page takes input while the worker computes (the figures of `make bench-web` say how fast)
    await page.fill('input[name="tk_s"]', "0.5");
    assert.equal(await page.inputValue('input[name="tk_s"]'), "0.5");
    assert.ok(await page.isVisible("#cancel"), "still running");
    await shot(page, "offline-100k-progress");
    await page.click("#cancel");
    await page.waitForSelector("text=The study was cancelled.");
    assert.equal(await page.isEnabled("#run-local"), true);
    assert.equal(await page.$("#results-table"), null);
  });

  test("installable: manifest and service worker; with the network gone the client reloads and studies", async () => {
    const context = await b.browser.newContext({ viewport: { width: 1000, height: 800 } });
    const p = await context.newPage();
    await p.goto(site.url);
    await p.waitForSelector("body[data-ready=true]", { timeout: 30000 });
    const manifest = await p.evaluate(async () => (await fetch(document.querySelector('link[rel="manifest"]').href)).json());
    assert.equal(manifest.display, "standalone");
    assert.ok(manifest.icons.some((i) => i.sizes === "512x512"));
    await p.evaluate(() => navigator.serviceWorker.ready);
    // the app shell and the engine are cached: go offline and reload
    await p.waitForFunction(async () => (await caches.keys()).some((k) => k.startsWith("ampflux-")), null, { timeout: 30000 });
    await context.setOffline(true);
    await p.reload();
    await p.waitForSelector("body[data-ready=true]", { timeout: 30000 });
    await p.click('[data-tab="study"]');
    await p.click("#run-local");
    await p.waitForSelector("#results-table tbody tr", { timeout: 30000 });
    await p.screenshot({ path: path.join(ROOT, "target/artifacts/web/offline-pwa-no-network.png"), fullPage: true });
    await context.close();
  });

  test("results and the report at 390 px", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('[data-tab="network"]');
    await page.click('button:text-is("Example")');
    await page.waitForSelector("text=Opened the industrial plant example");
    await page.click('[data-tab="study"]');
    await page.click("#run-local");
    await page.waitForSelector("#results-table tbody tr");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `fits 390 px (overflow ${overflow} px)`);
    await shot(page, "offline-results-390");
    await page.click('[data-tab="report"]');
    await page.waitForSelector("#report");
    assert.match(await page.textContent("#report"), /IEC 60909-0:2016/);
    assert.match(await page.textContent("#report"), /Inputs/);
    await page.emulateMedia({ media: "print" });
    await page.pdf?.({ path: path.join(ROOT, "target/artifacts/web/offline-report.pdf") }).catch(() => {});
    await page.emulateMedia({ media: "screen" });
    await shot(page, "offline-report-390");
    await page.setViewportSize({ width: 1400, height: 1000 });
    assert.deepEqual(problems, []);
  });
});
