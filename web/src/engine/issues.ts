// Errors of the engine as the issues the page shows.
import type { Issue } from "../../pkg/ampflux_wasm.js";

/** An `AmpFluxError` from the engine, or any other error, as issues. */
export function errorIssues(err: unknown): Issue[] {
  const e = err as { issues?: Issue[]; message?: string; path?: string };
  if (Array.isArray(e?.issues) && e.issues.length) {
    return e.issues.map((i) => ({ ...i, path: (i as Issue & { path?: string }).path ?? e.path }));
  }
  return [{ severity: "error", code: "error", message: e?.message ?? String(err) } as Issue];
}
