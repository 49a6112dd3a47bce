// What the page's main thread does in its long tasks (over 50 ms), from a Chromium trace with
// the V8 sampling profiler: for each long task, its wall-clock duration and the CPU time its
// thread got (the trace's thread clock: on a loaded machine a task is long on the wall clock
// mostly because its thread waits for a core), the trace events directly under it (script,
// style, layout, paint, garbage collection) and the functions the samples fell in (self
// time). CPU-independent evidence for the figures of `make bench-web`. Not a test.
//
//   node web/e2e/profile.mjs study      # the longest tasks while a 100k-bus study runs
//   node web/e2e/profile.mjs handover   # ... while its report is handed over to the page and shown
//   node web/e2e/profile.mjs open10k    # ... while a 10k-bus network opens and is drawn
//   node web/e2e/profile.mjs open100k
// Writes the trace to target/artifacts/web/profile-<what>.json (open it in chrome://tracing or
// the DevTools performance panel) and prints the summary. Function names are those of the
// build served: PROFILE_DIST=target/web-dist-profile after
// `(cd web && npx vite build --minify false --outDir ../target/web-dist-profile)` names them.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ARTIFACTS, launch, newPage, ROOT, serveStatic } from "./lib.mjs";

const TESTDATA = process.env.AMPFLUX_TESTDATA ?? path.join(ROOT, "target/wasm-testdata");
const WHAT = process.argv[2] ?? "study";
const LONG_MS = Number(process.env.LONG_MS ?? 50);
const CATEGORIES = ["blink.user_timing", "devtools.timeline", "disabled-by-default-devtools.timeline", "v8", "v8.execute", "blink", "disabled-by-default-v8.cpu_profiler", "disabled-by-default-devtools.timeline.frame"];

/** Task events of the page's main thread, and the profile samples of that thread, from a trace. */
function analyse(events, fromMark, summary) {
  const mainThreads = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "CrRendererMain").map((e) => `${e.pid}:${e.tid}`));
  const onMain = (e) => mainThreads.has(`${e.pid}:${e.tid}`);
  const complete = events.filter((e) => e.ph === "X" && onMain(e) && typeof e.dur === "number");
  // from a performance mark of the page on (its first trace event)
  const from = fromMark ? Math.min(...events.filter((e) => e.name === fromMark).map((e) => e.ts)) : -Infinity;
  const tasks = complete.filter((e) => e.name === "RunTask" || e.name === "ThreadControllerImpl::RunTask").filter((e) => e.dur / 1000 >= LONG_MS && e.ts >= from);
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
  // the V8 profiler starting (the first task under V8.StackGuard after tracing starts) is the trace's own cost
  // (a stack-guard interrupt that is not a garbage collection, in the first second of the trace)
  const t0 = complete.reduce((m, e) => Math.min(m, e.ts), Infinity);
  const within = (task, e) => e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur;
  const profilerStart = (task) => task.ts - t0 < 1e6
    && complete.some((e) => e.name === "V8.StackGuard" && within(task, e) && e.dur >= 0.8 * task.dur)
    && !complete.some((e) => /^(MajorGC|MinorGC)$/.test(e.name) && within(task, e));
  const real = tasks.filter((t) => !profilerStart(t));
  summary.tasks = real.length;
  summary["longest, wall clock (ms)"] = Math.round(Math.max(0, ...real.map((t) => t.dur)) / 1000);
  summary["longest, CPU time of the main thread (ms)"] = Math.round(Math.max(0, ...real.map((t) => t.tdur ?? 0)) / 1000);
  summary["left out: the profiler starting (ms, wall)"] = tasks.filter(profilerStart).map((t) => Math.round(t.dur / 1000));
  return real.sort((a, b) => b.dur - a.dur).slice(0, Number(process.env.TASKS ?? 6)).map((task) => {
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
      "wall ms": Math.round(task.dur / 1000),
      "CPU ms": Math.round((task.tdur ?? 0) / 1000),
      "under it (ms)": top(byName, 8, (v) => v.toFixed(1).padStart(7)),
      "garbage collection (ms)": Math.round(gc),
      [`self time by function (share of ${sampled} samples)`]: top(self, 12, (v) => `${((100 * v) / Math.max(1, sampled)).toFixed(0).padStart(3)} %`),
    };
  });
}

/** Prints the summary of a trace's long tasks. */
function report(trace, file) {
  const events = trace.traceEvents ?? trace;
  const summary = {};
  const tasks = analyse(events, WHAT === "handover" ? "ampflux:study-message" : undefined, summary);
  console.log(JSON.stringify({ what: WHAT, trace: path.relative(ROOT, file), [`long tasks (over ${LONG_MS} ms wall)`]: summary, "longest first": tasks }, null, 2));
}

async function main() {
  // TRACE=FILE: analyse a trace written before, without running anything
  if (process.env.TRACE) {
    const file = path.resolve(process.env.TRACE);
    report(JSON.parse(readFileSync(file, "utf8")), file);
    return;
  }
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
  const study = WHAT === "study" || WHAT === "handover";
  if (study) await open(100000);
  await page.evaluate(() => performance.clearMarks());
  await b.browser.startTracing(page, { categories: CATEGORIES });
  if (study) {
    await page.click('[data-tab="study"]');
    await page.click("#run-local");
    const mark = WHAT === "study" ? "ampflux:study-message" : "ampflux:study-result";
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, mark, { timeout: 900000 });
  } else {
    await open(WHAT === "open10k" ? 10000 : 100000);
  }
  await page.waitForTimeout(300);
  const trace = JSON.parse((await b.browser.stopTracing()).toString("utf8"));
  const out = path.join(ARTIFACTS, `profile-${WHAT}.json`);
  writeFileSync(out, JSON.stringify(trace));
  report(trace, out);
  await b.close();
  await site.close();
}

main().catch((e) => { console.error(e); process.exit(1); });
