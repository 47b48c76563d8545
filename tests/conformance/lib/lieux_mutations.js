// Generated mutations of a valid row: each field broken in each typical way, with the verdict of
// the standard v1.0.2 (schema.json read with frictionless semantics) worked out by hand in `std`.
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.join(__dirname, '..', '..', '..');

// The official valid example (ref/data/schema/exemple-valide-v1.csv), as a flat object.
function exampleRow() {
  const text = fs.readFileSync(path.join(ROOT, 'ref', 'data', 'schema', 'exemple-valide-v1.csv'), 'utf8');
  const cells = (line) => {
    const out = [];
    let cur = '', q = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (q) {
        if (c === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (c === '"') q = false; else cur += c;
      } else if (c === '"') q = true;
      else if (c === ',') { out.push(cur); cur = ''; } else cur += c;
    }
    out.push(cur);
    return out;
  };
  const [head, row] = text.trim().split('\n');
  const names = cells(head), values = cells(row);
  return Object.fromEntries(names.map((n, i) => [n, values[i]]));
}

// [field, value (undefined: removed), standard verdict, what it is]
const CASES = [
  ['id', undefined, false, 'missing'],
  ['id', 'x'.repeat(300), true, 'long id'],
  ['pivot', undefined, false, 'missing'],
  ['pivot', '123', false, 'too short'],
  ['pivot', '434933123000291', false, '15 digits'],
  ['pivot', '434933123', true, 'SIREN (9 digits)'],
  ['pivot', '1234567', false, '7 digits'],
  ['pivot', '0123456', false, 'RIDET short form (7)'],
  ['pivot', '0123456001', true, 'RIDET with establishment (10)'],
  ['pivot', 'W123456789', true, 'RNA'],
  ['pivot', 'W12345678', true, 'RNA one character short (9)'],
  ['pivot', '4349331-230002', false, '14 characters with a dash'],
  ['pivot', '4349 3312300029', false, '15 characters with a space'],
  ['pivot', '434 933 123 00029', false, 'SIRET with spaces'],
  ['pivot', '00000000000000', true, 'placeholder (warning)'],
  ['nom', undefined, false, 'missing'],
  ['nom', '   ', true, 'blank'],
  ['commune', undefined, false, 'missing'],
  ['commune', 'Saint/Ville', true, 'slash'],
  ['commune', 'Reims 2', true, 'digits'],
  ['commune', "L'Haÿ-les-Roses", true, 'apostrophe and ÿ'],
  ['code_postal', undefined, false, 'missing'],
  ['code_postal', '5300', false, '4 digits'],
  ['code_postal', '510000', false, '6 digits'],
  ['code_postal', '51 100', false, 'space'],
  ['code_postal', 'AB123', false, 'letters'],
  ['code_insee', '010001', false, '6 characters'],
  ['code_insee', '01-1-23-456', false, 'dashed form'],
  ['code_insee', '2A004', true, 'Corse-du-Sud'],
  ['code_insee', '20004', false, '20 is not a département'],
  ['code_insee', '5145', false, '4 digits'],
  ['code_insee', '97411', true, 'La Réunion'],
  ['code_insee', '98818', true, 'Nouvelle-Calédonie'],
  ['adresse', undefined, false, 'missing'],
  ['adresse', '12 rue # 3', true, 'hash sign'],
  ['adresse', 'Lieu-dit « Le Bourg »', true, 'guillemets'],
  ['adresse', '12 BIS RUE DE LECLERCQ', true, 'example'],
  ['latitude', 'abc', false, 'not a number'],
  ['latitude', '43,52609', false, 'comma decimal'],
  ['latitude', '95', false, 'out of range'],
  ['latitude', undefined, true, 'longitude alone (warning)'],
  ['latitude', '5.41423', true, 'swapped with longitude (warning)'],
  ['longitude', '190', false, 'out of range'],
  ['longitude', '-0.5', true, 'negative'],
  ['typologie', 'COMMUNE', true, 'not a data·inclusion code'],
  ['typologie', 'tiers_lieux', true, 'lower case code'],
  ['typologie', 'TIERS_LIEUX|ASSO|MUNI', true, 'three codes'],
  ['telephone', '01 23 45 67 89', false, 'national with spaces'],
  ['telephone', '0180059880', false, 'national'],
  ['telephone', '+33 1 80 05 98 80', false, 'international with spaces'],
  ['telephone', '+33180059880|+33180059881', false, 'two numbers'],
  ['telephone', '+3318005988', true, '8 digits after +33 (warning)'],
  ['telephone', '+687445728', true, 'Nouvelle-Calédonie'],
  ['telephone', '+33', false, 'prefix only'],
  ['telephone', 'abc', false, 'letters'],
  ['courriels', 'pas-un-courriel', true, 'not an e-mail (warning)'],
  ['courriels', 'a@b.fr|c@d.fr', true, 'two e-mails'],
  ['site_web', 'pas une url', true, 'not a URL (warning)'],
  ['horaires', "n'importe quoi", true, 'not OSM (no pattern)'],
  ['presentation_resume', 'é'.repeat(281), false, '281 characters'],
  ['presentation_resume', 'é'.repeat(280), true, '280 characters (560 bytes)'],
  ['date_maj', undefined, false, 'missing'],
  ['date_maj', 'not-a-date', false, 'text'],
  ['date_maj', '2024-02-30', false, 'no such day'],
  ['date_maj', '02/04/2024', false, 'French order'],
  ['date_maj', '2024-02-29', true, 'leap day'],
  ['itinerance', 'Mobile', false, 'unknown value'],
  ['itinerance', 'Itinérant|Fixe', true, 'both'],
  ['services', 'Numérique', false, 'unknown value'],
  ['services', 'Aide aux démarches administratives|', false, 'trailing |'],
  ['services', '|Aide aux démarches administratives', true, 'leading | (the pattern admits it)'],
  ['services', 'Aide aux démarches administratives||Loisirs et créations numériques', false, 'empty item'],
  ['services', 'Aide aux démarches administratives | Loisirs et créations numériques', false, 'spaces around |'],
  ['services', 'aide aux démarches administratives', false, 'lower case'],
  ['services', 'Aide aux démarches administratives;Loisirs et créations numériques', false, '; separator'],
  ['services', 'Comprehension du monde numérique', false, 'accent missing'],
  ['services', 'Aide aux démarches administratives|Aide aux démarches administratives', true, 'duplicate'],
  ['publics_specifiquement_adresses', 'Adultes', false, 'v0 value'],
  ['prise_en_charge_specifique', 'Surdite', false, 'accent missing'],
  ['frais_a_charge', 'Gratuit : Je peux accéder gratuitement au lieu et à ses services', false, 'v0 label'],
  ['dispositif_programmes_nationaux', "Point d’accès numérique CAF", false, 'typographic apostrophe'],
  ['dispositif_programmes_nationaux', 'CNFS', false, 'v0 label'],
  ['formations_labels', 'Étapes numériques (La Poste)', true, 'spaced label (schema pattern typo)'],
  ['formations_labels', 'Étapes numériques(La Poste)', false, 'label as the pattern spells it'],
  ['formations_labels', 'Formé à "Mon Espace Santé"', false, 'straight quotes'],
  ['autres_formations_labels', 'anything|at all', true, 'free list'],
  ['modalites_acces', 'Sur rendez-vous', false, 'unknown value'],
  ['modalites_acces', "Ce lieu n'accueille pas de public", true, 'no public'],
  ['modalites_accompagnement', 'Seul', false, 'v0 value'],
  ['modalites_accompagnement', 'À distance', true, 'valid'],
  ['fiche_acces_libre', 'pas une url', true, 'not a URL (warning)'],
  ['prise_rdv', 'www.rdv-solidarites.fr', true, 'no scheme (warning)'],
];

function mutations() {
  const base = exampleRow();
  const out = [];
  let n = 0;
  const add = (row, std, what) => { out.push({ row, std, what }); n++; };
  for (const [field, value, std, what] of CASES) {
    const row = { ...base, id: `mutation-${n}` };
    if (field === 'id' && value !== undefined) row.id = value;
    else if (value === undefined) delete row[field];
    else row[field] = value;
    if (field === 'latitude' && what.startsWith('swapped')) row.longitude = '43.52609';
    add(row, std, `${field}: ${what}`);
  }
  // Without services, the library drops the access fields: broken ones are not seen.
  for (const field of ['frais_a_charge', 'publics_specifiquement_adresses', 'modalites_accompagnement', 'itinerance']) {
    const row = { ...base, id: `mutation-${n}` };
    delete row.services;
    row[field] = 'Valeur inconnue';
    add(row, false, `${field}: unknown value, services missing`);
  }
  const row = { ...base, id: `mutation-${n}` };
  delete row.services;
  add(row, true, 'services missing');
  return out;
}

module.exports = { exampleRow, mutations, CASES };
