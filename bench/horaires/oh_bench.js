// Opening hours benchmark, reference side: the same corpus through opening_hours.js (npm,
// pinned in package.json) for BENCH_SECONDS. Prints: values parsed parses_per_s evaluations_per_s
// (an evaluation: the constructor plus getState at the same moment as the C side).
'use strict';
process.env.TZ = 'Europe/Paris';
const fs = require('node:fs');
const OpeningHours = require('opening_hours');

const NOMINATIM = { lat: 48.8566, lon: 2.3522, address: { country_code: 'fr', state: 'Île-de-France' } };
const values = fs.readFileSync(process.argv[2], 'utf8').split('\n').filter((l) => l !== '');
const secs = Number(process.env.BENCH_SECONDS || 1);
const moment = new Date(2026, 4, 14, 10, 0);

function parse(v) {
  try {
    return new OpeningHours(v, NOMINATIM, { tag_key: 'opening_hours' });
  } catch {
    return null;
  }
}

const parsed = values.filter((v) => parse(v) !== null).length;
const rates = [];
for (const evaluate of [false, true]) {
  let done = 0;
  let open = 0;
  const t0 = process.hrtime.bigint();
  let t1 = t0;
  while (Number(t1 - t0) / 1e9 < secs) {
    for (const v of values) {
      const oh = parse(v);
      if (oh && evaluate && oh.getState(moment)) open++;
    }
    done += values.length;
    t1 = process.hrtime.bigint();
  }
  rates.push(done / (Number(t1 - t0) / 1e9));
  if (evaluate && open === 0) console.error('oh_bench: nothing open, suspicious');
}
console.log(`${values.length} ${parsed} ${rates[0].toFixed(0)} ${rates[1].toFixed(0)}`);
