// The npm library @gouvfr-anct/lieux-de-mediation-numerique@2.3.0 as an oracle, and the list of
// the ways it disagrees with the standard v1.0.2 (which Relais follows).
//
// Each known disagreement has a name, whether the reference document lists it
// (../shared/reference/lieux-standard.md §2.4: `ref: true`) or it was found by this test (`ref:
// false`, reported to the lead; the schema wins in every one of them), and a predicate that
// recognises it from a row, Relais's verdict and the library's.
'use strict';

const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..', '..');
const lib = require(path.join(ROOT, 'node_modules', '@gouvfr-anct', 'lieux-de-mediation-numerique',
  'lib', 'cjs', 'index.js'));

// The library's verdict on a flat row (empty values left out, as the reference §2.5 says).
function oracle(row) {
  const clean = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === '_extra' || v === undefined || v === null || v === '') continue;
    clean[k] = v;
  }
  try {
    lib.fromSchemaLieuDeMediationNumerique(clean);
    return { ok: true };
  } catch (e) {
    return { ok: false, cls: e.constructor.name, key: e.key ?? null, msg: e.message };
  }
}

// The field(s) a library error is about.
const KEY_FIELDS = {
  typologies: ['typologie'], voie: ['adresse'], url: ['fiche_acces_libre', 'prise_rdv'],
  courriel: ['courriels'], siret: ['pivot'], rna: ['pivot'],
};
function npmFields(n, row) {
  if (n.ok) return [];
  if (n.cls === 'TypeError') return ['pivot', 'adresse'].filter((f) => row[f] === undefined);
  return KEY_FIELDS[n.key] || [n.key];
}

const SCHEMA_PHONE = /^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$/;
const SCHEMA_PIVOT = /^[a-zA-Z0-9]{9,14}$/;
const ACCESS_FIELDS = ['publics_specifiquement_adresses', 'prise_en_charge_specifique', 'frais_a_charge',
  'itinerance', 'modalites_accompagnement', 'modalites_acces'];
const NPM_ERROR_FIELD = {
  ServicesError: 'services', FraisAChargeError: 'frais_a_charge', ItineranceError: 'itinerance',
  ModalitesAccesError: 'modalites_acces', ModalitesAccompagnementError: 'modalites_accompagnement',
  PublicsSpecifiquementAdressesError: 'publics_specifiquement_adresses',
  PrisesEnChargeSpecifiquesError: 'prise_en_charge_specifique',
  DispositifProgrammeNationalError: 'dispositif_programmes_nationaux',
  FormationLabelError: 'formations_labels', TypologiesError: 'typologie',
};

// Our errors that the library does not raise: each must be explained by one of these.
const OURS_STRICTER = [
  { name: 'telephone-national-format', ref: true,
    why: 'the schema wants +33… without spaces; the library also takes national and spaced forms',
    test: (e, row) => e.field === 'telephone' && e.rule === 'format' && lib.isValidTelephone(row.telephone) },
  { name: 'resume-over-280', ref: true, why: 'maxLength 280 in the schema; not checked by the library',
    test: (e) => e.field === 'presentation_resume' && e.rule === 'longueur_max' },
  { name: 'date-invalid', ref: true,
    why: 'date_maj is a required ISO date in the schema; the library makes an Invalid Date of anything',
    test: (e) => e.field === 'date_maj' && (e.rule === 'date' || e.rule === 'obligatoire') },
  { name: 'insee-extra-forms', ref: true,
    why: 'the library also takes 6-character and dashed INSEE codes (010001, 01-1-23-456)',
    test: (e) => e.field === 'code_insee' && e.rule === 'format' },
  { name: 'services-missing-drops-fields', ref: true,
    why: 'without services the library drops the access fields instead of checking them',
    test: (e, row) => ACCESS_FIELDS.includes(e.field) && (row.services === undefined || row.services === '') },
  { name: 'pivot-14-any-characters', ref: false,
    why: 'the library takes any 14 characters as a SIRET (spaces, punctuation); the schema wants [a-zA-Z0-9]',
    test: (e, row) => e.field === 'pivot' && e.rule === 'format' && row.pivot.length === 14 },
  { name: 'commune-missing-accepted', ref: false,
    why: 'commune is required; the library tests its regex on undefined, which reads "undefined" and passes',
    test: (e) => e.field === 'commune' && e.rule === 'obligatoire' },
  { name: 'id-unique-in-file', ref: false,
    why: 'the schema makes id unique; the library checks rows one at a time',
    test: (e) => e.field === 'id' && e.rule === 'unique' },
];

// Library errors on rows that the schema accepts: each must be explained by one of these.
const NPM_STRICTER = [
  { name: 'pivot-siren-ridet', ref: true,
    why: 'the schema takes 9 to 14 letters or digits (SIREN, RNA, RIDET); the library only 14 or W+9',
    test: (n, row) => n.cls === 'PivotError' && SCHEMA_PIVOT.test(row.pivot) },
  { name: 'typologie-unknown', ref: true,
    why: 'typologie has no pattern in the schema; the library enforces 92 data·inclusion codes',
    test: (n) => n.cls === 'TypologiesError' },
  { name: 'commune-characters', ref: true,
    why: 'commune has no pattern in the schema; the library rejects / . and other characters',
    test: (n) => n.cls === 'CommuneError' },
  { name: 'adresse-characters', ref: false,
    why: 'adresse has no pattern in the schema; the library rejects characters outside its list (#, «, _ …)',
    test: (n) => n.cls === 'VoieError' },
  { name: 'url-no-pattern', ref: false,
    why: 'fiche_acces_libre and prise_rdv have no pattern in the schema; the library applies a URL regex',
    test: (n) => n.cls === 'UrlError' },
  { name: 'telephone-length', ref: false,
    why: 'the schema takes 6 to 9 digits after the country code; the library wants a real national length',
    test: (n, row) => n.cls === 'TelephoneError' && SCHEMA_PHONE.test(row.telephone) },
  { name: 'list-leading-bar', ref: false,
    why: 'the pattern (?:(?:^|\\|)(…))+$ admits one leading |; the library splits it into an empty item',
    test: (n, row) => { const f = NPM_ERROR_FIELD[n.cls]; return !!f && typeof row[f] === 'string' && row[f].startsWith('|') && !row[f].startsWith('||'); } },
];

// Classifies one comparison. Returns { agree: true } or { agree: false, classes: [...], unexplained: [...] }.
function compare(row, ours, npm) {
  const ourErrorFields = new Set(ours.errors.map((e) => e.field));
  const out = { agree: true, classes: [], unexplained: [] };
  const explainOurs = () => {
    for (const e of ours.errors) {
      const c = OURS_STRICTER.find((k) => k.test(e, row));
      if (c) out.classes.push(c.name);
      else out.unexplained.push(`ours: ${e.field} ${e.rule} « ${e.value} »`);
    }
  };
  const explainNpm = () => {
    const c = NPM_STRICTER.find((k) => k.test(npm, row));
    if (c) out.classes.push(c.name);
    else out.unexplained.push(`npm: ${npm.cls} ${npm.key} (${npm.msg})`);
  };
  if (ours.valid && npm.ok) return out;
  if (!ours.valid && npm.ok) {
    out.agree = false;
    explainOurs();
  } else if (ours.valid && !npm.ok) {
    out.agree = false;
    explainNpm();
  } else {
    // Both reject: the library stops at its first error; that field must be one of ours, or be a
    // case where the library is stricter than the schema.
    const fields = npmFields(npm, row);
    if (npm.cls === 'TypeError') out.classes.push(...fields.map((f) => `${f}-missing-crash`));
    if (!fields.some((f) => ourErrorFields.has(f))) {
      out.agree = false;
      explainNpm();
    }
  }
  out.classes = [...new Set(out.classes)];
  return out;
}

const KNOWN = Object.fromEntries([...OURS_STRICTER, ...NPM_STRICTER,
  { name: 'pivot-missing-crash', ref: true, why: 'a row without pivot crashes the library (TypeError); the schema requires pivot' },
  { name: 'adresse-missing-crash', ref: false, why: 'a row without adresse crashes the library (TypeError); the schema requires adresse' }]
  .map((k) => [k.name, { ref: k.ref, why: k.why }]));

module.exports = { lib, oracle, compare, KNOWN };
