// The standard of the lieux: Relais (`relais lieux-valider --json`) against the npm library
// @gouvfr-anct/lieux-de-mediation-numerique@2.3.0 (pinned in package.json), on every row of the
// shared real files (v1 as they are; the 2022 draft and the France Services list after Relais's
// conversion) and on generated mutations of a valid row (lib/lieux_mutations.js).
//
// Relais follows the schema v1.0.2; every disagreement with the library must be one of the KNOWN
// cases of lib/lieux_oracle.js (those of the reference document §2.4, and those this test found,
// marked ref: false), or the test fails and prints the row. For the mutations, Relais's verdict
// must also be the schema's, worked out by hand. Run:
//   RELAIS_BIN=build/relais node --test tests/conformance/lieux.test.js
// (RELAIS_LIEUX_VALIDER=path/to/lieux-valider runs the stand-alone driver of bench/lieux instead).
'use strict';

const test = require('node:test');
const assert = require('node:assert');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { lib, oracle, compare, KNOWN } = require('./lib/lieux_oracle.js');
const { mutations } = require('./lib/lieux_mutations.js');

const ROOT = path.join(__dirname, '..', '..');
const DATA = path.join(ROOT, 'ref', 'data', 'lieux');

// The command: `relais lieux-valider`, or the stand-alone driver.
function command() {
  if (process.env.RELAIS_LIEUX_VALIDER) return [process.env.RELAIS_LIEUX_VALIDER];
  return [process.env.RELAIS_BIN || path.join(ROOT, 'build', 'relais'), 'lieux-valider'];
}

function run(args) {
  const [bin, ...pre] = command();
  const r = spawnSync(bin, [...pre, ...args], { maxBuffer: 512 * 1024 * 1024 });
  assert.ok(r.status === 0 || r.status === 1,
    `${bin} ${[...pre, ...args].join(' ')} exited ${r.status}: ${r.stderr}${r.stdout.slice(0, 500)}`);
  return r.stdout.toString();
}

// One verdict per row, plus the summary line.
function verdicts(file, extra = []) {
  const lines = run(['--json', ...extra, file]).trim().split('\n').map((l) => JSON.parse(l));
  const summary = lines.pop().summary;
  assert.ok(summary, 'last line is the summary');
  assert.strictEqual(lines.length, summary.rows);
  return { rows: lines, summary };
}

const tally = {};
function check(label, row, ours) {
  const npm = oracle(row);
  const c = compare(row, ours, npm);
  for (const name of c.classes) {
    if (!c.agree || name.endsWith('-missing-crash')) tally[name] = (tally[name] || 0) + 1;
  }
  if (c.unexplained.length) {
    return `${label}: Relais ${ours.valid ? 'valide' : 'rejette'}, npm ${npm.ok ? 'valide' : npm.cls}; ` +
      `${c.unexplained.join('; ')}\n  row ${JSON.stringify(row).slice(0, 300)}`;
  }
  return null;
}

test('the vocabularies are the library\'s and the schema\'s, value for value', () => {
  const v = JSON.parse(run(['--vocabulaires']));
  const byName = Object.fromEntries(v.fields.map((f) => [f.name, f]));
  assert.strictEqual(v.fields.length, 32);
  const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'ref', 'data', 'schema', 'schema-v1.0.2.json'), 'utf8'));
  assert.deepStrictEqual(v.fields.map((f) => f.name), schema.fields.map((f) => f.name), 'column order');
  for (const f of schema.fields) {
    assert.strictEqual(byName[f.name].required, !!(f.constraints && f.constraints.required), `${f.name} required`);
    const p = f.constraints && f.constraints.pattern;
    if (p && p.startsWith('(?:(?:^|\\|)(')) {
      const inner = p.slice('(?:(?:^|\\|)('.length, -'))+$'.length);
      let values = inner.split(/(?<!\\)\|/).map((s) => s.replace(/\\\(/g, '(').replace(/\\\)/g, ')'));
      // The one deliberate departure: the v1.0.2 pattern lacks the space of this label.
      values = values.map((s) => (s === 'Étapes numériques(La Poste)' ? 'Étapes numériques (La Poste)' : s));
      assert.deepStrictEqual(byName[f.name].values, values, `${f.name} values, in the schema's order`);
    }
  }
  assert.strictEqual(byName.presentation_resume.max_chars, 280);
  const enums = {
    services: 'Service', frais_a_charge: 'Frais', itinerance: 'Itinerance', modalites_acces: 'ModaliteAcces',
    modalites_accompagnement: 'ModaliteAccompagnement', publics_specifiquement_adresses: 'PublicSpecifiquementAdresse',
    prise_en_charge_specifique: 'PriseEnChargeSpecifique', dispositif_programmes_nationaux: 'DispositifProgrammeNational',
    formations_labels: 'FormationLabel', typologie: 'Typologie',
  };
  for (const [field, e] of Object.entries(enums)) {
    assert.deepStrictEqual([...byName[field].values].sort(), Object.values(lib[e]).sort(), `${field} = npm ${e}`);
  }
  assert.strictEqual(byName.typologie.values.length, 92);
});

test('real v1 files: every row, as the library reads it', () => {
  const problems = [];
  let n = 0;
  for (const name of ['charente-2023-v1.json', 'nouvelle-caledonie-2023-v1.json']) {
    const file = path.join(DATA, name);
    const original = JSON.parse(fs.readFileSync(file, 'utf8'));
    const { rows, summary } = verdicts(file);
    assert.strictEqual(summary.format, 'v1');
    assert.strictEqual(rows.length, original.length);
    rows.forEach((v, i) => {
      n++;
      // the library on the file's own object (it ignores the 2022 leftovers) and on our conversion
      for (const [label, row] of [['original', original[i]], ['converti', v.row]]) {
        const p = check(`${name} ligne ${v.line} (${label})`, row, v);
        if (p) problems.push(p);
      }
    });
  }
  assert.deepStrictEqual(problems, [], `${problems.length} unexplained disagreements`);
  assert.strictEqual(n, 278);
});

test('2022 draft (CNFS) and France Services rows after conversion', () => {
  const problems = [];
  const counts = {};
  for (const name of ['lieux-cnfs-national-2022-07.json', 'france-services-liste-fs-20221201.csv']) {
    const { rows, summary } = verdicts(path.join(DATA, name));
    counts[name] = summary;
    for (const v of rows) {
      const p = check(`${name} ligne ${v.line}`, v.row, v);
      if (p) problems.push(p);
    }
  }
  assert.deepStrictEqual(problems, [], `${problems.length} unexplained disagreements`);
  assert.strictEqual(counts['lieux-cnfs-national-2022-07.json'].format, 'v0');
  assert.strictEqual(counts['lieux-cnfs-national-2022-07.json'].rows, 2733);
  assert.strictEqual(counts['france-services-liste-fs-20221201.csv'].format, 'france-services');
  assert.strictEqual(counts['france-services-liste-fs-20221201.csv'].rows, 2683);
});

function csvOf(rows) {
  const names = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const q = (s) => (s === undefined ? '' : `"${String(s).replace(/"/g, '""')}"`);
  return [names.map(q).join(','), ...rows.map((r) => names.map((n) => q(r[n])).join(','))].join('\r\n') + '\r\n';
}

test('mutations: Relais gives the schema\'s verdict; the library differs only in known ways', () => {
  const ms = mutations();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'relais-lieux-'));
  try {
    const jsonFile = path.join(dir, 'mutations.json');
    const csvFile = path.join(dir, 'mutations.csv');
    fs.writeFileSync(jsonFile, JSON.stringify(ms.map((m) => m.row), null, 1));
    fs.writeFileSync(csvFile, csvOf(ms.map((m) => m.row)));
    const fromJson = verdicts(jsonFile, ['--format', 'v1']).rows;
    const fromCsv = verdicts(csvFile, ['--format', 'v1']).rows;
    assert.strictEqual(fromJson.length, ms.length);
    const problems = [];
    ms.forEach((m, i) => {
      const v = fromJson[i];
      if (v.valid !== m.std) {
        problems.push(`${m.what}: Relais ${v.valid ? 'valide' : 'rejette'}, le schéma ${m.std ? 'valide' : 'rejette'} ` +
          JSON.stringify(v.errors.map((e) => e.message)));
      }
      assert.strictEqual(fromCsv[i].valid, v.valid, `${m.what}: same verdict from CSV and JSON`);
      assert.deepStrictEqual(fromCsv[i].errors.map((e) => e.rule), v.errors.map((e) => e.rule), m.what);
      const p = check(m.what, m.row, v);
      if (p) problems.push(p);
      for (const e of v.errors) {
        assert.match(e.message, new RegExp(`^${e.field.replace(/[|]/g, '\\|')} : `), 'the message names the field');
      }
    });
    assert.deepStrictEqual(problems, [], problems.join('\n'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('every known disagreement was seen, and the tally is printed', () => {
  const lines = Object.entries(KNOWN).map(([name, k]) =>
    `${String(tally[name] || 0).padStart(6)}  ${name}${k.ref ? '' : '  (not in the reference list)'}: ${k.why}`);
  console.log(`disagreements with @gouvfr-anct/lieux-de-mediation-numerique 2.3.0:\n${lines.join('\n')}`);
  for (const name of Object.keys(KNOWN)) {
    if (name === 'id-unique-in-file') continue; // no duplicate id in the shared files
    assert.ok(tally[name] > 0, `known case ${name} never exercised`);
  }
});
