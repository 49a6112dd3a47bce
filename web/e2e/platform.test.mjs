// The platform paths in headless Chromium against a real ampflux-server (SQLite in a temporary
// directory, a free port): register, create a project, build a three-bus network in the
// editor, save it, run a server study with live progress and read its result; edit, diff and
// restore a version; rename the project and open its members; the assistant answers (the
// server's rule-based review, no language model configured); the views at 390 px; equipment
// duty and arc flash run on the server (simulations of kind duty and arc_flash) and shown in
// the same views as local ones; sign out.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { launch, newPage, PASSWORD, ROOT, shot, startServer } from "./lib.mjs";

const wasm = createRequire(import.meta.url)(path.join(ROOT, "ampflux-wasm/pkg/ampflux_wasm.js"));
/** The example with ratings (a failing breaker, an undersized cable) and the radial feeder with protective devices and arc-flash data. */
const EXAMPLE = path.join(ROOT, "examples/networks/industrial_plant.json");
const FEEDER = path.join(ROOT, "ampflux-core/tests/data/radial_feeder.json");

/** What the engine's node build computes for `file` (the server's result shown must be the same). */
function engine(file, run) {
  const net = wasm.Network.fromJson(readFileSync(file, "utf8"));
  try { return run(net); } finally { net.free(); }
}

describe("platform mode", () => {
  let server, b, page, problems;

  before(async () => {
    server = await startServer();
    b = await launch();
    ({ page, problems } = await newPage(b.browser, server.url));
  });

  // the page as the last test left it (a failing test's screen is here)
  afterEach(async () => { await shot(page, "platform-last"); });

  after(async () => {
    await b?.close();
    await server?.stop();
  });

  const field = (name) => page.locator(`.element-form [name="${name}"]`);
  async function setField(name, value) {
    const f = field(name);
    if ((await f.evaluate((el) => el.tagName)) === "SELECT") await f.selectOption(value);
    else { await f.fill(value); await f.press("Enter"); }
  }
  async function addElement(table) {
    const add = page.locator(`details[data-table="${table}"] button.add`);
    if (!(await add.isVisible())) await page.click(`details[data-table="${table}"] > summary`);
    await add.click();
  }

  test("register and land on the projects view", async () => {
    await page.goto(server.url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
    await page.click("text=New here? Create an account");
    await page.fill('input[name="company_name"]', "Acme Power");
    await page.fill('input[name="name"]', "Ana Engineer");
    await page.fill('input[name="email"]', "ana@acme.test");
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector("#projects-title");
    assert.match(await page.textContent("#projects-title"), /Acme Power/);
    assert.match(await page.textContent("footer"), /API documentation/);
    assert.equal(await page.getAttribute('footer a[href="/docs"]', "href"), "/docs");
  });

  test("create a project, build a three-bus network in the editor and save it", async () => {
    await page.fill('input[name="project-name"]', "Plant A");
    await page.click("text=Create project");
    await page.waitForSelector("text=has no circuit yet");
    await page.fill('input[name="network-name"]', "Plant A network");
    // three buses: 20 kV, 0.4 kV, 0.4 kV
    for (const [id, kv] of [["MV", "20"], ["LV", "0.4"], ["LV2", "0.4"]]) {
      await addElement("buses");
      await field("id").fill(id);
      await field("id").press("Enter");
      await setField("vn_kv", kv);
    }
    // a feeder at MV, a transformer MV-LV, a cable LV-LV2 from the standard-type library
    await page.click('button[data-element="MV"]');
    await addElement("external_grids");
    await setField("s_sc_max_mva", "500");
    await page.click('button[data-element="MV"]');
    await addElement("transformers");
    assert.equal(await field("hv_bus").inputValue(), "MV");
    assert.equal(await field("lv_bus").inputValue(), "LV");
    await field("std_type").selectOption("0.63 MVA 20/0.4 kV");
    assert.match(await page.textContent(".element-form"), /Source: Trafo Union/);
    await page.click('button[data-element="LV"]');
    await addElement("lines");
    assert.equal(await field("to_bus").inputValue(), "LV2");
    await field("std_type").selectOption("NAYY 4x150 SE (0.4 kV cable)");
    await setField("length_km", "0.1");
    await page.waitForSelector("text=The engine finds no problem in this network.");
    assert.equal(await page.$$eval("svg.one-line g.bus", (g) => g.length), 3);
    await page.fill('input[name="save-message"]', "first version");
    await page.click("#save-version");
    await page.waitForSelector("text=Saved as version 1.");
    await shot(page, "platform-editor-three-bus");
  });

  test("run a server study with live progress and read its result", async () => {
    await page.click('[data-tab="study"]');
    await page.click("#run-server");
    await page.waitForSelector("#results-table tbody tr", { timeout: 60000 });
    const header = await page.textContent("#study-header");
    assert.match(header, /computed on the server \(simulation /);
    assert.match(header, /IEC 60909-0:2016/);
    const rows = await page.$$eval("#results-table tbody tr[data-bus]", (r) => r.map((tr) => ({ bus: tr.dataset.bus, ikss: Number(tr.querySelector('[data-key="ikss_ka"]').dataset.value) })));
    assert.deepEqual(rows.map((r) => r.bus).sort(), ["LV", "LV2", "MV"]);
    for (const r of rows) assert.ok(r.ikss > 0, `${r.bus}: I''k > 0`);
    // the same network studied locally gives the same numbers (one engine, two places)
    const server = Object.fromEntries(rows.map((r) => [r.bus, r.ikss]));
    await page.click("#run-local");
    await page.waitForFunction(() => /in this browser/.test(document.querySelector("#study-header")?.textContent ?? ""));
    const local = await page.$$eval("#results-table tbody tr[data-bus]", (r) => Object.fromEntries(r.map((tr) => [tr.dataset.bus, Number(tr.querySelector('[data-key="ikss_ka"]').dataset.value)])));
    for (const bus of Object.keys(server)) assert.ok(Math.abs(local[bus] - server[bus]) <= 1e-12 * server[bus], `${bus}: ${local[bus]} vs ${server[bus]}`);
    // a fault location: branch contributions and voltages on the diagram
    await page.click('#results-table tbody tr[data-bus="LV2"]');
    await page.waitForSelector("svg.one-line g.branch.carrying");
    assert.match(await page.textContent("#branch-table"), /T1/);
    await shot(page, "platform-server-study");
  });

  test("edit, diff (table and diagram) and restore a version", async () => {
    await page.click('[data-tab="network"]');
    await page.click('details[data-table="lines"] button.element');
    await setField("length_km", "0.25");
    // a new bus LV3 with a load on it
    await addElement("buses");
    await field("id").fill("LV3");
    await field("id").press("Enter");
    await setField("vn_kv", "0.4");
    await page.click('button[data-element="LV3"]');
    await addElement("loads");
    await page.waitForSelector("text=LV3");
    await page.click("#save-version");
    await page.waitForSelector("text=Saved as version 2.");
    await page.click('[data-tab="versions"]');
    await page.waitForSelector('#versions-table tr[data-version="2"]');
    await page.click("text=Show changes");
    await page.waitForSelector("#diff-table");
    const diff = await page.$$eval("#diff-table tbody tr", (r) => r.map((tr) => [...tr.children].map((td) => td.textContent)));
    assert.ok(diff.some((c) => c[0] === "changed" && c[1] === "lines" && c[3] === "length_km" && c[4] === "0.1" && c[5] === "0.25"), JSON.stringify(diff));
    // on the diagram of v2: the cable changed, LV3 added (with its load), a legend
    await page.waitForSelector("#diff-diagram svg.one-line g.bus");
    const marks = async () => Object.fromEntries(await page.$$eval("#diff-diagram [data-mark]", (g) => g.map((e) => [e.dataset.node ?? e.dataset.branch, e.dataset.mark])));
    const forward = await marks();
    assert.equal(forward.LV3, "added", JSON.stringify(forward));
    assert.equal(Object.values(forward).filter((op) => op === "changed").length, 1, JSON.stringify(forward));
    const changedBranch = Object.entries(forward).find(([, op]) => op === "changed")[0];
    assert.ok(diff.some((c) => c[2] === changedBranch), `${changedBranch} is the changed line`);
    assert.equal(forward.MV, undefined);
    assert.match(await page.textContent("#diff-diagram .mark-legend"), /added \(1\).*removed \(0\).*changed \(1\)/);
    await page.click('#diff-diagram g[data-bus="LV3"] rect.hit');
    assert.match(await page.textContent("#diff-notes"), /LV3 added: added; load \S+ added/);
    await shot(page, "platform-version-diff");
    // the other way round, LV3 is drawn as removed
    await page.selectOption('select[aria-label="From version"]', "2");
    await page.selectOption('select[aria-label="To version"]', "1");
    await page.click("text=Show changes");
    await page.waitForFunction(() => document.querySelector('#diff-diagram g[data-bus="LV3"]')?.dataset.mark === "removed");
    assert.match(await page.textContent("#diff-diagram .mark-legend"), /added \(0\).*removed \(1\).*changed \(1\)/);
    await shot(page, "platform-version-diff-reverse");
    await page.click('#versions-table tr[data-version="1"] >> text=Restore');
    await page.waitForSelector("text=Opened Plant A v3.");
    await page.click('details[data-table="lines"] button.element');
    assert.equal(await field("length_km").inputValue(), "0.1");
    await page.click('[data-tab="versions"]');
    await page.waitForSelector('#versions-table tr[data-version="3"]');
    assert.match(await page.textContent('#versions-table tr[data-version="3"]'), /restores v1/);
  });

  test("rename the project and open its members", async () => {
    await page.click('[data-tab="projects"]');
    await page.click('li[data-project="Plant A"] >> text=Rename');
    await page.fill('input[name="rename"]', "Plant A (north)");
    await page.click('li[data-project="Plant A"] button.primary');
    await page.waitForSelector('li[data-project="Plant A (north)"]');
    await page.click('li[data-project="Plant A (north)"] >> text=Members');
    await page.waitForSelector(".members li");
    assert.match(await page.textContent(".members"), /Ana Engineer/);
    await page.click(".members >> text=Close");
  });

  test("the assistant answers, streamed", async () => {
    await page.click('li[data-project="Plant A (north)"] .project-open');
    await page.waitForSelector("text=Opened Plant A (north) v3.");
    await page.click('[data-tab="assistant"]');
    await page.fill('textarea[name="prompt"]', "Which bus has the highest short-circuit current?");
    await page.click('.chat-form button[type="submit"]');
    await page.waitForFunction(() => (document.querySelector(".turn.assistant .bubble")?.textContent ?? "").length > 40, null, { timeout: 90000 });
    const answer = await page.textContent(".turn.assistant .bubble");
    assert.match(answer, /Rule-based engineering review/);
    await page.waitForFunction(() => /rule-based review/.test(document.querySelector(".turn.assistant .hint")?.textContent ?? ""), null, { timeout: 30000 });
    await shot(page, "platform-assistant");
  });

  test("projects, results and the assistant at 390 px", async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('[data-tab="projects"]');
    await page.waitForSelector('li[data-project="Plant A (north)"]');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `the projects view fits 390 px (overflow ${overflow} px)`);
    await shot(page, "platform-projects-390");
    await page.click('[data-tab="study"]');
    await page.click("#run-local");
    await page.waitForSelector("#results-table tbody tr");
    const overflowResults = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflowResults <= 1, `the results view fits 390 px (overflow ${overflowResults} px)`);
    await shot(page, "platform-results-390");
    await page.click('[data-tab="assistant"]');
    await shot(page, "platform-assistant-390");
    await page.setViewportSize({ width: 1400, height: 1000 });
  });

  /** Runs the form's study on the server; resolves with the texts the progress line showed meanwhile. */
  async function runOnServer() {
    await page.evaluate(() => {
      window.__progress = [];
      window.__progressObserver?.disconnect();
      window.__progressObserver = new MutationObserver(() => {
        const t = document.querySelector(".study-form .progress")?.textContent;
        if (t && window.__progress.at(-1) !== t) window.__progress.push(t);
      });
      window.__progressObserver.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.click("#run-server");
    await page.waitForFunction(() => window.__progress.length > 0 && !document.querySelector(".study-form .progress"), null, { timeout: 120000 });
    return page.evaluate(() => window.__progress);
  }

  test("equipment duty and arc flash run on the server, shown in the duty and arc-flash views", async () => {
    await page.click('[data-tab="projects"]');
    await page.fill('input[name="project-name"]', "Plant B");
    await page.click("text=Create project");
    await page.waitForSelector("text=has no circuit yet");
    await page.click("button:text-is('Example')");
    await page.waitForSelector("text=Opened the industrial plant example");
    await page.click("#save-version");
    await page.waitForSelector("text=Saved as version 1.");
    await page.click('[data-tab="study"]');
    await page.selectOption('select[name="study_kind"]', "duty");
    const progress = await runOnServer();
    assert.ok(progress.some((t) => /^on the server/.test(t)), JSON.stringify(progress));
    await page.waitForSelector("#duty-table tbody tr");
    assert.match(await page.textContent("#duty-header"), /computed on the server \(simulation [^,]+, v1/);
    const expected = engine(EXAMPLE, (net) => net.duty({}));
    const rows = await page.$$eval("#duty-table tbody tr", (r) => r.map((tr) => ({
      element: tr.dataset.element, check: tr.dataset.check, verdict: tr.dataset.verdict,
      utilization: tr.querySelector('[data-key="utilization_percent"]').dataset.value,
    })));
    assert.equal(rows.length, expected.checks.length);
    for (const c of expected.checks) {
      const r = rows.find((x) => x.element === c.element && x.check === c.check);
      assert.ok(r, `${c.element} ${c.check} is listed`);
      assert.equal(r.verdict, c.verdict, `${c.element} ${c.check}`);
      // native code on the stored (canonical) document vs WebAssembly on the file: sums in another order, equal to rounding
      if (c.utilization_percent === null) assert.equal(r.utilization, "");
      else assert.ok(Math.abs(Number(r.utilization) - c.utilization_percent) <= 1e-9 * Math.abs(c.utilization_percent), `${c.element} ${c.check}: ${r.utilization} vs ${c.utilization_percent}`);
    }
    assert.ok(expected.summary.fail > 0, "the example has a failing device");
    assert.match(await page.textContent("#duty-summary"), new RegExp(`${expected.summary.fail} fail`));
    assert.equal(await page.getAttribute("#duty-table tbody tr", "data-verdict"), "fail", "the worst first");
    await shot(page, "platform-server-duty");

    // arc flash of the radial feeder (relay, trip unit, fuse), saved as version 2
    await page.click('[data-tab="network"]');
    await page.setInputFiles('input[type="file"]', FEEDER);
    await page.waitForSelector("text=Opened radial_feeder.json");
    await page.click("#save-version");
    await page.waitForSelector("text=Saved as version 2.");
    await page.click('[data-tab="study"]');
    await page.selectOption('select[name="study_kind"]', "arc_flash");
    const arcProgress = await runOnServer();
    assert.ok(arcProgress.some((t) => /^on the server/.test(t)), JSON.stringify(arcProgress));
    await page.waitForSelector("#arcflash-table tbody tr");
    assert.match(await page.textContent("#arcflash-header"), /computed on the server \(simulation [^,]+, v2/);
    const arc = engine(FEEDER, (net) => net.arcFlash({}));
    assert.ok(arc.buses.length > 0);
    for (const bus of arc.buses) {
      const cell = (key) => page.textContent(`#arcflash-table tr[data-bus="${bus.id}"] [data-key="${key}"]`);
      assert.equal(await cell("incident_energy_cal_per_cm2"), bus.incident_energy_cal_per_cm2.toFixed(2), bus.id);
      assert.equal(await cell("afb_mm"), bus.afb_mm.toFixed(0), bus.id);
      assert.equal(await cell("ppe_category"), bus.ppe_category === null ? "none (> 40 cal/cm²)" : String(bus.ppe_category), bus.id);
    }
    // a bus's label from the server's row, as the core draws it
    await page.click('#arcflash-table tr[data-bus="LV-MAIN"]');
    await page.waitForSelector('#label-preview[data-bus="LV-MAIN"] img');
    await shot(page, "platform-server-arcflash");
  });

  test("sign out ends the session; a reload does not bring it back", async () => {
    await page.click("#sign-out");
    await page.waitForSelector("#auth-title");
    await page.reload();
    await page.waitForSelector("#auth-title");
    assert.equal(await page.evaluate(() => localStorage.getItem("ampflux.refresh_token")), null);
    assert.deepEqual(problems, []);
  });
});
