// Figures of the web client, measured in headless Chromium on this machine (not asserted):
//   - time to open a 10k-bus network and draw its diagram (file chosen → diagram painted), and
//     the longest main-thread task meanwhile (also for 100k buses),
//   - the longest main-thread task while a 100k-bus study runs in the worker (Long Tasks API,
//     between the click on Run and the arrival of the result), and from a Chromium trace of the
//     same run the CPU time the main thread got in its longest tasks (thread clock: on a shared
//     machine a task is long on the wall clock mostly while its thread waits for a core),
//   - the bundle size, gzipped: what the first visit loads, and the lazy parts.
// `make bench-web` (after `make test-web`, which builds the client and exports the grids).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { DIST, launch, newPage, ROOT, serveStatic } from "./lib.mjs";

const TESTDATA = process.env.AMPFLUX_TESTDATA ?? path.join(ROOT, "target/wasm-testdata");
const RUNS = Number(process.env.RUNS ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * The page's main-thread tasks between two of its performance marks in a trace: the longest by
 * wall clock with the CPU time it got, and the most CPU time any task got.
 */
function traceTasks(trace, from, to) {
  const events = trace.traceEvents ?? trace;
  const main = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const at = (name) => events.find((e) => e.name === name)?.ts;
  const [t0, t1] = [at(from), at(to)];
  if (t0 === undefined || t1 === undefined) return null;
  const tasks = events.filter((e) => e.ph === "X" && (e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask") && main.has(`${e.pid}:${e.tid}`) && e.ts >= t0 && e.ts + e.dur <= t1);
  const longest = tasks.reduce((m, e) => (e.dur > (m?.dur ?? -1) ? e : m), null);
  return {
    wall: longest ? Math.round(longest.dur / 1000) : 0,
    cpu: longest ? Math.round((longest.tdur ?? 0) / 1000) : 0,
    maxCpu: Math.round(tasks.reduce((m, e) => Math.max(m, e.tdur ?? 0), 0) / 1000),
  };
}

function bundle() {
  const files = readdirSync(path.join(DIST, "assets")).map((f) => path.join("assets", f));
  const gz = (f) => gzipSync(readFileSync(path.join(DIST, f)), { level: 9 }).length;
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const group = (re) => files.filter((f) => re.test(f)).reduce((s, f) => s + gz(f), 0);
  const shell = group(/^assets\/index-.*\.(js|css)$/) + gz("index.html");
  return {
    "app shell (index.html, JS, CSS)": kib(shell),
    "engine (.wasm)": kib(group(/\.wasm$/)),
    "study worker": kib(group(/study\.worker/)),
    "document worker (opening, checking, large layouts; loads the same engine)": kib(group(/doc\.worker/)),
    "ELK layout worker (loaded for diagrams up to 250 nodes)": kib(group(/elk-worker/)),
    "first visit total (shell + engine + document worker)": kib(shell + group(/\.wasm$/) + group(/doc\.worker/)),
    "everything in dist": kib(files.reduce((s, f) => s + gz(f), 0) + gz("index.html")),
  };
}

/** Opens `file` and waits for its diagram: the time taken, and the longest main-thread task meanwhile. */
async function openAndDraw(page, file) {
  await page.evaluate(() => {
    performance.clearMarks();
    window.__openTasks = [];
    window.__openObserver?.disconnect();
    window.__openObserver = new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__openTasks.push(e.duration); });
    window.__openObserver.observe({ type: "longtask" });
  });
  const t0 = Date.now();
  await page.setInputFiles('input[type="file"]', file);
  await page.waitForSelector(`text=Opened ${path.basename(file)}`, { timeout: 120000 });
  await page.waitForFunction(() => performance.getEntriesByName("ampflux:layout").length > 0, null, { timeout: 120000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const ms = Date.now() - t0;
  await page.waitForTimeout(100);
  const longest = await page.evaluate(() => Math.round(Math.max(0, ...window.__openTasks)));
  return { ms, longest };
}

async function main() {
  const site = await serveStatic();
  const b = await launch();
  const { page } = await newPage(b.browser, site.url);
  await page.goto(site.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  // the page settled: its first diagram drawn (ELK's worker loaded), the document checked (the
  // document worker has its engine), the main thread idle; else the first opening also
  // measures the page's own start (2.2 to 2.5 s instead of 0.4 to 1 s on a loaded machine)
  await page.waitForFunction(() => performance.getEntriesByName("ampflux:layout").length > 0, null, { timeout: 60000 });
  await page.waitForTimeout(1000);
  await page.evaluate(() => new Promise((r) => requestIdleCallback(() => r(), { timeout: 5000 })));
  const out = { machine: "2 cores shared with other work; Chromium headless, software rendering", runs: RUNS };

  const open10k = [];
  for (let i = 0; i < RUNS; i++) open10k.push(await openAndDraw(page, path.join(TESTDATA, "synthetic/meshed_10000.json")));
  out["open and draw 10k buses (ms), median"] = median(open10k.map((r) => r.ms));
  out["open and draw 10k buses (ms), all"] = open10k.map((r) => r.ms);
  out["longest main-thread task while opening 10k buses (ms; 0 = none over 50 ms)"] = open10k.map((r) => r.longest);

  const open100k = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) open100k.push(await openAndDraw(page, path.join(TESTDATA, "synthetic/meshed_100000.json")));
  out["open and draw 100k buses (ms)"] = open100k.map((r) => r.ms);
  out["longest main-thread task while opening 100k buses (ms)"] = open100k.map((r) => r.longest);
  if (process.env.OPEN_ONLY) { out["bundle, gzipped"] = bundle(); console.log(JSON.stringify(out, null, 2)); await b.close(); await site.close(); return; }
  await page.click('[data-tab="study"]');
  const longest = [];
  const studyMs = [];
  const handovers = [];
  const cpu = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    // only the timeline's task events and the page's marks: a few microseconds a task
    await b.browser.startTracing(page, { categories: ["toplevel", "blink.user_timing"] });
    await page.evaluate(() => {
      performance.clearMarks();
      window.__longTasks = [];
      window.__observer?.disconnect();
      window.__observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push([e.startTime, e.duration]); });
      window.__observer.observe({ type: "longtask" });
    });
    await page.click("#run-local");
    await page.waitForFunction(() => performance.getEntriesByName("ampflux:study-result").length > 0, null, { timeout: 600000 });
    await page.waitForTimeout(200);
    const traced = traceTasks(JSON.parse((await b.browser.stopTracing()).toString("utf8")), "ampflux:study-start", "ampflux:study-message");
    if (traced) cpu.push(traced);
    const r = await page.evaluate(() => {
      const start = performance.getEntriesByName("ampflux:study-start")[0].startTime;
      const message = performance.getEntriesByName("ampflux:study-message")[0].startTime;
      const end = performance.getEntriesByName("ampflux:study-result")[0].startTime;
      // while the worker computes: tasks that end before the first part of its result arrives;
      // the hand-over: tasks from then until the whole report is in the page
      const during = window.__longTasks.filter(([s, d]) => s >= start && s + d <= message).map(([s, d]) => [Math.round(s - start), Math.round(d)]);
      const handover = window.__longTasks.filter(([s, d]) => s + d > message && s < end).map(([, d]) => Math.round(d));
      return { study: end - start, longest: during.length ? Math.max(...during.map(([, d]) => d)) : 0, tasks: during, handover: handover.length ? Math.max(...handover) : 0 };
    });
    longest.push(Math.round(r.longest));
    handovers.push(r.handover);
    if (process.env.VERBOSE) console.error("long tasks [start ms after Run, duration ms]:", JSON.stringify(r.tasks), "study", Math.round(r.study));
    studyMs.push(Math.round(r.study));
  }
  out["100k-bus study in the worker (ms)"] = studyMs;
  out["longest main-thread task during the 100k-bus study (ms; 0 = none over 50 ms)"] = longest;
  out["longest task while the 100k-bus result is handed over to the page (ms; parts of 500 rows)"] = handovers;
  out["during the 100k-bus study, from a trace: longest main-thread task, wall clock / CPU time its thread got (ms)"] = cpu.map((c) => `${c.wall} / ${c.cpu}`);
  out["during the 100k-bus study, from a trace: most CPU time of any main-thread task (ms)"] = cpu.map((c) => c.maxCpu);
  out["bundle, gzipped"] = bundle();
  console.log(JSON.stringify(out, null, 2));
  await b.close();
  await site.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
