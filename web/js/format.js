// Number formatting: fixed decimals for the page, and Rust's `{}` for f64 in the CSV so that
// the downloaded file is byte for byte what `ampflux sc --format csv` writes.

/** `value` as Rust's `Display` for f64 writes it: shortest round-trip digits, no exponent. */
export function rustFloat(value) {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (Object.is(value, -0)) return "-0";
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (!match) return text;
  const [, sign, lead, rest = "", exp] = match;
  const digits = lead + rest;
  const point = 1 + Number(exp); // position of the decimal point within `digits`
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return sign + digits + "0".repeat(point - digits.length);
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Fixed decimals for display; empty for absent values. */
export function fixed(value, decimals) {
  return typeof value === "number" ? value.toFixed(decimals) : "";
}
