// Shared set-up of the end-to-end tests: Debian's Chromium driven by playwright-core (no browser
// download), a static file server with the production CSP (offline mode), and ampflux-server
// started on a free port with SQLite in a temporary directory (platform mode).
import { spawn } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const WEB = path.resolve(fileURLToPath(new URL("..", import.meta.url)));
export const ROOT = path.resolve(WEB, "..");
export const DIST = path.join(WEB, "dist");
export const ARTIFACTS = path.join(ROOT, "target/artifacts/web");
export const CHROMIUM = process.env.AMPFLUX_CHROMIUM ?? "/usr/bin/chromium";
export const SERVER_BIN = process.env.AMPFLUX_SERVER_BIN ?? path.join(ROOT, "target/release/ampflux-server");
export const CLI_BIN = process.env.AMPFLUX_CLI ?? path.join(ROOT, "target/release/ampflux");
mkdirSync(ARTIFACTS, { recursive: true });

/** The Content-Security-Policy the server sends with the page (`PAGE_CSP` of ampflux-server/src/headers.rs): the client must work under it. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self'; manifest-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/** A password the server's strength rules accept. */
export const PASSWORD = "Violet-Transformer-Busbar-2026!";

const TYPES = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".wasm": "application/wasm", ".json": "application/json", ".png": "image/png", ".webmanifest": "application/manifest+json" };

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

/** Serves `dir` on loopback with the CSP header; no API (so the client goes offline). */
export async function serveStatic(dir = DIST) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, "http://x");
    let file = path.join(dir, decodeURIComponent(url.pathname));
    if (!file.startsWith(dir)) { res.writeHead(403).end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, "index.html");
    if (!existsSync(file)) { res.writeHead(404, { "content-type": "text/plain" }).end("not found"); return; }
    res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream", "content-security-policy": CSP });
    createReadStream(file).pipe(res);
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/** Starts ampflux-server on a free port with a fresh SQLite database; returns its URL and a stop function. */
export async function startServer(extraEnv = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), "ampflux-web-e2e-"));
  const port = await freePort();
  const env = {
    ...process.env,
    DATABASE_URL: `sqlite://${dir}/ampflux.db?mode=rwc`,
    AMPFLUX_WEB_DIR: WEB,
    AMPFLUX_BIND: `127.0.0.1:${port}`,
    AMPFLUX_SECRET_KEY: "e2e-secret-key-of-at-least-32-characters!!",
    AMPFLUX_RATE_LIMIT_IP: "100000",
    AMPFLUX_RATE_LIMIT_USER: "100000",
    AMPFLUX_LOG_FORMAT: "pretty",
    RUST_LOG: "warn",
    ...extraEnv,
  };
  for (const k of ["AI_BASE_URL", "AI_API_KEY", "REDIS_URL"]) if (!(k in extraEnv)) delete env[k];
  const child = spawn(SERVER_BIN, ["serve"], { env, cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  child.stdout.on("data", (d) => { log += d; });
  child.stderr.on("data", (d) => { log += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`ampflux-server exited: ${log}`);
    try {
      const r = await fetch(`${url}/health`);
      if (r.ok) break;
    } catch { /* not up yet */ }
    if (Date.now() > deadline) throw new Error(`ampflux-server did not start: ${log}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    log: () => log,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r() : child.on("exit", r)));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  const { chromium } = await import("playwright-core");
  // playwright starts Chromium with a fresh temporary profile of its own (--user-data-dir)
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  return { browser, close: () => browser.close() };
}

/** A page that records errors, CSP violations and requests to other origins. */
export async function newPage(browser, base, viewport = { width: 1400, height: 1000 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true, serviceWorkers: "block" });
  const page = await context.newPage();
  const problems = [];
  page.on("pageerror", (err) => problems.push(`pageerror: ${err}`));
  page.on("console", (msg) => { if (msg.type() === "error" && !/Failed to load resource: the server responded with a status of (401|404|422)/.test(msg.text())) problems.push(`console: ${msg.text()}`); });
  page.on("request", (req) => { const u = req.url(); if (!u.startsWith(base) && !/^(data|blob):/.test(u)) problems.push(`foreign request: ${u}`); });
  return { page, context, problems };
}

export function shot(page, name) {
  return page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
}
