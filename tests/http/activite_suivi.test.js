'use strict';
/*
 * The follow-up of beneficiaries and the coordinators' activities, on both stores: a named record
 * only with consent (what was typed comes back, nothing stored without it), the duplicate warning
 * and the merge, the path to autonomy over several CRAs, the export (JSON, CSV with formula cells
 * neutralised) and the erasure on request, `relais maintenance` with a fixed date, who may see a
 * record (another structure's médiateur: 403; coordinators: never a name), and the coordinators'
 * activities (validation in French, create, edit, delete, owner only).
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const L = require('./lib/lieux');

const NAME = 'Éloïse';

async function session(ctx, user) {
    const c = ctx.client();
    await c.loginOk(user);
    return { c, token: await c.csrfToken() };
}

function idFrom(res) {
    const m = /^\/beneficiaires\/(\d+)\?ok=/.exec(res.location || '');
    assert.ok(m, `expected a redirect to a record, got ${res.status} ${res.location}: ${res.text.slice(0, 400)}`);
    return Number(m[1]);
}

function count(db, sql) {
    const out = L.query(db, sql);
    const line = out.split('\n').map((l) => l.trim()).find((l) => /^\d+$/.test(l));
    return Number(line);
}

h.forEachStore('activite suivi', (ctx) => {
    let med, adm, coord, spare, f;
    let a, b;

    ctx.test('setup: sessions', async () => {
        f = ctx.fixture;
        med = await session(ctx, f.users.mediateur);
        adm = await session(ctx, f.users.admin_structure);
        coord = await session(ctx, f.users.coordinateur);
        spare = await session(ctx, f.spare);
    });

    const person = {
        prenom: NAME, nom: 'Le Gall', annee_naissance: '1950', genre: 'feminin', statut_social: 'retraite',
        commune: '53000', telephone: '06 12 34 56 78', email: 'eloise@example.org', notes: '=1+1 aime les jeux',
    };

    ctx.test('a named record needs the consent; what was typed comes back', async () => {
        const form = await med.c.get('/beneficiaires/nouveau');
        assert.equal(form.status, 200);
        assert.match(form.text, /effacées après 24 mois sans accompagnement/);
        assert.match(form.text, /name="consentement"/);
        const res = await med.c.post('/beneficiaires', { _csrf: med.token, ...person });
        assert.equal(res.status, 400);
        assert.match(res.text, /<title>Erreur\s:\s/);
        assert.match(res.text, /Consentement : cochez la case/);
        assert.match(res.text, /value="Le Gall"/);
        assert.match(res.text, /value="06 12 34 56 78"/);
        assert.equal(count(ctx.db, 'SELECT count(*) FROM beneficiaires;'), 0);
        const bad = await med.c.post('/beneficiaires', { _csrf: med.token, ...person, annee_naissance: '1750', consentement: '1' });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Année de naissance : une année sur 4 chiffres/);
        assert.equal(count(ctx.db, 'SELECT count(*) FROM beneficiaires;'), 0);
    });

    ctx.test('creation with consent, then the record', async () => {
        const res = await med.c.post('/beneficiaires', { _csrf: med.token, ...person, consentement: '1' });
        assert.equal(res.status, 303);
        a = idFrom(res);
        const page = await med.c.get(`/beneficiaires/${a}?ok=cree`);
        assert.equal(page.status, 200);
        assert.match(page.text, /<h1[^>]*>Éloïse Le Gall<\/h1>/);
        assert.match(page.text, /recueilli le \d+ [a-zéû]+ \d{4}/);
        assert.match(page.text, /Laval/);
        assert.match(page.text, /70 ans et plus/);
        assert.match(page.text, /Fiche créée avec le consentement/);
        assert.match(page.text, new RegExp(`href="/activites/nouvelle\\?beneficiaire=${a}">Enregistrer un accompagnement pour cette personne`));
        const prefilled = await med.c.get(`/activites/nouvelle?beneficiaire=${a}`);
        assert.match(prefilled.text, new RegExp(`<option value="${a}" selected>`));
        assert.equal(count(ctx.db, `SELECT count(*) FROM beneficiaires WHERE id = ${a} AND consent_by = ${f.users.mediateur.id};`), 1);
    });

    ctx.test('a similar person is announced; creating anyway takes a confirmation', async () => {
        const twin = { _csrf: med.token, prenom: 'ELOISE', nom: 'Le Gal', annee_naissance: '1950', consentement: '1' };
        const res = await med.c.post('/beneficiaires', twin);
        assert.equal(res.status, 409);
        assert.match(res.text, /Une personne semblable existe déjà/);
        assert.match(res.text, new RegExp(`href="/beneficiaires/${a}"`));
        assert.equal(count(ctx.db, 'SELECT count(*) FROM beneficiaires;'), 1);
        const again = await med.c.post('/beneficiaires', { ...twin, doublon_confirme: '1' });
        assert.equal(again.status, 303);
        b = idFrom(again);
        // Another birth year is another person: no warning.
        const other = await med.c.post('/beneficiaires', { ...twin, annee_naissance: '1990' });
        assert.equal(other.status, 303);
    });

    ctx.test('the list searches folded names, by page', async () => {
        const res = await med.c.get('/beneficiaires?q=eloise');
        assert.equal(res.status, 200);
        assert.match(res.text, /3 personnes suivies/);
        const none = await med.c.get('/beneficiaires?q=zzz');
        assert.match(none.text, /Aucune personne suivie ne porte ce nom/);
        const bad = await med.c.get('/beneficiaires?page=0');
        assert.equal(bad.status, 400);
    });

    ctx.test('who sees a record: its structure yes, another structure 403, coordinators never', async () => {
        const seen = await adm.c.get(`/beneficiaires/${a}`);
        assert.equal(seen.status, 200);
        assert.doesNotMatch(seen.text, /Enregistrer un accompagnement/); // the CRA form is the owner's
        for (const p of ['', '/parcours', '/donnees.json', '/donnees.csv', '/modifier', '/effacer', '/fusionner']) {
            const res = await spare.c.get(`/beneficiaires/${a}${p}`);
            assert.equal(res.status, 403, `another structure's médiateur on ${p}`);
            assert.doesNotMatch(res.text, /Le Gall/);
            const c = await coord.c.get(`/beneficiaires/${a}${p}`);
            assert.equal(c.status, 403, `coordinateur on ${p}`);
            assert.doesNotMatch(c.text, /Le Gall/);
        }
        const list = await spare.c.get('/beneficiaires?q=eloise');
        assert.match(list.text, /Aucune personne suivie/);
        const post = await spare.c.post(`/beneficiaires/${a}/effacer`, { _csrf: spare.token });
        assert.equal(post.status, 403);
        assert.equal((await coord.c.get('/beneficiaires')).status, 403);
        assert.equal((await med.c.get('/beneficiaires/999999')).status, 404);
        assert.equal((await med.c.get('/beneficiaires/abc')).status, 404);
    });

    async function cra(id, date, autonomie, thematiques) {
        const res = await med.c.request('POST', '/api/v1/activites', {
            headers: { 'x-csrf-token': med.token },
            json: { type: 'individuel', date, duree: '45', type_lieu: 'domicile', commune: '53000', thematiques, autonomie, beneficiaire_id: String(id) },
        });
        assert.ok(res.status === 201 || res.status === 200, `CRA: ${res.status} ${res.text.slice(0, 300)}`);
    }

    ctx.test('the path to autonomy over several visits', async () => {
        await cra(a, '2026-01-06', 'entierement_accompagne', ['email']);
        await cra(a, '2026-02-03', 'partiellement_autonome', ['email', 'navigation_sur_internet']);
        await cra(a, '2026-03-03', 'autonome', ['sante']);
        await cra(b, '2025-12-01', 'entierement_accompagne', ['prendre_en_main_du_materiel']);
        const res = await med.c.get(`/beneficiaires/${a}/parcours`);
        assert.equal(res.status, 200);
        assert.match(res.text, /Parcours vers l&#39;autonomie de Éloïse Le Gall|Parcours vers l'autonomie de Éloïse Le Gall/);
        assert.match(res.text, /Premier niveau relevé : Avec guidage\. Dernier niveau : Autonome\. En progrès de 2 niveaux, sur 3 accompagnements/);
        const steps = [...res.text.matchAll(/<h3>([^<]*)<\/h3>/g)].map((m) => h.decodeEntities(m[1]));
        assert.deepEqual(steps, ['6 janvier 2026 : Accompagnement individuel', '3 février 2026 : Accompagnement individuel',
            '3 mars 2026 : Accompagnement individuel']);
        assert.match(res.text, /Thématiques : E-mail, Navigation sur internet/);
        assert.match(res.text, /\(en progrès\)/);
    });

    ctx.test('merging the duplicate moves its accompaniments and keeps the earliest consent', async () => {
        const form = await med.c.get(`/beneficiaires/${a}/fusionner`);
        assert.equal(form.status, 200);
        assert.match(form.text, new RegExp(`value="${b}"`));
        const self = await med.c.post(`/beneficiaires/${a}/fusionner`, { _csrf: med.token, doublon: String(a) });
        assert.equal(self.status, 400);
        assert.match(self.text, /ne se fusionne pas avec elle-même/);
        const res = await med.c.post(`/beneficiaires/${a}/fusionner`, { _csrf: med.token, doublon: String(b) });
        assert.equal(res.status, 303);
        const page = await med.c.get(`/beneficiaires/${a}`);
        assert.match(page.text, /Doublon fusionné dans cette fiche/);
        const parcours = await med.c.get(`/beneficiaires/${a}/parcours`);
        assert.match(parcours.text, /sur 4 accompagnements/);
        const gone = await med.c.get(`/beneficiaires/${b}`);
        assert.match(gone.text, /Cette fiche était un doublon/);
        assert.equal(count(ctx.db, `SELECT count(*) FROM beneficiaires WHERE id = ${b} AND fusion_vers_id = ${a} AND nom IS NULL;`), 1);
        assert.equal((await med.c.get(`/beneficiaires/${b}/modifier`)).status, 404);
    });

    ctx.test('edit keeps what was typed on error, then saves and traces', async () => {
        const form = await med.c.get(`/beneficiaires/${a}/modifier`);
        assert.equal(form.status, 200);
        assert.match(form.text, /value="eloise@example\.org"/);
        assert.doesNotMatch(form.text, /name="consentement"/); // the consent was given at creation
        const bad = await med.c.post(`/beneficiaires/${a}/modifier`, { _csrf: med.token, prenom: NAME, nom: 'Le Gall', email: 'pas-une-adresse' });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /E-mail : une adresse comme nom@exemple\.fr/);
        assert.match(bad.text, /value="pas-une-adresse"/);
        const ok = await med.c.post(`/beneficiaires/${a}/modifier`, { _csrf: med.token, ...person, telephone: '07 00 00 00 01' });
        assert.equal(ok.status, 303);
        const page = await med.c.get(`/beneficiaires/${a}`);
        assert.match(page.text, /07 00 00 00 01/);
        assert.match(page.text, /Fiche modifiée/);
    });

    ctx.test("the person's data: JSON and CSV, traced", async () => {
        const res = await med.c.get(`/beneficiaires/${a}/donnees.json`);
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-disposition'), /attachment; filename="beneficiaire-\d+\.json"/);
        const j = res.json();
        assert.equal(j.prenom, NAME);
        assert.equal(j.accompagnements.length, 4);
        assert.deepEqual(j.accompagnements.map((x) => x.autonomie), ['entierement_accompagne', 'entierement_accompagne',
            'partiellement_autonome', 'autonome']);
        assert.ok(j.consentement.includes('24 mois'));
        const csv = await med.c.get(`/beneficiaires/${a}/donnees.csv`);
        assert.equal(csv.status, 200);
        assert.match(csv.headers.get('content-type'), /^text\/csv/);
        assert.ok(csv.bytes.subarray(0, 3).equals(Buffer.from([0xef, 0xbb, 0xbf])), 'UTF-8 BOM');
        assert.match(csv.text, /^fiche;notes;'=1\+1 aime les jeux\r$/m);
        assert.match(csv.text, /^accompagnements 4;autonomie;autonome\r$/m);
        assert.equal(count(ctx.db, `SELECT count(*) FROM beneficiaires_history WHERE beneficiaire_id = ${a} AND action = 'export';`), 2);
    });

    ctx.test('erasure on request keeps the anonymous accompaniments', async () => {
        const form = await med.c.get(`/beneficiaires/${a}/effacer`);
        assert.equal(form.status, 200);
        assert.match(form.text, /Effacer définitivement/);
        const res = await med.c.post(`/beneficiaires/${a}/effacer`, { _csrf: med.token });
        assert.equal(res.status, 303);
        const page = await med.c.get(`/beneficiaires/${a}?ok=efface`);
        assert.equal(page.status, 200);
        assert.doesNotMatch(page.text, /Le Gall|eloise@example|07 00/);
        assert.match(page.text, /Données effacées à la demande de la personne/);
        assert.equal(count(ctx.db, `SELECT count(*) FROM accompagnements WHERE beneficiaire_id = ${a};`), 4);
        assert.equal(count(ctx.db, `SELECT count(*) FROM beneficiaires WHERE id = ${a} AND anonyme = 1 AND prenom IS NULL AND email IS NULL AND tranche_age = 'soixante_dix_plus';`), 1);
        assert.equal((await med.c.get(`/beneficiaires/${a}/donnees.json`)).status, 404);
        const parcours = await med.c.get(`/beneficiaires/${a}/parcours`);
        assert.match(parcours.text, /personne anonyme n° \d+/);
    });

    ctx.test('relais maintenance anonymises inactive records, with a fixed date, idempotent', () => {
        // One named record is left (born 1990, created now, no CRA).
        const before = count(ctx.db, 'SELECT count(*) FROM beneficiaires WHERE anonyme = 0;');
        assert.equal(before, 1);
        const soon = h.cliOk(['maintenance', '--database', ctx.db.url, '--date', '2027-01-01']);
        assert.match(soon, /^beneficiaires : 0 fiche nominative anonymisée après 24 mois sans accompagnement$/m);
        const later = h.cliOk(['maintenance', '--database', ctx.db.url, '--only', 'beneficiaires', '--date', '2031-01-01']);
        assert.match(later, /^beneficiaires : 1 fiche nominative anonymisée après 24 mois/m);
        const again = h.cliOk(['maintenance', '--database', ctx.db.url, '--date', '2031-01-01']);
        assert.match(again, /^beneficiaires : 0 fiche/m);
        assert.equal(count(ctx.db, 'SELECT count(*) FROM beneficiaires WHERE anonyme = 0;'), 0);
        assert.equal(count(ctx.db, "SELECT count(*) FROM beneficiaires_history WHERE action = 'anonymisation';"), 1);
        const unknown = h.cli(['maintenance', '--database', ctx.db.url, '--only', 'liens-morts-inconnus']);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /étape inconnue/);
        const badMonths = h.cli(['maintenance', '--database', ctx.db.url, '--mois', '0']);
        assert.equal(badMonths.code, 1);
        assert.match(badMonths.stdout, /beneficiaires : échec : période d'inactivité « 0 »/);
        const env = h.cli(['maintenance', '--database', ctx.db.url], { env: { RELAIS_ANONYMISE_MONTHS: '6' } });
        assert.equal(env.code, 0);
        assert.match(env.stdout, /après 6 mois/);
    });

    ctx.test('coordinators record their activities; validation is French and keeps the values', async () => {
        const list = await coord.c.get('/coordination/activites');
        assert.equal(list.status, 200);
        assert.match(list.text, /Animation du réseau/);
        assert.doesNotMatch(list.text, /Le Gall|Éloïse/);
        const choose = await coord.c.get('/coordination/activites/nouvelle');
        assert.match(choose.text, /name="type"/);
        const form = await coord.c.get('/coordination/activites/nouvelle?type=animation');
        assert.match(form.text, /name="thematiques_animation"/);
        const body = {
            _csrf: coord.token, type: 'animation', departement: '53', date: '2026-02-10', duree: '90',
            type_animation: 'comite', initiative: 'initiative', thematiques_animation: 'reseau', mediateurs: '0',
            autres_acteurs: '', notes: 'Comité de pilotage',
        };
        const bad = await coord.c.post('/coordination/activites', { ...body, date: '2999-01-01' });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Date : l&#39;activité ne peut pas être dans le futur|Date : l'activité ne peut pas être dans le futur/);
        assert.match(bad.text, /Participants : indiquez au moins un médiateur/);
        assert.match(bad.text, /Comité de pilotage/);
        const other = await coord.c.post('/coordination/activites', { ...body, mediateurs: '8', departement: '72' });
        assert.equal(other.status, 400);
        assert.match(other.text, /Département : choisissez l&#39;un des départements|Département : choisissez l'un des départements/);
        assert.equal(count(ctx.db, 'SELECT count(*) FROM activites_coordination;'), 0);
        const ok = await coord.c.post('/coordination/activites', { ...body, mediateurs: '8', structures: '5' });
        assert.equal(ok.status, 303);
        assert.equal(ok.location, '/coordination/activites?ok=cree');
        const after = await coord.c.get('/coordination/activites?ok=cree');
        assert.match(after.text, /10 février 2026/);
        assert.match(after.text, /Comité/);
        const ev = await coord.c.post('/coordination/activites', {
            _csrf: coord.token, type: 'evenement', departement: '53', date: '2026-02-11', duree: '240',
            nom: 'Numérique en Commun[s] Mayenne', type_evenement: 'nec_local', organisateurs: 'hub',
            echelon_territorial: 'departemental', participants: '120',
        });
        assert.equal(ev.status, 303);
        const sum = await coord.c.get('/coordination/activites');
        assert.match(sum.text, /Activités \(2\)/);
        assert.match(sum.text, /128/); // participants: 8 + 120
    });

    ctx.test('only the coordinator who recorded an activity changes it', async () => {
        const id = count(ctx.db, "SELECT id FROM activites_coordination WHERE type = 'animation';");
        const second = h.createUser(ctx.db, { role: 'coordinateur', departement: '53' });
        const other = await session(ctx, second);
        assert.equal((await other.c.get(`/coordination/activites/${id}/modifier`)).status, 403);
        assert.equal((await other.c.post(`/coordination/activites/${id}/supprimer`, { _csrf: other.token })).status, 403);
        assert.equal((await med.c.get(`/coordination/activites/${id}/modifier`)).status, 403);
        const form = await coord.c.get(`/coordination/activites/${id}/modifier`);
        assert.equal(form.status, 200);
        assert.match(form.text, /value="90"/);
        const edit = await coord.c.post(`/coordination/activites/${id}/modifier`, {
            _csrf: coord.token, departement: '53', date: '2026-02-10', duree: '120', type_animation: 'autre',
            type_animation_autre: '', initiative: 'demande', thematiques_animation: 'reseau', mediateurs: '9',
        });
        assert.equal(edit.status, 400);
        assert.match(edit.text, /Type d&#39;animation : précisez|Type d'animation : précisez/);
        const ok = await coord.c.post(`/coordination/activites/${id}/modifier`, {
            _csrf: coord.token, departement: '53', date: '2026-02-10', duree: '120', type_animation: 'webinaire',
            initiative: 'demande', thematiques_animation: 'reseau', mediateurs: '9',
        });
        assert.equal(ok.status, 303);
        assert.equal(count(ctx.db, `SELECT duree FROM activites_coordination WHERE id = ${id};`), 120);
        const confirm = await coord.c.get(`/coordination/activites/${id}/supprimer`);
        assert.match(confirm.text, /Supprimer cette activité/);
        const del = await coord.c.post(`/coordination/activites/${id}/supprimer`, { _csrf: coord.token });
        assert.equal(del.status, 303);
        assert.equal(count(ctx.db, `SELECT count(*) FROM activites_coordination WHERE id = ${id};`), 0);
        assert.equal((await coord.c.get(`/coordination/activites/${id}/modifier`)).status, 404);
    });
});
