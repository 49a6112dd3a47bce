// Builds the bus rows of `Network.shortCircuit` in JS from the columns Rust hands over
// (src/study.rs), instead of writing them as JSON text for `JSON.parse`: on large grids the
// text and its parsing are the one cost the native engine does not have. The rows are those
// `JSON.parse` would give, key for key and in the same order: the numeric fields in the
// order of the JSON row, `null` for NaN, an optional field only in the rows that have it.

/**
 * @param {readonly string[]} ids  location ids
 * @param {string[]} names  the numeric fields in JSON order
 * @param {Float64Array[]} columns  one per name
 * @param {(Uint8Array | null)[]} present  per name: which rows have the field (null: all)
 * @param {Uint8Array} meshed  1 or 0
 * @param {Uint8Array} status  codes into `statusNames`
 * @param {string[]} statusNames
 */
export function busRows(ids, names, columns, present, meshed, status, statusNames) {
  const n = ids.length;
  const m = names.length;
  const rows = new Array(n);
  for (let i = 0; i < n; i += 1) {
    const row = { id: ids[i] };
    for (let k = 0; k < m; k += 1) {
      const has = present[k];
      if (has !== null && has[i] === 0) continue;
      const v = columns[k][i];
      row[names[k]] = v === v ? v : null;
    }
    row.meshed = meshed[i] === 1;
    row.status = statusNames[status[i]];
    rows[i] = row;
  }
  return rows;
}

/** The report with its bus rows, keys in the order of the JSON report. */
export function withBusRows(rest, buses) {
  const { study, network_digest, ...tail } = rest;
  return { study, network_digest, buses, ...tail };
}
