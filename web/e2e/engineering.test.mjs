// The engineering views in headless Chromium, offline (static server with the production CSP):
// the scenario editor (switch states, out-of-service list, the core's messages at the field).
// Screenshots in target/artifacts/web/.
import assert from "node:assert/strict";
import path from "node:path";
import { createRequire } from "node:module";
import { after, afterEach, before, describe, test } from "node:test";
import { launch, newPage, ROOT, serveStatic, shot } from "./lib.mjs";

const wasm = createRequire(import.meta.url)(path.join(ROOT, "ampflux-wasm/pkg/ampflux_wasm.js"));

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
    await page.click('details[data-table="scenarios"] > summary');
    await page.click('details[data-table="scenarios"] button.add');
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
});
