// A minimal static file server for the built web client (web/dist, `make web`), for local use and
// for trying the page without the AmpFlux server:
//   node ampflux-wasm/scripts/serve.mjs [DIR=web/dist] [PORT=8080]
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ts": "text/plain; charset=utf-8",
};

/** Serves `root` on 127.0.0.1:`port` (0: any free port); resolves to {server, url}. */
export function serveStatic(root, port = 0) {
  const base = path.resolve(root);
  const server = http.createServer(async (req, res) => {
    try {
      const pathname = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
      let file = path.join(base, pathname);
      if (file !== base && !file.startsWith(base + path.sep)) {
        res.writeHead(403).end("forbidden");
        return;
      }
      if ((await stat(file)).isDirectory()) file = path.join(file, "index.html");
      const info = await stat(file);
      res.writeHead(200, {
        "content-type": TYPES[path.extname(file)] ?? "application/octet-stream",
        "content-length": info.size,
        "cache-control": "no-store",
      });
      createReadStream(file).pipe(res);
    } catch {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}/` });
    });
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = process.argv[2] ?? path.join(here, "../../web/dist");
  const { url } = await serveStatic(root, Number(process.argv[3] ?? 8080));
  console.log(`serving ${path.resolve(root)} at ${url}`);
}
