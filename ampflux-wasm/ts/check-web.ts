// The web package (web/pkg, `--target web`) has the same API behind an async init.
import init, { Network, type StudyReport } from "../../web/pkg/ampflux_wasm.js";

export async function ikssAt(text: string, bus: string): Promise<number | null | undefined> {
  await init();
  const report: StudyReport = Network.fromJson(text).shortCircuit({ buses: [bus] });
  return report.buses.find((b) => b.id === bus)?.ikss_ka;
}
