// Vite build of the web client into dist/ (served by `ampflux-server serve` at /). Relative
// asset paths ("./") so that dist/ also works from any static host or sub-path. The plugin
// below writes the service worker with the list of every emitted file (the app shell, the
// .wasm engine, the workers) and copies the bundled example network.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

const root = fileURLToPath(new URL(".", import.meta.url));

function serviceWorker(): Plugin {
  return {
    name: "ampflux-service-worker",
    apply: "build",
    generateBundle(_options, bundle) {
      this.emitFile({ type: "asset", fileName: "example-network.json", source: readFileSync(`${root}../examples/networks/industrial_plant.json`) });
      const files = [...Object.keys(bundle), "example-network.json", "manifest.webmanifest", "icon-192.png", "icon-512.png"].filter((f) => !f.endsWith(".map"));
      const precache = ["./", ...files.map((f) => `./${f}`)];
      const hash = createHash("sha256");
      for (const f of Object.keys(bundle).sort()) {
        const item = bundle[f];
        hash.update(f);
        hash.update(item.type === "chunk" ? item.code : typeof item.source === "string" ? item.source : Buffer.from(item.source));
      }
      const version = hash.digest("hex").slice(0, 16);
      const body = readFileSync(`${root}src/sw.js`, "utf8");
      this.emitFile({ type: "asset", fileName: "sw.js", source: `self.__VERSION = ${JSON.stringify(version)};\nself.__PRECACHE = ${JSON.stringify(precache)};\n${body}` });
    },
  };
}

export default defineConfig({
  base: "./",
  plugins: [react(), serviceWorker()],
  worker: { format: "es" },
  build: {
    target: "es2022",
    outDir: "dist",
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 2000,
  },
  server: { fs: { allow: [".."] } },
  test: {
    environment: "node",
    include: ["src/**/*.test.ts"],
  },
} as Parameters<typeof defineConfig>[0]);
