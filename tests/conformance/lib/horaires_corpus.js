// The opening-hours values the conformance test and the benchmark share: every `horaires` value
// of the real files in ref/data/lieux (in file order, duplicates kept: the corpus is what an import
// reads), and hand-written values for what the real files do not exercise.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..', '..');
const FILES = [
  'ref/data/lieux/lieux-cnfs-national-2022-07.json',
  'ref/data/lieux/charente-2023-v1.json',
  'ref/data/lieux/nouvelle-caledonie-2023-v1.json',
];

// One value per line goes to `relais horaires --batch`: a line break inside a value would split it.
function oneLine(v) {
  return v.replace(/[\r\n]+/g, ' ');
}

function realValues() {
  const values = [];
  for (const f of FILES) {
    const rows = JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8'));
    for (const row of rows) {
      if (typeof row.horaires === 'string' && row.horaires.trim() !== '') {
        values.push({ file: path.basename(f), value: oneLine(row.horaires) });
      }
    }
  }
  return values;
}

// Syntax the real files lack, and the mistakes editors make.
const TRICKY = [
  '24/7',
  'Mo-Fr 09:00-12:00,14:00-17:00; PH off',
  'Mo-Fr 09:00-12:00,14:00-17:00; Sa 08:30-12:00; PH off',
  'Mo-Su 22:00-02:00',
  'Fr,Sa 22:00-04:00; Su off',
  'Fr 22:00-02:00; Sa 10:00-12:00',
  'Mo-Fr 09:00-17:00; We 12:00-14:00 off',
  'Mo-Fr 09:00-17:00; We off',
  'Mo-Fr 08:00-12:00, We 14:00-18:00',
  'week 1-53/2 Mo 09:30-12:30',
  'week 2-52/2 Tu 14:00-17:00; week 1-53/2 Tu 09:00-12:00',
  'week 01,03-05 Mo 09:00-12:00',
  'Jan-Jun Mo-Fr 09:00-12:00; Jul-Dec Mo-Fr 14:00-17:00',
  'Mo-Fr 09:00-17:00; Dec 24-26 off',
  'Mo-Fr 09:00-17:00; Jul 14 off',
  'Mo-Fr 09:00-17:00; Dec 24-Jan 02 off',
  'Mo-Fr 09:00-17:00; Dec 24,31 off',
  'Mo-Fr 09:00-17:00; Nov 24-Nov 02 off',
  'Jan-Jun: Mo-Fr 09:00-12:00',
  'Mo-Fr 09:00-12:00 "sur rendez-vous"',
  'Mo-Fr 09:00-12:00 open "sur rendez-vous"',
  'Mo-Fr 09:00-12:00 || "sur rendez-vous"',
  'Mo-Fr 09:00-12:00; PH off || "sur rendez-vous"',
  'Sa "sur rendez-vous"',
  'Mo-Fr 08:00-12:00 unknown',
  'Mo-Fr 09:00-12:00,13:30+',
  'Mo-Fr 18:00+',
  'Mo-Fr 14:00-17:00+',
  '07:00+,12:00-16:00',
  'Th 07:00-09:00,17:00-19:00+',
  'Su,PH off',
  'Mo-Sa 09:00-18:00; PH,Su off',
  'PH Mo-Fr 10:00-12:00',
  'Mo-Fr 10:00-18:00; PH 10:00-12:00',
  'We[1,3] 14:00-17:00',
  'Sa[-1] 09:00-12:00',
  'Sa-Mo 10:00-12:00',
  'Mo-Su 00:00-24:00',
  'Mo 09:00-12:00,14:00-14:00',
  'Mo-Fr 09:00-12:00; 14:00-16:00',
  '10:00-12:00; 14:00-16:00',
  '2026 Mo-Fr 09:00-12:00',
  '2025-2027/2 Jan 02-05 off',
  'Mo-Fr 09:00-12:00;',
  'Mo 13:30-17:30;Tu 08:30-12:15',
  'off',
  'closed',
  // Mistakes: each must be refused with a suggestion.
  '08:30-12:00-13:30-17:00',
  'Mo-Fr 08:30-12:00-13:30-17:00',
  'Tu 12:30',
  'Lundi-Vendredi 9h-12h',
  'lu-ve 9h-12h',
  'du lundi au vendredi de 9h à 12h et de 14h à 17h',
  'Mo-Fr 9h30-12h',
  'Mo-Fr 9:00-12:00',
  'Mo–Fr 09:00–12:00',
  'Mo-Fr 09:00 à 12:00',
  'Mo-Fr 09-12',
  'mo-fr 09:00-12:00',
  'Mo-Fr 08:00-12:00 sur rendez-vous',
  // Unsupported on purpose.
  'SH off',
  'Mo-Fr sunrise-sunset',
  'easter off',
  'PH +1 day off',
];

module.exports = { realValues, TRICKY, oneLine };
