// What the page's main thread does in its long tasks (over 50 ms), from a Chromium trace with
// the V8 sampling profiler: for each long task, its duration, the trace events directly under
// it (script, style, layout, paint, garbage collection) and the functions the samples fell in
// (self time). CPU-independent evidence for the figures of `make bench-web` (the breakdown of a
// task, not its length, is what a loaded machine leaves intact). Not a test.
//
//   node web/e2e/profile.mjs study      # the longest tasks while a 100k-bus study runs
//   node web/e2e/profile.mjs open10k    # ... while a 10k-bus network opens and is drawn
//   node web/e2e/profile.mjs open100k
// Writes the trace to target/artifacts/web/profile-<what>.json (open it in chrome://tracing or
// the DevTools performance panel) and prints the summary. Function names are those of the
// build served: PROFILE_DIST=target/web-dist-profile after
// `(cd web && npx vite build --minify false --outDir ../target/web-dist-profile)` names them.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, launch, newPage, ROOT, serveStatic } from "./lib.mjs";

const TESTDATA = process.env.AMPFLUX_TESTDATA ?? path.join(ROOT, "target/wasm-testdata");
const WHAT = process.argv[2] ?? "study";
const LONG_MS = Number(process.env.LONG_MS ?? 50);
const CATEGORIES = ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute", "blink", "disabled-by-default-v8.cpu_profiler", "disabled-by-default-devtools.timeline.frame"];

/** Task events of the page's main thread, and the profile samples of that thread, from a trace. */
function analyse(events) {
  const mainThreads = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const onMain = (e) => mainThreads.has(`${e.pid}:${e.tid}`);
  const complete = events.filter((e) => e.ph === "X" && onMain(e) && typeof e.dur === "number");
  const tasks = complete.filter((e) => e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask").filter((e) => e.dur / 1000 >= LONG_MS);
  // samples: Profile (start time) and ProfileChunk (nodes, samples, time deltas) of the main thread's profiler
  const profiles = new Map();
  for (const e of events) {
    if (e.name === "Profile" && onMain(e)) profiles.set(e.id, { start: e.args.data.startTime, nodes: new Map(), samples: [] });
  }
  for (const e of events) {
    if (e.name !== "ProfileChunk" || !profiles.has(e.id)) continue;
    const p = profiles.get(e.id);
    const cpu = e.args.data.cpuProfile ?? {};
    for (const n of cpu.nodes ?? []) p.nodes.set(n.id, n);
    const deltas = e.args.data.timeDeltas ?? [];
    let t = p.last ?? p.start;
    (cpu.samples ?? []).forEach((id, i) => { t += deltas[i] ?? 0; p.samples.push([t, id]); });
    p.last = t;
  }
  const name = (n) => {
    const f = n?.callFrame ?? {};
    const file = f.url ? path.basename(f.url.split("?")[0]) : "";
    return `${f.functionName || "(anonymous)"}${file ? ` ${file}:${(f.lineNumber ?? 0) + 1}` : ""}`;
  };
  return tasks.sort((a, b) => b.dur - a.dur).slice(0, Number(process.env.TASKS ?? 6)).map((task) => {
    const end = task.ts + task.dur;
    const inside = complete.filter((e) => e !== task && e.ts >= task.ts && e.ts + e.dur <= end);
    // direct children: not inside another event inside the task
    const children = inside.filter((e) => !inside.some((o) => o !== e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur));
    const byName = new Map();
    for (const c of children) {
      const what = c.args?.data?.functionName ? `${c.name} ${c.args.data.functionName} ${path.basename(String(c.args.data.url ?? ""))}` : c.args?.data?.type ? `${c.name} ${c.args.data.type}` : c.name;
      byName.set(what, (byName.get(what) ?? 0) + c.dur / 1000);
    }
    const gc = inside.filter((e) => /GC|GarbageCollection|Scavenge|MarkCompact/.test(e.name) && !inside.some((o) => o !== e && /GC|GarbageCollection|Scavenge|MarkCompact/.test(o.name) && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur)).reduce((s, e) => s + e.dur / 1000, 0);
    const self = new Map();
    let sampled = 0;
    for (const p of profiles.values()) {
      for (const [t, id] of p.samples) {
        if (t < task.ts || t > end) continue;
        sampled++;
        const key = name(p.nodes.get(id));
        self.set(key, (self.get(key) ?? 0) + 1);
      }
    }
    const top = (m, n, f) => [...m.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, v]) => `${f(v)}  ${k}`);
    return {
      ms: Math.round(task.dur / 1000),
      "under it (ms)": top(byName, 8, (v) => v.toFixed(1).padStart(7)),
      "garbage collection (ms)": Math.round(gc),
      [`self time by function (share of ${sampled} samples)`]: top(self, 12, (v) => `${((100 * v) / Math.max(1, sampled)).toFixed(0).padStart(3)} %`),
    };
  });
}

async function main() {
  const site = await serveStatic(process.env.PROFILE_DIST ? path.resolve(ROOT, process.env.PROFILE_DIST) : undefined);
  const b = await launch();
  const { page } = await newPage(b.browser, site.url);
  await page.goto(site.url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 60000 });
  const file = (n) => path.join(TESTDATA, `synthetic/meshed_${n}.json`);
  const open = async (n) => {
    await page.setInputFiles('input[type="file"]', file(n));
    await page.waitForSelector(`text=Opened meshed_${n}.json`, { timeout: 300000 });
    await page.waitForFunction(() => performance.getEntriesByName("ampflux:layout").length > 0, null, { timeout: 300000 });
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  };
  if (WHAT === "study") await open(100000);
  await page.evaluate(() => performance.clearMarks());
  await b.browser.startTracing(page, { categories: CATEGORIES });
  if (WHAT === "study") {
    await page.click('[data-tab="study"]');
    await page.click("#run-local");
    await page.waitForFunction(() => performance.getEntriesByName("ampflux:study-message").length > 0, null, { timeout: 900000 });
  } else {
    await open(WHAT === "open10k" ? 10000 : 100000);
  }
  await page.waitForTimeout(300);
  const trace = JSON.parse((await b.browser.stopTracing()).toString("utf8"));
  const out = path.join(ARTIFACTS, `profile-${WHAT}.json`);
  writeFileSync(out, JSON.stringify(trace));
  const events = trace.traceEvents ?? trace;
  console.log(JSON.stringify({ what: WHAT, trace: path.relative(ROOT, out), "long tasks, longest first": analyse(events) }, null, 2));
  await b.close();
  await site.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
