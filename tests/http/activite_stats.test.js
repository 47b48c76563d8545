'use strict';
/*
 * The statistics, on both stores: the dashboards of a médiateur, a structure, a département and
 * the platform agree with the CRAs recorded through the form; the filters (the counters and the
 * raw engine), a bad filter (400, French message, the typed value kept); a coordinator of another
 * département is refused; the print view; the exports (XLSX is a zip with the expected sheets,
 * CSV with a BOM, ';' and formula injection neutralised); GET /api/v1/statistiques; a share link
 * shows the dashboard to anyone with small counts masked, and answers 410 once revoked.
 */
const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./lib/harness');
const L = require('./lib/lieux');

function parisDay(offsetDays = 0) {
    const d = new Date(Date.now() + offsetDays * 86400000);
    return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Paris' }).format(d);
}

function scalar(db, sql) {
    const out = L.query(db, sql);
    const line = out.split('\n').map((l) => l.trim()).find((l) => /^-?\d+$/.test(l));
    if (line === undefined) throw new Error(`no number in ${JSON.stringify(out)} for ${sql}`);
    return Number(line);
}

/* The value of a row of the key figures table. */
function figure(html, label) {
    const re = new RegExp(`<t[hd][^>]*>${label}</t[hd]>\\s*<td[^>]*>([^<]*)</td>`);
    const m = html.match(re);
    return m ? h.decodeEntities(m[1]).trim() : null;
}

h.forEachStore('activite stats', (ctx) => {
    let f;
    let lieu;
    const sessions = {};

    async function postCra(c, fields) {
        const page = await c.get('/activites/nouvelle');
        assert.equal(page.status, 200);
        const token = h.csrf(page.text, '/activites/nouvelle') || h.csrf(page.text);
        const body = new URLSearchParams();
        body.append('_csrf', token);
        for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) body.append(k, x);
        const res = await c.request('POST', '/activites/nouvelle', {
            body: body.toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
        assert.equal(res.status, 303, res.text.slice(0, 600));
        return Number(res.location.match(/id=(\d+)/)[1]);
    }

    ctx.test('setup: a lieu, sessions, three CRAs of the médiateur', async () => {
        f = ctx.fixture;
        lieu = L.insertLieux(ctx.db, L.FIXTURE.slice(0, 1), { structure: f.structure })[0];
        for (const role of ['anonymous', 'mediateur', 'admin_structure', 'coordinateur', 'admin']) sessions[role] = await ctx.asRole(role);
        await postCra(sessions.mediateur, {
            type: 'individuel', date: parisDay(-1), duree: '30', type_lieu: 'lieu_activite', lieu_id: String(lieu),
            thematiques: ['email', 'navigation_sur_internet'], materiel: 'telephone', autonomie: 'partiellement_autonome',
            nouveau_genre: 'feminin', nouveau_tranche_age: 'soixante_dix_plus', notes: '=HYPERLINK("http://exemple.invalid")',
        });
        await postCra(sessions.mediateur, {
            type: 'collectif', date: parisDay(-2), duree: '120', type_lieu: 'lieu_activite', lieu_id: String(lieu),
            thematiques: 'securite_numerique', titre_atelier: '+Arnaques en ligne', niveau_atelier: 'debutant',
            anon_total: '8', anon_deja_accompagne: '2', anon_genre_feminin: '5', anon_genre_masculin: '3',
        });
        await postCra(sessions.mediateur, {
            type: 'demarche', date: parisDay(0), duree: '45', type_lieu: 'a_distance',
            thematiques: ['argent_impots'], precisions_demarche: 'Déclaration de revenus', autonomie: 'entierement_accompagne',
        });
    });

    ctx.test("the médiateur's dashboard counts the CRAs, with charts and tables", async () => {
        const res = await sessions.mediateur.get('/statistiques');
        assert.equal(res.status, 200, res.text.slice(0, 500));
        assert.match(res.text, /<h1[^>]*>Mes statistiques<\/h1>/);
        assert.equal(figure(res.text, 'Activités'), '3');
        // 1 + 8 + 1 people accompanied; 195 minutes rounded to 3 hours.
        assert.equal(figure(res.text, 'Accompagnements'), '10');
        assert.equal(figure(res.text, 'Heures d’accompagnement'), '3');
        assert.equal(figure(res.text, 'Participants aux ateliers'), '8');
        // Two anonymous people of the individual kinds and 8 workshop participants.
        assert.equal(figure(res.text, 'Bénéficiaires'), '10');
        assert.equal(figure(res.text, 'dont anonymes'), '10');
        assert.equal(figure(res.text, 'dont nouveaux'), '8'); // 2 + (8 - 2 already accompanied)
        assert.match(res.text, /<svg class="relais-chart" role="img"[^>]*aria-labelledby="serie-mois-titre serie-mois-desc"/);
        assert.match(res.text, /<caption[^>]*>Canaux des accompagnements<\/caption>/);
        assert.match(res.text, /Thématiques des accompagnements de démarches administratives/);
        assert.match(res.text, /Argent - Impôts/);
        const n = scalar(ctx.db, `SELECT COUNT(*) FROM cra WHERE mediateur_id = ${f.users.mediateur.id} AND deleted_at IS NULL`);
        assert.equal(n, 3);
    });

    ctx.test('structure, département and platform dashboards; other roles are sent to theirs', async () => {
        const s = await sessions.admin_structure.get(`/structures/${f.structure}/statistiques`);
        assert.equal(s.status, 200);
        assert.equal(figure(s.text, 'Activités'), '3');
        const d = await sessions.coordinateur.get('/departements/53/statistiques');
        assert.equal(d.status, 200);
        assert.equal(figure(d.text, 'Activités'), '3');
        const p = await sessions.admin.get('/admin/statistiques');
        assert.equal(p.status, 200);
        assert.equal(figure(p.text, 'Activités'), '3');
        const r = await sessions.coordinateur.get('/statistiques');
        assert.equal(r.status, 303);
        assert.equal(r.location, '/departements/53/statistiques');
        const other = await sessions.admin_structure.get(`/structures/${f.other}/statistiques`);
        assert.equal(other.status, 403);
    });

    ctx.test('a coordinator of another département is refused', async () => {
        const u = h.createUser(ctx.db, { role: 'coordinateur', departement: '72' });
        const c = ctx.client();
        await c.loginOk(u);
        const res = await c.get('/departements/53/statistiques');
        assert.equal(res.status, 403);
        const api = await c.get('/api/v1/statistiques?departement=53');
        assert.equal(api.status, 403);
        const own = await c.get('/departements/72/statistiques');
        assert.equal(own.status, 200);
        assert.equal(figure(own.text, 'Activités'), '0');
    });

    ctx.test('filters: by type and thématique (raw engine), a médiateur, a bad date kept', async () => {
        const c = sessions.coordinateur;
        const col = await c.get('/departements/53/statistiques?type=collectif');
        assert.equal(col.status, 200);
        assert.equal(figure(col.text, 'Activités'), '1');
        assert.match(col.text, /Calcul détaillé/);
        assert.match(col.text, /<option value="collectif" selected>/);
        const them = await c.get('/departements/53/statistiques?thematique=email');
        assert.equal(figure(them.text, 'Activités'), '1');
        const med = await c.get(`/departements/53/statistiques?mediateur=${f.users.mediateur.id}`);
        assert.equal(figure(med.text, 'Activités'), '3');
        const spare = await c.get(`/departements/53/statistiques?mediateur=${f.spare.id}`);
        assert.equal(figure(spare.text, 'Activités'), '0');
        const lieuRes = await c.get(`/departements/53/statistiques?lieu=${lieu}`);
        assert.equal(figure(lieuRes.text, 'Activités'), '2');
        const bad = await c.get('/departements/53/statistiques?du=2026-02-30&type=individuel');
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Du : une date réelle au format AAAA-MM-JJ\./);
        assert.match(bad.text, /value="2026-02-30"/);
        const stranger = await c.get('/departements/53/statistiques?mediateur=999999');
        assert.equal(stranger.status, 400);
        assert.match(stranger.text, /Médiateur : un des médiateurs de la liste\./);
    });

    ctx.test('the print view has no form', async () => {
        const res = await sessions.coordinateur.get('/departements/53/statistiques?impression=1');
        assert.equal(res.status, 200);
        assert.match(res.text, /Version à imprimer/);
        assert.doesNotMatch(res.text, /<h2[^>]*>Filtres<\/h2>/);
        assert.doesNotMatch(res.text, /Créer un lien de partage/);
        assert.equal(figure(res.text, 'Activités'), '3');
    });

    ctx.test('XLSX export: a zip with the sheets; CSV exports neutralise formulas', async () => {
        const c = sessions.coordinateur;
        const x = await c.get('/departements/53/statistiques?format=xlsx');
        assert.equal(x.status, 200);
        assert.equal(x.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        assert.match(x.headers.get('content-disposition'), /filename="relais_statistiques_\d{4}-\d{2}-\d{2}\.xlsx"/);
        assert.equal(x.bytes.subarray(0, 2).toString(), 'PK');
        const dir = h.tempDir('stats-xlsx');
        const file = path.join(dir, 'stats.xlsx');
        fs.writeFileSync(file, x.bytes);
        const workbook = execFileSync('unzip', ['-p', file, 'xl/workbook.xml']).toString();
        for (const name of ['Chiffres clés', 'Par mois', 'Par jour', 'Répartitions']) assert.ok(workbook.includes(`name="${name}"`), name);
        // Rows are streamed (constant memory): strings are inline in the sheets.
        const sheets = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet4.xml']).toString();
        assert.ok(sheets.includes('Canaux des accompagnements'));

        const list = await c.get('/departements/53/statistiques?format=xlsx&liste=activites');
        assert.equal(list.status, 200);
        fs.writeFileSync(file, list.bytes);
        const sheet = execFileSync('unzip', ['-p', file, 'xl/worksheets/sheet1.xml']).toString();
        // A text that starts with '=' is a string cell, never a formula.
        assert.doesNotMatch(sheet, /<f>/);
        assert.ok(execFileSync('unzip', ['-p', file, 'xl/workbook.xml']).toString().includes('name="Accompagnements"'));

        const csv = await c.get('/departements/53/statistiques?format=csv&liste=activites');
        assert.equal(csv.status, 200);
        assert.match(csv.headers.get('content-type'), /^text\/csv/);
        assert.equal(csv.bytes.subarray(0, 3).toString('hex'), 'efbbbf');
        const lines = csv.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
        assert.equal(lines[1], 'ID CRA;Date;Type;Médiateur;Conseiller Numérique;Nom du lieu;Adresse;Code postal;Commune;Code Insee;Canaux d’accompagnement;Durée (min);Thématique(s) d’accompagnement;Nom de la démarche administrative;Matériel numérique utilisé;Niveau d’autonomie (ou de l’atelier);Nom de l’atelier;Participants;Tags;Genre du bénéficiaire;Tranche d’âge du bénéficiaire;Statut du bénéficiaire;Commune du bénéficiaire;Code postal du bénéficiaire;Code Insee du bénéficiaire;Bénéficiaire réorienté;Structure de redirection;Notes supplémentaires;Source de la donnée;Enregistré le;Dernière modification le');
        assert.equal(lines.length, 2 + 3);
        assert.ok(csv.text.includes('"\'=HYPERLINK(""http://exemple.invalid"")"'), 'the formula is prefixed and quoted');
        assert.ok(csv.text.includes(";'+Arnaques en ligne;"), 'a leading + is prefixed');
        const stats = await c.get('/departements/53/statistiques?format=csv');
        assert.match(stats.text, /^\uFEFF?Chiffres clés\r\n/);
        assert.match(stats.text, /\r\nActivités;3\r\n/);
        const bad = await c.get('/departements/53/statistiques?format=pdf');
        assert.equal(bad.status, 400);
    });

    ctx.test('GET /api/v1/statistiques: the figures as JSON, the same filters', async () => {
        const res = await sessions.coordinateur.get('/api/v1/statistiques?departement=53');
        assert.equal(res.status, 200);
        const j = res.json();
        assert.equal(j.perimetre.portee, 'departement');
        assert.equal(j.chiffres_cles.activites, 3);
        assert.equal(j.chiffres_cles.accompagnements, 10);
        assert.equal(j.calcul, 'compteurs');
        assert.equal(j.par_mois.length, 12);
        const canal = Object.fromEntries(j.repartitions.canal.map((v) => [v.valeur, v.activites]));
        assert.deepEqual(canal, { a_distance: 1, lieu_activite: 2 });
        const dem = j.repartitions.thematiques_demarches.map((v) => v.valeur);
        assert.deepEqual(dem, ['argent_impots']);
        const filtered = (await sessions.coordinateur.get('/api/v1/statistiques?departement=53&type=demarche')).json();
        assert.equal(filtered.chiffres_cles.activites, 1);
        assert.equal(filtered.calcul, 'activites');
        const mine = (await sessions.mediateur.get('/api/v1/statistiques')).json();
        assert.equal(mine.perimetre.portee, 'mediateur');
        assert.equal(mine.chiffres_cles.activites, 3);
        const bad = await sessions.coordinateur.get('/api/v1/statistiques?departement=53&au=demain');
        assert.equal(bad.status, 400);
        assert.equal(bad.json().error.field, 'au');
        const anon = await sessions.anonymous.get('/api/v1/statistiques');
        assert.equal(anon.status, 401);
    });

    ctx.test('a share link shows the dashboard masked to anyone, and 410 once revoked', async () => {
        const c = sessions.coordinateur;
        const page = await c.get('/departements/53/statistiques?type=collectif');
        const form = h.forms(page.text).find((x) => x.action === '/statistiques/partages');
        assert.ok(form, 'the share form');
        assert.equal(form.fields.portee, 'departement');
        const res = await c.post('/statistiques/partages', { ...form.fields, libelle: 'Ateliers du 53' });
        assert.equal(res.status, 201, res.text.slice(0, 400));
        const link = res.text.match(/href="(\/statistiques\/partage\/[^"]+)"/)[1];
        const pub = await sessions.anonymous.get(link);
        assert.equal(pub.status, 200);
        assert.match(pub.text, /<h1[^>]*>Ateliers du 53<\/h1>/);
        // One workshop: a count under 5, masked.
        assert.equal(figure(pub.text, 'Activités'), 'moins de 5');
        assert.equal(figure(pub.text, 'Participants aux ateliers'), '8');
        assert.doesNotMatch(pub.text, /name="mediateur"/);
        const list = await c.get('/statistiques/partages');
        assert.match(list.text, /Ateliers du 53/);
        const revoke = h.forms(list.text).find((x) => /\/revoquer$/.test(x.action));
        // Another user cannot revoke it.
        const other = await sessions.admin_structure.post(revoke.action, { _csrf: await sessions.admin_structure.csrfToken('/statistiques/partages') });
        assert.equal(other.status, 404);
        assert.equal((await sessions.anonymous.get(link)).status, 200);
        const done = await c.post(revoke.action, revoke.fields);
        assert.equal(done.status, 303);
        const gone = await sessions.anonymous.get(link);
        assert.equal(gone.status, 410);
        assert.match(gone.text, /révoqué/);
        assert.equal((await sessions.anonymous.get('/statistiques/partage/jeton-invente-0123456789abcdef')).status, 404);
        // A médiateur cannot share a département's dashboard.
        const refused = await sessions.mediateur.post('/statistiques/partages', {
            _csrf: await sessions.mediateur.csrfToken('/statistiques'), portee: 'departement', portee_id: '53', filtres: '', libelle: 'x',
        });
        assert.equal(refused.status, 403);
    });
});
