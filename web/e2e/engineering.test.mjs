// The engineering views in headless Chromium, offline (static server with the production CSP):
// the scenario editor (switch states, out-of-service list, the core's messages at the field);
// equipment duty of the example network (table against the engine's node build, failing rows
// highlighted and coloured on the diagram); arc flash of a radial feeder with a relay, a trip
// unit and a fuse (table against the engine, the core's label, the TCC plot); the protective
// device form. Screenshots in target/artifacts/web/.
import assert from "node:assert/strict";
import path from "node:path";
import { createRequire } from "node:module";
import { after, afterEach, before, describe, test } from "node:test";
import { existsSync, readFileSync } from "node:fs";
import { launch, newPage, ROOT, serveStatic, shot } from "./lib.mjs";

const wasm = createRequire(import.meta.url)(path.join(ROOT, "ampflux-wasm/pkg/ampflux_wasm.js"));
const EXAMPLE = path.join(ROOT, "examples/networks/industrial_plant.json");
/** A radial feeder with a relay, an LV trip unit and a fuse, and arc-flash data (the core's test network). */
const FEEDER = path.join(ROOT, "ampflux-core/tests/data/radial_feeder.json");

/** The arc-flash study, TCCs and labels are in the engine (issue 15), and the feeder to study them on. */
const PROTECTION = typeof wasm.Network.prototype.arcFlash === "function" && existsSync(FEEDER) ? false
  : "the engine has no arc-flash study yet (issue 15) or ampflux-core/tests/data/radial_feeder.json is missing";

/** What the engine's node build computes for `file` (the page must show the same). */
function engine(file, run) {
  const net = wasm.Network.fromJson(readFileSync(file, "utf8"));
  try { return run(net); } finally { net.free(); }
}

describe("engineering views (offline)", () => {
  let site, b, page, problems;

  before(async () => {
    site = await serveStatic();
    b = await launch();
    ({ page, problems } = await newPage(b.browser, site.url));
    await page.goto(site.url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
    await page.click("button:text-is('Example')");
    await page.waitForSelector("text=Opened the industrial plant example");
  });

  afterEach(async () => { await shot(page, "engineering-last"); });

  after(async () => {
    await b?.close();
    await site?.close();
    assert.deepEqual(problems, []);
  });

  test("a scenario: switch states and elements out of service, checked by the core at the field", async () => {
    const add = page.locator('details[data-table="scenarios"] button.add');
    if (!(await add.isVisible())) await page.click('details[data-table="scenarios"] > summary');
    await add.click();
    await page.waitForSelector('.element-form h3:text("Scenario SC1")');
    await page.fill('.element-form [name="name"]', "LV boards paralleled");
    await page.press('.element-form [name="name"]', "Enter");
    await page.selectOption('.element-form select[name="switches.Q-LV-tie"]', "closed");
    // an id that is not in the network: the core's message at the field
    const oos = page.locator('.element-form [data-field="out_of_service"] input');
    await oos.fill("T9");
    await oos.press("Enter");
    const error = page.locator('.element-form [data-field="out_of_service"] .field-error');
    await error.waitFor();
    const net = wasm.Network.fromJson(JSON.stringify({ format: "ampflux-network", version: 1, frequency_hz: 50, buses: [{ id: "B", vn_kv: 1 }], scenarios: [{ id: "SC1", out_of_service: ["T9"] }] }));
    const issue = net.validate().find((i) => i.element === "SC1" && i.field === "out_of_service");
    net.free();
    assert.equal(await error.textContent(), issue.message);
    await shot(page, "engineering-scenario-invalid");
    await page.click('.element-form [aria-label="Remove T9"]');
    await page.waitForFunction(() => !document.querySelector('.element-form [data-field="out_of_service"] .field-error'));
    await oos.fill("T1");
    await oos.press("Enter");
    await page.waitForSelector('.element-form .chips li[data-id="T1"]');
    await page.waitForSelector("text=The engine finds no problem in this network.");
    assert.equal(await page.inputValue('.element-form select[name="switches.Q-LV-tie"]'), "closed");
    await shot(page, "engineering-scenario");
  });

  test("equipment duty: every check against the engine, the worst first, failing rows highlighted and on the diagram", async () => {
    await page.click('[data-tab="study"]');
    await page.selectOption('select[name="study_kind"]', "duty");
    await page.click("#run-local");
    await page.waitForSelector("#duty-table tbody tr", { timeout: 120000 });
    const expected = engine(EXAMPLE, (net) => net.duty({}));
    const rows = await page.$$eval("#duty-table tbody tr", (r) => r.map((tr) => ({
      element: tr.dataset.element, check: tr.dataset.check, verdict: tr.dataset.verdict,
      duty: Number(tr.querySelector('[data-key="duty"]').dataset.value),
      utilization: tr.querySelector('[data-key="utilization_percent"]').dataset.value,
      cls: tr.className,
    })));
    assert.equal(rows.length, expected.checks.length);
    for (const c of expected.checks) {
      const r = rows.find((x) => x.element === c.element && x.check === c.check);
      assert.ok(r, `${c.element} ${c.check} is listed`);
      assert.equal(r.verdict, c.verdict);
      assert.equal(r.duty, c.duty);
      assert.equal(r.utilization === "" ? null : Number(r.utilization), c.utilization_percent);
    }
    // the worst first; failing rows highlighted
    const order = ["fail", "marginal", "unrated", "pass"];
    for (let i = 1; i < rows.length; i++) assert.ok(order.indexOf(rows[i - 1].verdict) <= order.indexOf(rows[i].verdict), "worst first");
    const fails = expected.checks.filter((c) => c.verdict === "fail");
    assert.ok(fails.length > 0, "the example has a failing device");
    assert.ok(rows.filter((r) => r.verdict === "fail").every((r) => /verdict-fail/.test(r.cls)));
    assert.match(await page.textContent("#duty-summary"), new RegExp(`${expected.summary.fail} fail`));
    // each failing device is red on the diagram (a switch at a branch end with its branch)
    const doc = JSON.parse(readFileSync(EXAMPLE, "utf8"));
    const at = (c) => (c.table === "switches" ? doc.switches.find((x) => x.id === c.element).element : c.element);
    for (const el of new Set(fails.map(at))) {
      const drawn = doc.buses.some((b) => b.id === el) ? `svg.one-line [data-bus="${el}"]` : `svg.one-line [data-branch="${el}"]`;
      assert.equal(await page.getAttribute(drawn, "data-mark"), "fail", el);
    }
    assert.match(await page.textContent(".mark-legend"), /fail \(\d+\)/);
    // sortable by utilization
    await page.click('#duty-table thead button:text("Utilization")');
    const utils = await page.$$eval('#duty-table tbody [data-key="utilization_percent"]', (t) => t.map((x) => x.dataset.value).filter((v) => v !== "").map(Number));
    for (let i = 1; i < utils.length; i++) assert.ok(utils[i - 1] >= utils[i], "utilization descending");
    await shot(page, "engineering-duty");
  });

  test("arc flash: table against the engine, the core's label, the TCC of the devices that clear the bus", { skip: PROTECTION }, async () => {
    await page.click('[data-tab="network"]');
    await page.setInputFiles('input[type="file"]', FEEDER);
    await page.waitForSelector("text=Opened radial_feeder.json");
    await page.click('[data-tab="study"]');
    await page.selectOption('select[name="study_kind"]', "arc_flash");
    await page.click("#run-local");
    await page.waitForSelector("#arcflash-table tbody tr", { timeout: 120000 });
    const expected = engine(FEEDER, (net) => net.arcFlash({}));
    for (const bus of expected.buses) {
      const cell = (key) => page.textContent(`#arcflash-table tr[data-bus="${bus.id}"] [data-key="${key}"]`);
      assert.equal(await cell("incident_energy_cal_per_cm2"), bus.incident_energy_cal_per_cm2.toFixed(2), bus.id);
      assert.equal(await cell("iarc_ka"), bus.iarc_ka.toFixed(2));
      assert.equal(await cell("afb_mm"), bus.afb_mm.toFixed(0));
      assert.equal(await cell("clearing_time_ms"), bus.clearing_time_ms.toFixed(0));
      assert.equal(await cell("ppe_category"), bus.ppe_category === null ? "none (> 40 cal/cm²)" : String(bus.ppe_category));
    }
    // the label of LV-MAIN is the core's SVG
    await page.click('#arcflash-table tr[data-bus="LV-MAIN"]');
    await page.waitForSelector('#label-preview[data-bus="LV-MAIN"] img');
    const src = await page.getAttribute("#label-preview img", "src");
    const svg = decodeURIComponent(src.replace(/^data:image\/svg\+xml;charset=utf-8,/, ""));
    assert.match(svg, /^<svg|^<\?xml/);
    const row = expected.buses.find((b) => b.id === "LV-MAIN");
    const name = JSON.parse(readFileSync(FEEDER, "utf8")).name;
    const label = wasm.arcFlashLabelSvg(row, { date: new Date().toISOString().slice(0, 10), study: name, method: "incident_energy" });
    assert.equal(svg, label);
    // the TCC of the devices that clear LV-MAIN, with round ticks and the fault currents marked
    await page.waitForSelector("#tcc-chart[data-series]", { timeout: 60000 });
    const devices = [...new Set(row.scenarios.flatMap((s) => s.devices.map((d) => d.device)))];
    assert.ok(devices.length > 0);
    for (const d of devices) assert.equal(await page.isChecked(`#tcc-panel input[data-device="${d}"]`), true, d);
    const tcc = engine(FEEDER, (net) => net.tcc({ devices }));
    const series = JSON.parse(await page.getAttribute("#tcc-chart", "data-series"));
    for (const c of tcc.curves) assert.ok(series.some((label) => label.startsWith(`${c.device} (`)), `${c.device} has a curve`);
    for (const m of tcc.marks) assert.ok(series.some((label) => label.startsWith(`${m.kind} fault at ${m.fault_bus} through ${m.device}`)), `${m.device} ${m.kind} mark`);
    // round ticks: 1, 2 or 5 times a power of ten, on both axes
    for (const axis of ["data-ticks-x", "data-ticks-y"]) {
      const ticks = JSON.parse(await page.getAttribute("#tcc-chart", axis));
      assert.ok(ticks.length >= 3, axis);
      for (const t of ticks) assert.ok([1, 2, 5].includes(Number((t / 10 ** Math.floor(Math.log10(t) + 1e-9)).toPrecision(6))), `${axis}: ${t}`);
    }
    await shot(page, "engineering-arcflash-tcc");
  });

  test("selectivity: every pair against the engine, a bus's pairs in series, each pair's interval on the TCC", { skip: PROTECTION }, async () => {
    // the radial feeder is open (previous test)
    await page.click('[data-tab="study"]');
    await page.selectOption('select[name="study_kind"]', "selectivity");
    await page.click("#run-local");
    await page.waitForSelector("#selectivity-table tbody tr", { timeout: 120000 });
    const expected = engine(FEEDER, (net) => net.selectivity({}));
    assert.ok(expected.pairs.length >= 2, "the feeder has devices in series");
    const shown = () => page.$$eval("#selectivity-table tbody tr", (r) => r.map((tr) => ({
      key: tr.dataset.pair, verdict: tr.dataset.verdict,
      ...Object.fromEntries([...tr.querySelectorAll("[data-key]")].map((td) => [td.dataset.key, td.dataset.value === "" ? null : Number(td.dataset.value)])),
    })));
    const rows = await shown();
    assert.equal(rows.length, expected.pairs.length);
    for (const p of expected.pairs) {
      const r = rows.find((x) => x.key === `${p.downstream}>${p.upstream}`);
      assert.ok(r, `${p.downstream} below ${p.upstream} is listed`);
      assert.equal(r.verdict, p.pass ? "pass" : "fail");
      for (const k of ["current_downstream_ka", "current_upstream_ka", "time_downstream_s", "time_upstream_s", "margin_s", "required_s"]) assert.equal(r[k], p[k], `${r.key} ${k}`);
    }
    const failing = expected.pairs.filter((p) => !p.pass).length;
    assert.match(await page.textContent("#selectivity-summary"), new RegExp(`${failing} not selective · ${expected.pairs.length - failing} selective`));
    // each pair's interval marked on the TCC of the pairs' devices
    await page.waitForSelector("#tcc-chart[data-series]", { timeout: 60000 });
    let series = JSON.parse(await page.getAttribute("#tcc-chart", "data-series"));
    for (const p of expected.pairs) {
      const label = series.find((l) => l.startsWith(`${p.downstream} below ${p.upstream} (fault at ${p.fault_bus})`));
      assert.ok(label, `${p.downstream}/${p.upstream} marked: ${JSON.stringify(series)}`);
      assert.match(label, p.pass ? /, selective$/ : /not selective$/);
    }
    // a bus on the diagram: the pairs in series between a fault there and the sources (the engine's study of that fault)
    const bus = "LV-MAIN";
    const path = engine(FEEDER, (net) => net.selectivity({ buses: [bus] })).pairs.map((p) => `${p.downstream}>${p.upstream}`).sort();
    assert.ok(path.length > 0 && path.length < expected.pairs.length, `${bus} has some of the pairs in series: ${path}`);
    await page.click(`svg.one-line g[data-bus="${bus}"] rect.hit`);
    await page.waitForFunction((n) => document.querySelectorAll("#selectivity-table tbody tr").length === n, path.length);
    assert.deepEqual((await shown()).map((r) => r.key).sort(), path);
    assert.equal(await page.inputValue("#selectivity-focus"), `bus:${bus}`);
    await page.waitForFunction((keys) => {
      const s = JSON.parse(document.querySelector("#tcc-chart")?.dataset.series ?? "[]");
      return keys.every((k) => s.some((l) => l.startsWith(k.replace(">", " below "))));
    }, path, { timeout: 60000 });
    series = JSON.parse(await page.getAttribute("#tcc-chart", "data-series"));
    assert.equal(series.filter((l) => / below .*\(fault at /.test(l)).length, path.length, "only the bus's pairs are marked");
    await shot(page, "engineering-selectivity");
    // a device's pairs
    const device = expected.pairs[0].upstream;
    await page.selectOption("#selectivity-focus", `device:${device}`);
    const mine = expected.pairs.filter((p) => p.upstream === device || p.downstream === device).length;
    await page.waitForFunction((n) => document.querySelectorAll("#selectivity-table tbody tr").length === n, mine);
    for (const r of await shown()) assert.ok(r.key.split(">").includes(device), r.key);
    // a longer interval than the relay's margin: the core's fail, red in the table and on the TCC
    const strict = engine(FEEDER, (net) => net.selectivity({ cti_s: 0.5 }));
    const failed = strict.pairs.filter((p) => !p.pass);
    assert.ok(failed.length > 0, "0.5 s is more than the feeder's relay margin");
    await page.fill("#opt-cti_s", "0.5");
    await page.click("#run-local");
    await page.waitForFunction((n) => document.querySelectorAll('#selectivity-table tbody tr[data-verdict="fail"]').length === n, failed.length);
    for (const p of failed) assert.match(await page.getAttribute(`#selectivity-table tr[data-pair="${p.downstream}>${p.upstream}"]`, "class"), /verdict-fail/);
    assert.match(await page.textContent("#selectivity-header"), /coordination time interval 0\.5 s/);
    await page.waitForFunction(() => JSON.parse(document.querySelector("#tcc-chart")?.dataset.series ?? "[]").some((l) => /not selective$/.test(l)), null, { timeout: 60000 });
    await shot(page, "engineering-selectivity-fail");
    // in the printable report, failing pairs first
    await page.click('[data-tab="report"]');
    const printed = await page.$$eval("#report-selectivity tbody tr", (r) => r.map((tr) => tr.className));
    assert.equal(printed.length, strict.pairs.length);
    assert.match(printed[0], /verdict-fail/);
  });

  test("a protective device's form: the fields of its kind, the core's message at the field", { skip: PROTECTION }, async () => {
    await page.click('[data-tab="network"]');
    await page.waitForSelector('details[data-table="protective_devices"] button.element');
    await page.click('details[data-table="protective_devices"] button[data-element="R-T1"]');
    await page.waitForSelector('.element-form [name="pickup_a"]');
    assert.equal(await page.isVisible('.element-form [name="ir_a"]'), false, "no trip-unit fields on a relay");
    assert.match(await page.textContent('.element-form [data-field="pickup_a"] label'), /\(A\)/);
    const input = page.locator('.element-form [name="pickup_a"]');
    await input.fill("-70");
    await input.press("Enter");
    const error = page.locator('.element-form [data-field="pickup_a"] .field-error');
    await error.waitFor();
    const doc = JSON.parse(readFileSync(FEEDER, "utf8"));
    doc.protective_devices.find((d) => d.id === "R-T1").pickup_a = -70;
    const net = wasm.Network.fromJson(JSON.stringify(doc));
    const issue = net.validate().find((i) => i.element === "R-T1" && i.field === "pickup_a");
    net.free();
    assert.ok(issue, "the core names the field");
    assert.equal(await error.textContent(), issue.message);
    await shot(page, "engineering-device-invalid");
    await page.click("#undo");
    await page.waitForFunction(() => !document.querySelector('.element-form [data-field="pickup_a"] .field-error'));
    // a trip unit shows its own fields
    await page.click('details[data-table="protective_devices"] button[data-element="TU-T1"]');
    await page.waitForSelector('.element-form [name="ir_a"]');
    assert.equal(await page.isVisible('.element-form [name="tms"]'), false);
    await page.waitForSelector("text=The engine finds no problem in this network.");
  });
});

