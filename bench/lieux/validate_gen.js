// Builds the 100,000-row set of bench/lieux/validate.sh from the real rows: the two v1 files as
// they are, and the 2022 draft and France Services rows as Relais converts them (files given on
// the command line). Each copy gets a new id, coordinates moved by up to ±0.01°, and its keys in
// a shuffled order. Deterministic (a fixed seed). Writes a JSON array, one object per line.
//   node validate_gen.js OUT.json N SOURCE.json...
'use strict';
const fs = require('node:fs');

const [out, nText, ...sources] = process.argv.slice(2);
const n = Number(nText);
let seed = 20261126;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const rows = sources.flatMap((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const lines = [];
for (let i = 0; i < n; i++) {
  const src = rows[i % rows.length];
  const row = { ...src, id: `${src.id}-${i}` };
  delete row._extra;
  for (const k of ['latitude', 'longitude']) {
    if (row[k] === undefined) continue;
    const v = Number(row[k]) + (random() - 0.5) * 0.02;
    row[k] = Math.round(v * 1e6) / 1e6; // a JSON number, as in the real files
  }
  const keys = Object.keys(row);
  for (let k = keys.length - 1; k > 0; k--) {
    const j = Math.floor(random() * (k + 1));
    [keys[k], keys[j]] = [keys[j], keys[k]];
  }
  lines.push(JSON.stringify(Object.fromEntries(keys.map((k) => [k, row[k]]))));
}
fs.writeFileSync(out, `[\n${lines.join(',\n')}\n]\n`);
console.error(`${out}: ${n} rows from ${rows.length} real rows`);
