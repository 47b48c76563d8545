// The npm side of bench/lieux/validate.sh: @gouvfr-anct/lieux-de-mediation-numerique 2.3.0
// validating every row of each JSON file (JSON.parse + fromSchemaLieuDeMediationNumerique, as the
// reference §2.5 calls it), as many passes as fit in about a second after one warm-up pass.
// Prints, per file: file  rows  valid  passes  seconds  rows_per_second (tab-separated).
// BENCH_CLOCK=cpu measures the process's CPU time (process.cpuUsage: user + system, all of node's
// threads, its garbage collector's included) instead of the wall clock.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..');
const lib = require(path.join(ROOT, 'node_modules', '@gouvfr-anct', 'lieux-de-mediation-numerique',
  'lib', 'cjs', 'index.js'));
const seconds = Number(process.env.BENCH_SECONDS || 1);
const cpuClock = process.env.BENCH_CLOCK === 'cpu';
const clock = () => {
  if (!cpuClock) return Number(process.hrtime.bigint()) / 1e9;
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

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
  const start = clock();
  let elapsed = 0;
  do {
    total += pass(text)[0];
    passes++;
    elapsed = clock() - start;
  } while (elapsed < seconds);
  console.log([file, rows, valid, passes, elapsed.toFixed(3), Math.round(total / elapsed)].join('\t'));
}
