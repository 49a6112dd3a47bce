// The engine's protection and arc-flash functions (issue 15: `Network.arcFlash`, `Network.tcc`,
// `Network.selectivity`, `arcFlashLabelSvg`), reached through feature detection: the client builds and runs with an
// engine that has them or not, and offers the arc-flash study and the protective-device forms
// only when it has them. The shapes below are those of the engine's JSON (docs/network-format.md,
// "Arc-flash, selectivity and TCC studies"): the fields this client reads, nothing computed.
import * as pkg from "../../pkg/ampflux_wasm.js";
import type {
  ArcFlashBus, ArcFlashReport, ArcFlashScenario, LabelOptions, SelectivityPair, SelectivityReport,
  TccCurve, TccMark, TccReport,
} from "../../pkg/ampflux_wasm.js";

// the report shapes are the engine's own declarations (ampflux-wasm/ts/types.d.ts)
export type {
  ArcFlashBus, ArcFlashReport, ArcFlashScenario, LabelOptions, SelectivityPair, SelectivityReport, TccCurve, TccMark,
  TccReport,
};

/** The engine's network methods of issue 15, where it has them. */
export interface ProtectionMethods {
  arcFlash(options: unknown): ArcFlashReport;
  tcc(options: unknown): TccReport;
  selectivity(options: unknown): SelectivityReport;
}

// looked up by a name held in a variable, so that bundling works with an engine without them
const LABEL_FN = "arcFlashLabelSvg";
const ARC_METHOD = "arcFlash";

/** Whether the loaded engine has the arc-flash study, TCCs and labels. */
export function hasProtection(): boolean {
  return typeof (pkg as unknown as Record<string, unknown>)[LABEL_FN] === "function"
    && typeof (pkg.Network.prototype as unknown as Record<string, unknown>)[ARC_METHOD] === "function";
}

/** The label (SVG text, NFPA 70E 130.5(H)) the core draws for one bus row of an arc-flash report. */
export function arcFlashLabelSvg(bus: ArcFlashBus, options: LabelOptions): string {
  const fn = (pkg as unknown as Record<string, unknown>)[LABEL_FN] as ((b: ArcFlashBus, o: LabelOptions) => string) | undefined;
  if (!fn) throw new Error("this engine has no arc-flash labels");
  return fn(bus, options);
}
