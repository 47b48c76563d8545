// The npm side of bench/lieux/validate.sh: @gouvfr-anct/lieux-de-mediation-numerique 2.3.0
// validating every row of each JSON file (JSON.parse + fromSchemaLieuDeMediationNumerique, as the
// reference §2.5 calls it), as many passes as fit in about a second after one warm-up pass.
// Prints, per file: file  rows  valid  passes  seconds  rows_per_second (tab-separated).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const lib = require(path.join(ROOT, 'node_modules', '@gouvfr-anct', 'lieux-de-mediation-numerique',
  'lib', 'cjs', 'index.js'));
const seconds = Number(process.env.BENCH_SECONDS || 1);

function pass(text) {
  let rows = 0, valid = 0;
  // The files hold no empty values (the real ones have none, Relais's export leaves them out), so
  // each object goes to the library as it is, its best case.
  for (const row of JSON.parse(text)) {
    rows++;
    try {
      lib.fromSchemaLieuDeMediationNumerique(row);
      valid++;
    } catch (e) { /* rejected */ }
  }
  return [rows, valid];
}

for (const file of process.argv.slice(2)) {
  const text = fs.readFileSync(file, 'utf8');
  const [rows, valid] = pass(text); // warm-up
  let passes = 0, total = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    total += pass(text)[0];
    passes++;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < seconds);
  console.log([file, rows, valid, passes, elapsed.toFixed(3), Math.round(total / elapsed)].join('\t'));
}
