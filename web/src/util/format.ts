// Number formatting and round axis ticks for tables and charts.

/** `value` with `decimals` decimals; "–" for missing values. */
export function fmt(value: number | null | undefined, decimals = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "–";
  return value.toFixed(decimals);
}

/** Round ticks for a linear axis from 0 to `max`: steps of 1, 2 or 5 × 10^n, about `count` of them. */
export function linearTicks(max: number, count = 6): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1] < max) ticks.push(Number((ticks[ticks.length - 1] + step).toPrecision(12)));
  return ticks;
}

/** Round ticks for a log axis: 1, 2, 5 × 10^n between `min` and `max`. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-12)));
  const hi = Math.ceil(Math.log10(Math.max(max, min, 1e-12)));
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) for (const m of [1, 2, 5]) {
    const v = Number((m * 10 ** e).toPrecision(12));
    if (v >= min / 1.0001 && v <= max * 1.0001) out.push(v);
  }
  return out;
}

/** Label of a tick value without floating-point noise (0.30000000000000004 → "0.3"). */
export function tickLabel(v: number): string {
  return String(Number(v.toPrecision(6)));
}
