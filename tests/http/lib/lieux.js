'use strict';
/*
 * lieux: test fixtures of places for the HTTP and browser tests of the lieux pages.
 *
 *  - insertLieux(db, rows, { structure }): writes rows of the standard (objects keyed by the v1 field
 *    names) straight into the test database, published, and marks the index stale so that a
 *    server started afterwards (or within LIEUX_INDEX_MAX_AGE_S) sees them. Returns their ids.
 *  - charente(): the real Charente v1 file of ref/data, reduced to the standard's fields.
 *  - FIXTURE: a small, hand-made set around Laval (53) whose distances and filters are known.
 *
 * Rows go in with SQL through sqlite3 or psql, because `relais import lieux` is not there yet;
 * every value is a quoted SQL literal (quotes doubled), never SQL text from elsewhere.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./harness');

const FIELDS = [
    'id', 'pivot', 'nom', 'commune', 'code_postal', 'code_insee', 'adresse', 'complement_adresse', 'latitude',
    'longitude', 'typologie', 'telephone', 'courriels', 'site_web', 'horaires', 'presentation_resume',
    'presentation_detail', 'source', 'itinerance', 'structure_parente', 'date_maj', 'services',
    'publics_specifiquement_adresses', 'prise_en_charge_specifique', 'frais_a_charge',
    'dispositif_programmes_nationaux', 'formations_labels', 'autres_formations_labels', 'modalites_acces',
    'modalites_accompagnement', 'fiche_acces_libre', 'prise_rdv',
];

function literal(v) {
    if (v === undefined || v === null || v === '') return 'NULL';
    if (typeof v === 'number') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
}

function departementOf(row) {
    const c = row.code_insee || row.code_postal || '';
    if (c.startsWith('97') || c.startsWith('98')) return c.slice(0, 3);
    if (c.startsWith('20') && !row.code_insee) return c[2] <= '1' ? '2A' : '2B';
    return c.slice(0, 2);
}

function runSql(db, sql) {
    if (db.store === 'postgres') return h.psql(db, sql);
    const file = db.url.replace(/^sqlite:/, '');
    const r = spawnSync('sqlite3', ['-bail', file], { input: sql, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
    return r.stdout;
}

/* Inserts rows (with `ext_id` from row.id) and returns their database ids, in order. */
function insertLieux(db, rows, { structure = null, published = true } = {}) {
    const now = Math.floor(Date.now() / 1000);
    const cols = ['source_key', 'ext_id', 'structure_id', 'departement', 'published', 'coords_approx', 'created_at',
        'updated_at', ...FIELDS.filter((f) => f !== 'id')];
    const ids = [];
    for (const row of rows) {
        const values = [literal(row.source || 'test'), literal(row.id), structure ?? row.structure ?? 'NULL',
            literal(departementOf(row)), published ? 1 : 0, 0, now, now,
            ...FIELDS.filter((f) => f !== 'id').map((f) => literal(row[f]))];
        const out = runSql(db, `INSERT INTO lieux (${cols.join(', ')}) VALUES (${values.join(', ')}) RETURNING id;`);
        // psql also prints the command tag ("INSERT 0 1") after the returned row.
        const id = out.split('\n').map((l) => l.trim()).find((l) => /^\d+$/.test(l));
        if (!id) throw new Error(`insertLieux: no id in ${JSON.stringify(out)}`);
        ids.push(Number(id));
    }
    runSql(db, "INSERT INTO settings (key, value) VALUES ('lieux_version', '" + `t${now}${Math.random()}`.replace('.', '') +
        "') ON CONFLICT (key) DO UPDATE SET value = excluded.value;");
    return ids;
}

/* Runs one statement and returns its output (diagnostics and checks of the tests). */
function query(db, sql) {
    return runSql(db, sql);
}

function charente() {
    const file = path.join(h.ROOT, 'ref', 'data', 'lieux', 'charente-2023-v1.json');
    const all = JSON.parse(fs.readFileSync(file, 'utf8'));
    return all.map((r) => {
        const row = {};
        for (const f of FIELDS) if (r[f] !== undefined && r[f] !== null) row[f] = r[f];
        if (r.accessibilite && !row.fiche_acces_libre) row.fiche_acces_libre = r.accessibilite;
        if (!row.id) row.id = `charente-${Math.random()}`;
        return row;
    });
}

/*
 * Around Laval (centre of the commune table: about 48.06 N, -0.77 W): one lieu in the town, one
 * about 8 km away, one about 28 km away (Mayenne), one about 55 km away (Château-Gontier is nearer:
 * Sablé), and one whose name is markup, to test escaping.
 */
const FIXTURE = [
    {
        id: 'laval-centre', nom: 'Espace numérique du centre', commune: 'Laval', code_postal: '53000',
        code_insee: '53130', adresse: '12 rue de la Paix', pivot: '21530130400017', latitude: 48.0705,
        longitude: -0.7705, date_maj: '2024-04-02', telephone: '+33243000000', courriels: 'contact@exemple.org',
        site_web: 'https://exemple.org/', horaires: 'Mo-Fr 09:00-12:00,14:00-17:00',
        services: 'Aide aux démarches administratives|Maîtrise des outils numériques du quotidien',
        frais_a_charge: 'Gratuit', publics_specifiquement_adresses: 'Seniors', modalites_acces: 'Se présenter|Téléphoner',
        modalites_accompagnement: 'Accompagnement individuel', dispositif_programmes_nationaux: 'France Services',
        typologie: 'MUNI', prise_rdv: 'https://rdv.exemple.org/', fiche_acces_libre: 'https://acceslibre.beta.gouv.fr/app/53-laval/',
        presentation_resume: 'Un espace ouvert à tous pour les démarches en ligne.', source: 'Test',
    },
    {
        id: 'change', nom: 'Médiathèque de Changé', commune: 'Changé', code_postal: '53810', code_insee: '53054',
        adresse: '1 place de la Mairie', pivot: '21530054000015', latitude: 48.0996, longitude: -0.7905,
        date_maj: '2024-03-01', horaires: 'Tu,Th 14:00-18:00; Sa 10:00-12:00',
        services: 'Maîtrise des outils numériques du quotidien|Loisirs et créations numériques', frais_a_charge: 'Gratuit',
        typologie: 'BIB', publics_specifiquement_adresses: 'Jeunes|Seniors', source: 'Test',
    },
    {
        id: 'mayenne', nom: 'France Services de Mayenne', commune: 'Mayenne', code_postal: '53100', code_insee: '53147',
        adresse: '10 rue Volney', pivot: '21530147200016', latitude: 48.3031, longitude: -0.6137, date_maj: '2024-01-15',
        services: 'Aide aux démarches administratives', frais_a_charge: 'Gratuit sous condition',
        dispositif_programmes_nationaux: 'France Services', typologie: 'MSAP', source: 'Test',
    },
    {
        id: 'sable', nom: 'Centre social de Sablé', commune: 'Sablé-sur-Sarthe', code_postal: '72300', code_insee: '72264',
        adresse: '2 rue Carnot', pivot: '21720264000011', latitude: 47.8396, longitude: -0.3344, date_maj: '2023-11-20',
        services: 'Aide aux démarches administratives', frais_a_charge: 'Payant', typologie: 'CS', source: 'Test',
    },
    {
        id: 'markup', nom: '<script>alert(1)</script> & Cie', commune: 'Laval', code_postal: '53000', code_insee: '53130',
        adresse: '<b>3</b> rue "du Test"', pivot: '21530130400025', latitude: 48.0650, longitude: -0.7600,
        date_maj: '2024-02-02', services: 'Utilisation sécurisée du numérique', source: 'Test',
        presentation_resume: '<img src=x onerror=alert(2)>', site_web: 'javascript:alert(3)',
    },
];

module.exports = { FIELDS, insertLieux, query, charente, FIXTURE };
