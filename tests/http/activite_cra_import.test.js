'use strict';
/*
 * `relais import activites`: past CRAs from a CSV in La Coop's export layout, on both stores.
 * Labels or values, several values in one cell (line breaks), autonomy as stars, the rows of a
 * workshop folded into its anonymous counts; a report per rejected CRA (line, column, value,
 * rule); dry run, all or nothing, and the default that keeps the valid CRAs. `relais import`
 * still imports lieux, and names the kinds it knows.
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./lib/harness');
const L = require('./lib/lieux');

const HEADER = ['Date', 'Enregistré le', 'Dernière modification le', 'Type', 'Participants', 'Canaux d’accompagnement',
    'Nom du lieu', 'Adresse', 'Commune', 'Code postal', 'Code Insee', 'Durée (min)', 'Nom de l’atelier',
    'Matériel numérique utilisé', 'Thématique(s) d’accompagnement', 'Tags', 'Nom de la démarche administrative',
    'Niveau d’autonomie (ou de l’atelier)', 'Bénéficiaire réorienté', 'Structure de redirection', 'Commune du bénéficiaire',
    'Code postal du bénéficiaire', 'Code Insee du bénéficiaire', 'Genre du bénéficiaire', 'Tranche d’âge du bénéficiaire',
    'Statut du bénéficiaire', 'Notes supplémentaires', 'ID CRA'];

function csvLine(cells) {
    return cells.map((c) => (/[",\n]/.test(String(c)) ? `"${String(c).replace(/"/g, '""')}"` : String(c))).join(',');
}

function row(values) {
    return HEADER.map((h_) => values[h_] ?? '');
}

function future() {
    const d = new Date(Date.now() + 5 * 86400000);
    return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

const base = {
    Date: '14/03/2025', Type: 'Accompagnement individuel', Participants: '1', 'Canaux d’accompagnement': 'À distance',
    Commune: 'Laval', 'Code postal': '53000', 'Code Insee': '53130', 'Durée (min)': '30',
};
const GOOD = [
    // line 2-3: an individual CRA, two thématiques on two lines of one cell.
    row({
        ...base, 'Matériel numérique utilisé': 'Téléphone', 'Thématique(s) d’accompagnement': 'E-mail\nNavigation sur internet',
        Tags: 'Import 2025', 'Niveau d’autonomie (ou de l’atelier)': '2/3', 'Bénéficiaire réorienté': 'Non',
        'Code Insee du bénéficiaire': '53130', 'Genre du bénéficiaire': 'Féminin', 'Tranche d’âge du bénéficiaire': '70 ans et plus',
        'Statut du bénéficiaire': 'Retraité', 'Notes supplémentaires': 'Venue avec sa fille', 'ID CRA': 'cra-1',
    }),
    // lines 4-6: a workshop of three participants.
    ...['Féminin', 'Féminin', 'Masculin'].map((g, i) => row({
        ...base, Type: 'Atelier collectif', Participants: `${i + 1}/3`, 'Canaux d’accompagnement': 'Autre lieu', 'Durée (min)': '120',
        'Nom de l’atelier': 'Arnaques en ligne', 'Thématique(s) d’accompagnement': 'Prévention en sécurité numérique',
        'Niveau d’autonomie (ou de l’atelier)': '1/3', 'Genre du bénéficiaire': g, 'Tranche d’âge du bénéficiaire': '60 - 69 ans',
        'Statut du bénéficiaire': 'Retraité', 'ID CRA': 'cra-2',
    })),
    // line 7: a procedure with its precision (values instead of labels work too).
    row({
        ...base, Type: 'demarche', 'Thématique(s) d’accompagnement': 'aide_aux_demarches_administratives;argent_impots',
        'Nom de la démarche administrative': 'Déclaration de revenus', 'ID CRA': 'cra-3',
    }),
];
const BAD = [
    row({ ...base, 'Thématique(s) d’accompagnement': 'E-mail', 'Durée (min)': '0', 'ID CRA': 'bad-1' }), // line 8
    row({ ...base, 'Thématique(s) d’accompagnement': 'Astrologie', 'ID CRA': 'bad-2' }), // line 9
    row({ ...base, Date: future(), 'Thématique(s) d’accompagnement': 'E-mail', 'ID CRA': 'bad-3' }), // line 10
    row({ ...base, 'Thématique(s) d’accompagnement': 'E-mail', 'Nom de la démarche administrative': 'Carte grise', 'ID CRA': 'bad-4' }), // line 11
];

h.forEachStore('activite import', (ctx) => {
    let f;
    let dir;
    const file = (name, rows, header = HEADER) => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, '\ufeff' + [csvLine(header), ...rows.map(csvLine)].join('\r\n') + '\r\n');
        return p;
    };
    const run = (p, ...extra) => h.cli(['import', 'activites', p, '--database', ctx.db.url, '--structure', String(f.structure),
        '--mediateur', f.users.mediateur.email, ...extra]);
    const count = (sql) => Number(L.query(ctx.db, sql).split('\n').map((l) => l.trim()).find((l) => /^\d+$/.test(l)));
    const cras = () => count(`SELECT COUNT(*) FROM cra WHERE mediateur_id = ${f.users.mediateur.id}`);

    ctx.test('setup', () => {
        f = ctx.fixture;
        dir = h.tempDir('activite-import');
    });

    ctx.test('dry run: every rejected CRA with its line, column, value and rule; nothing stored', () => {
        const r = run(file('mixte.csv', [...GOOD, ...BAD]), '--dry-run');
        assert.equal(r.code, 1, r.stderr + r.stdout);
        assert.match(r.stdout, /ligne 8, colonne « Durée \(min\) », valeur « 0 » : Durée : /);
        assert.match(r.stdout, /ligne 9, colonne « Thématique\(s\) d'accompagnement », valeur « Astrologie » : Thématiques : « Astrologie » n’est pas une valeur connue/);
        assert.match(r.stdout, /ligne 10, colonne « Date », .* futur/);
        assert.match(r.stdout, /ligne 11, colonne « Nom de la démarche administrative », valeur « Carte grise » : .*Aide aux démarches administratives/);
        assert.match(r.stdout, /9 lignes, 7 CRA : 3 valides, 4 refusés \(essai, rien n'est enregistré\)/);
        assert.equal(cras(), 0);
    });

    ctx.test('all or nothing: one rejected CRA and nothing is stored', () => {
        const r = run(file('mixte.csv', [...GOOD, ...BAD]), '--all-or-nothing');
        assert.equal(r.code, 1);
        assert.match(r.stdout, /tout ou rien : 4 CRA refusés, le fichier n'est pas importé/);
        assert.equal(cras(), 0);
    });

    ctx.test('by default the valid CRAs are stored, with La Coop values', () => {
        const r = run(file('mixte.csv', [...GOOD, ...BAD]));
        assert.equal(r.code, 1, r.stderr);
        assert.match(r.stdout, /3 enregistrés, 4 refusés/);
        assert.equal(cras(), 3);
        const me = f.users.mediateur.id;
        assert.equal(count(`SELECT COUNT(*) FROM cra WHERE mediateur_id = ${me} AND origine = 'import' AND date = '2025-03-14'`), 3);
        assert.equal(count(`SELECT COUNT(*) FROM cra c JOIN cra_thematiques t ON t.cra_id = c.id WHERE c.mediateur_id = ${me} AND c.type = 'individuel' AND t.thematique IN ('email', 'navigation_sur_internet')`), 2);
        assert.equal(count(`SELECT COUNT(*) FROM cra WHERE mediateur_id = ${me} AND type = 'individuel' AND autonomie = 'partiellement_autonome' AND oriente = 0`), 1);
        assert.equal(count(`SELECT anon_total FROM cra WHERE mediateur_id = ${me} AND type = 'collectif'`), 3);
        assert.equal(count(`SELECT anon_genre_feminin FROM cra WHERE mediateur_id = ${me} AND type = 'collectif'`), 2);
        assert.equal(count(`SELECT anon_tranche_soixante_soixante_neuf FROM cra WHERE mediateur_id = ${me} AND type = 'collectif'`), 3);
        assert.equal(count(`SELECT COUNT(*) FROM cra WHERE mediateur_id = ${me} AND type = 'collectif' AND niveau_atelier = 'debutant' AND commune_code_insee = '53130'`), 1);
        assert.equal(count(`SELECT COUNT(*) FROM beneficiaires b JOIN accompagnements a ON a.beneficiaire_id = b.id JOIN cra c ON c.id = a.cra_id WHERE c.mediateur_id = ${me} AND b.genre = 'feminin' AND b.tranche_age = 'soixante_dix_plus' AND b.statut_social = 'retraite'`), 1);
        assert.equal(count(`SELECT COUNT(*) FROM cra_history h JOIN cra c ON c.id = h.cra_id WHERE c.mediateur_id = ${me} AND h.action = 'import'`), 3);
        assert.equal(count(`SELECT COUNT(*) FROM cra_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.nom = 'Import 2025' AND t.owner_user_id = ${me}`), 1);
        // A file of valid CRAs only: exit 0.
        const ok = run(file('bon.csv', GOOD.slice(0, 1)));
        assert.equal(ok.code, 0, ok.stdout + ok.stderr);
        assert.equal(cras(), 4);
    });

    ctx.test('unreadable files and wrong options: exit 2, a French message, nothing stored', () => {
        const before = cras();
        const noCols = run(file('colonnes.csv', [['x', 'y']], ['Date', 'Type']));
        assert.equal(noCols.code, 2);
        assert.match(noCols.stderr, /colonnes manquantes : « Canaux d'accompagnement », « Durée \(min\) », « Thématique\(s\) d'accompagnement »/);
        const other = h.cli(['import', 'activites', file('bon.csv', GOOD.slice(0, 1)), '--database', ctx.db.url,
            '--structure', String(f.other), '--mediateur', f.users.mediateur.email]);
        assert.equal(other.code, 2);
        assert.match(other.stderr, /n'est pas médiateur de la structure/);
        const missing = h.cli(['import', 'activites', file('bon.csv', GOOD.slice(0, 1)), '--database', ctx.db.url]);
        assert.equal(missing.code, 2);
        assert.match(missing.stderr, /--structure et --mediateur sont obligatoires/);
        assert.equal(cras(), before);
    });

    ctx.test('`relais import` dispatches on the kind: lieux as before, unknown kinds named', () => {
        const help = h.cli(['import', 'lieux', '--help']);
        assert.equal(help.code, 0);
        assert.match(help.stdout, /relais import lieux FICHIER/);
        const act = h.cli(['import', 'activites', '--help']);
        assert.equal(act.code, 0);
        assert.match(act.stdout, /relais import activites FICHIER --structure ID --mediateur EMAIL/);
        const unknown = h.cli(['import', 'ressources-inconnues', 'x.csv']);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /types possibles : lieux activites/);
    });
}, { server: false });
