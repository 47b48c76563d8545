'use strict';
/*
 * The lieux pages and their API, on both stores: search by commune (nearest first, radius), each
 * filter and its facet counts, « commune inconnue », a lieu's page (escaping of its data), the
 * fiche d'orientation, the département page, editing (validation keeps what was typed, a save
 * writes the history and reaches the search), publication and verification, who may edit, and odd
 * parameters that must give a French 4xx, never a crash.
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const L = require('./lib/lieux');

const AIDE = 'Aide aux démarches administratives';
const MAITRISE = 'Maîtrise des outils numériques du quotidien';

function q(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) for (const x of [].concat(v)) u.append(k, x);
    return u.toString();
}

/* The names of the results of a search page, in order. */
function resultNames(html) {
    return [...html.matchAll(/<h3 class="govuk-heading-s relais-lieu__nom"><a class="govuk-link" href="\/lieux\/\d+">([^<]*)<\/a>/g)]
        .map((m) => h.decodeEntities(m[1]));
}

h.forEachStore('lieux pages', (ctx) => {
    const ids = {}; // FIXTURE id -> database id
    let f;

    ctx.test('setup: lieux around Laval, then the server', async () => {
        f = ctx.fixture;
        const mine = L.FIXTURE.filter((r) => r.id !== 'markup');
        const got = L.insertLieux(ctx.db, mine, { structure: f.structure });
        mine.forEach((r, i) => (ids[r.id] = got[i]));
        ids.markup = L.insertLieux(ctx.db, L.FIXTURE.filter((r) => r.id === 'markup'), { structure: f.other })[0];
        ctx.server = await ctx.startServer({ db: ctx.db });
    });

    ctx.test('search by commune: nearest first, within the radius', async () => {
        const c = ctx.client();
        const res = await c.get(`/lieux?${q({ commune: 'Laval' })}`);
        assert.equal(res.status, 200);
        assert.deepEqual(resultNames(res.text), ['<script>alert(1)</script> & Cie', 'Espace numérique du centre',
            'Médiathèque de Changé', 'France Services de Mayenne']);
        assert.match(res.text, /role="status" aria-live="polite">4 lieux à moins de 30 km de Laval \(53000\)/);
        assert.match(res.text, /À 1,1 km, environ \d+ min en voiture/);
        assert.match(res.text, /href="#estimation">\(estimation\)/);
        const near = await c.get(`/lieux?${q({ commune: 'Laval', rayon: 10 })}`);
        assert.equal(resultNames(near.text).length, 3);
        const wide = await c.get(`/lieux?${q({ commune: 'Laval', rayon: 100 })}`);
        assert.equal(resultNames(wide.text).at(-1), 'Centre social de Sablé');
        // A postcode finds its commune too.
        const cp = await c.get('/lieux?commune=53000');
        assert.equal(resultNames(cp.text).length, 4);
        const api = (await c.get(`/api/v1/lieux?${q({ commune: 'Laval', rayon: 100 })}`)).json();
        assert.equal(api.total, 5);
        const d = api.data.map((x) => x.distance_km);
        assert.deepEqual([...d].sort((a, b) => a - b), d, 'distances increase');
        assert.equal(typeof api.data[0].duree_estimee_min, 'number');
        assert.equal(typeof api.data[0].latitude, 'number');
    });

    ctx.test('the map takes its tile server and its credit line from the settings', async () => {
        const plain = await ctx.client().get(`/lieux?${q({ commune: 'Laval' })}`);
        const dflt = h.attrs(plain.text.match(/<div class="relais-carte__map"[^>]*>/)[0]);
        assert.equal(dflt['data-attribution'], "© les contributeurs d'OpenStreetMap");
        const srv = await ctx.startServer({
            db: ctx.db,
            name: `lieux-tuiles-${ctx.store}`,
            env: {
                RELAIS_TILE_URL: 'https://tuiles.exemple.fr/{z}/{x}/{y}.png',
                RELAIS_TILE_ATTRIBUTION: 'Fond de carte <b>IGN</b> & "contributeurs"',
            },
        });
        const res = await ctx.client(srv).get(`/lieux?${q({ commune: 'Laval' })}`);
        assert.equal(res.status, 200);
        const tag = res.text.match(/<div class="relais-carte__map"[^>]*>/)[0];
        assert.doesNotMatch(tag, /<b>/, 'the credit line is escaped');
        const a = h.attrs(tag);
        assert.equal(a['data-tuiles'], 'https://tuiles.exemple.fr/{z}/{x}/{y}.png');
        assert.equal(a['data-attribution'], 'Fond de carte <b>IGN</b> & "contributeurs"');
        await srv.stop();
    });

    ctx.test('each filter narrows, and facets count what each value would give', async () => {
        const c = ctx.client();
        const base = { commune: 'Laval', rayon: 100 };
        const get = async (extra) => {
            const res = await c.get(`/api/v1/lieux?${q({ ...base, ...extra })}`);
            assert.equal(res.status, 200, res.text);
            return res.json();
        };
        const all = await get({});
        assert.equal(all.facettes.services[AIDE], 3);
        assert.equal(all.facettes.services[MAITRISE], 2);
        const aide = await get({ services: AIDE });
        assert.equal(aide.total, 3);
        // The facets of services ignore the services filter; the others keep it.
        assert.equal(aide.facettes.services[MAITRISE], 2);
        assert.deepEqual(aide.facettes.frais_a_charge, { Gratuit: 1, 'Gratuit sous condition': 1, Payant: 1 });
        assert.equal((await get({ services: [AIDE, MAITRISE] })).total, 4, 'values of one filter add up');
        assert.equal((await get({ services: AIDE, frais_a_charge: 'Gratuit' })).total, 1, 'filters combine');
        assert.equal((await get({ publics_specifiquement_adresses: 'Seniors' })).total, 2);
        assert.equal((await get({ typologie: 'BIB' })).total, 1);
        assert.equal((await get({ dispositif_programmes_nationaux: 'France Services' })).total, 2);
        assert.equal((await get({ modalites_acces: 'Se présenter' })).total, 1);
        assert.equal((await get({ modalites_accompagnement: 'Accompagnement individuel' })).total, 1);
        assert.equal((await get({ prise_rdv: 1 })).total, 1);
        assert.equal(all.facettes.prise_rdv, 1);
        // The page shows the counts beside the values, and keeps the choice.
        const page = await c.get(`/lieux?${q({ ...base, services: AIDE })}`);
        assert.match(page.text, /Maîtrise des outils numériques du quotidien \(2\)/);
        assert.match(page.text, /value="Aide aux démarches administratives" checked/);
        assert.equal(resultNames(page.text).length, 3);
        // Open now, or on a day: accepted (the evaluation itself is search.c's).
        assert.equal((await c.get(`/lieux?${q({ ...base, quand: 'maintenant' })}`)).status, 200);
        assert.equal((await c.get(`/lieux?${q({ ...base, quand: 'creneau', jour: 'mardi', de: '14:00', a: '17:00' })}`)).status, 200);
        assert.equal((await c.get(`/api/v1/lieux?${q({ ...base, ouvert_actuellement: 1 })}`)).status, 200);
    });

    ctx.test('an unknown commune: 400, « commune inconnue », suggestions, the value kept', async () => {
        const c = ctx.client();
        const res = await c.get(`/lieux?${q({ commune: 'Mayennnne' })}`);
        assert.equal(res.status, 400);
        assert.match(res.text, /<title>Erreur/);
        assert.match(res.text, /Commune inconnue : « Mayennnne »/);
        assert.match(res.text, /value="Mayennnne"/);
        assert.match(res.text, /Communes aux noms proches/);
        assert.match(res.text, /href="\/lieux\?commune=Mayenne&amp;code_insee=53147/);
        const api = await c.get(`/api/v1/lieux?${q({ commune: 'Mayennnne' })}`);
        assert.equal(api.status, 400);
        assert.equal(api.json().error.field, 'commune');
        // Homonyms: a choice, each with its INSEE code; the chosen one then searches.
        const many = await c.get(`/lieux?${q({ commune: 'Saint-Denis' })}`);
        assert.equal(many.status, 200);
        assert.match(many.text, /Vouliez-vous dire/);
        assert.match(many.text, /code_insee=93066/);
        const chosen = await c.get(`/lieux?${q({ commune: 'Saint-Denis', code_insee: '93066' })}`);
        assert.match(chosen.text, /Aucun lieu à moins de 30 km de Saint-Denis \(932\d\d\)/);
    });

    ctx.test('a lieu: every field shown, data escaped, links', async () => {
        const c = ctx.client();
        const res = await c.get(`/lieux/${ids['laval-centre']}`);
        assert.equal(res.status, 200);
        for (const s of ['Espace numérique du centre', 'href="tel:+33243000000"', '02 43 00 00 00',
            'href="mailto:contact@exemple.org"', 'href="https://exemple.org/"', 'Prendre rendez-vous en ligne',
            'href="https://rdv.exemple.org/"', 'acceslibre', '2 avril 2024', 'Mairie (MUNI)', 'France Services',
            'Seniors', 'Se présenter', 'Cette fiche est remplie à', `/lieux/${ids['laval-centre']}/fiche`,
            'Mo-Fr 09:00-12:00,14:00-17:00', '21530130400017']) {
            assert.ok(h.decodeEntities(res.text).includes(s), `missing ${s}`);
        }
        assert.ok(!res.text.includes('Historique des modifications'), 'history is for managers');
        const bad = await c.get(`/lieux/${ids.markup}`);
        assert.equal(bad.status, 200);
        assert.ok(!bad.text.includes('<script>alert(1)'), 'a name is text');
        assert.ok(bad.text.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Cie'));
        assert.ok(!bad.text.includes('<img src=x'));
        assert.ok(!bad.text.includes('href="javascript:'), 'a javascript: URL is not a link');
        const api = (await c.get(`/api/v1/lieux/${ids['laval-centre']}`)).json();
        assert.equal(api.nom, 'Espace numérique du centre');
        assert.equal(api.latitude, 48.0705);
        assert.equal(api.services, `${AIDE}|${MAITRISE}`);
        assert.equal(Object.keys(api).filter((k) => k !== 'relais').length, 32);
        assert.equal((await c.get('/lieux/999999')).status, 404);
        assert.equal((await c.get('/lieux/abc')).status, 404);
        assert.equal((await c.get('/api/v1/lieux/999999')).status, 404);
    });

    ctx.test("the fiche d'orientation", async () => {
        const res = await ctx.client().get(`/lieux/${ids['laval-centre']}/fiche`);
        assert.equal(res.status, 200);
        const text = h.decodeEntities(res.text);
        for (const s of ["Fiche d'orientation", 'Où aller', '12 rue de la Paix', 'Quand',
            "Ce qu'il est conseillé d'apporter", "pièce d'identité", 'Votre besoin', 'Rendez-vous', 'tel:+33243000000']) {
            assert.ok(text.includes(s), `missing ${s}`);
        }
    });

    ctx.test('the département page: counts by service, the list by commune', async () => {
        const c = ctx.client();
        const res = await c.get('/departements/53');
        assert.equal(res.status, 200);
        assert.match(res.text, /Mayenne \(53\)/);
        assert.match(res.text, /4 lieux publiés/);
        const row = res.text.match(/Aide aux démarches administratives<\/a><\/th>\s*<td[^>]*>(\d+)</) ||
            res.text.match(/Aide aux démarches administratives<\/a>[\s\S]*?<td[^>]*>(\d+)</);
        assert.ok(row, 'a row for the service');
        assert.equal(row[1], '2');
        for (const id of [ids.markup, ids['laval-centre'], ids.change, ids.mayenne]) {
            assert.ok(res.text.includes(`href="/lieux/${id}"`), `lieu ${id} listed`);
        }
        assert.ok(!res.text.includes(`href="/lieux/${ids.sable}"`), 'Sablé is in the Sarthe');
        assert.equal((await c.get('/departements/72')).status, 200);
        assert.equal((await c.get('/departements/99')).status, 404);
        assert.equal((await c.get('/departements/53?page=0')).status, 400);
    });

    ctx.test('editing: validation keeps what was typed, a save writes the history', async () => {
        const c = await ctx.asRole('admin_structure');
        const path = `/lieux/${ids['laval-centre']}/modifier`;
        const form = await c.get(path);
        assert.equal(form.status, 200);
        const fields = h.forms(form.text).find((x) => x.action === path).fields;
        assert.equal(fields.nom, 'Espace numérique du centre');
        assert.equal(fields.courriels, 'contact@exemple.org');
        const bad = await c.post(path, { ...fields, nom: '', code_postal: 'abc', presentation_resume: 'Texte gardé <b>', services: 'Inventé' });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /govuk-error-summary/);
        assert.match(bad.text, /href="#nom"/);
        assert.match(bad.text, /href="#code_postal"/);
        assert.ok(bad.text.includes('Texte gardé &lt;b&gt;'), 'typed text kept (and escaped)');
        assert.match(bad.text, /value="abc"/);
        const good = await c.post(path, { ...fields, nom: 'Espace numérique du centre-ville' });
        assert.equal(good.status, 303);
        assert.equal(good.location, `/lieux/${ids['laval-centre']}?ok=modifie`);
        const page = await c.get(good.location);
        assert.match(page.text, /Les modifications ont été enregistrées/);
        assert.match(page.text, /Historique des modifications/);
        assert.match(page.text, /Modification<\/td>\s*<td[^>]*>[^<]*nom/);
        const hist = L.query(ctx.db, `SELECT action FROM lieux_history WHERE lieu_id = ${ids['laval-centre']} ORDER BY id DESC LIMIT 1;`);
        assert.equal(hist.trim(), 'modification');
        const api = (await ctx.client().get(`/api/v1/lieux?${q({ commune: 'Laval', rayon: 5 })}`)).json();
        assert.ok(api.data.some((x) => x.nom === 'Espace numérique du centre-ville'), 'the search sees the change');
    });

    ctx.test('who may edit: route roles and the lieu\'s structure or département', async () => {
        const path = `/lieux/${ids['laval-centre']}/modifier`;
        const anon = await ctx.client().get(path);
        assert.equal(anon.status, 303);
        assert.match(anon.location, /^\/connexion\?retour=/);
        assert.equal((await (await ctx.asRole('mediateur')).get(path)).status, 403);
        const other = await (await ctx.asRole('admin_structure')).get(`/lieux/${ids.markup}/modifier`);
        assert.equal(other.status, 403, 'another structure\'s lieu');
        assert.match(other.text, /Vous ne gérez pas ce lieu/);
        assert.equal((await (await ctx.asRole('coordinateur')).get(`/lieux/${ids.markup}/modifier`)).status, 200);
        assert.equal((await (await ctx.asRole('admin')).get(`/lieux/${ids.sable}/modifier`)).status, 200);
        // A mediateur's POST is refused and changes nothing.
        const med = await ctx.asRole('mediateur');
        const token = await med.csrfToken();
        const refused = await med.post(path, { _csrf: token, nom: 'Piraté' });
        assert.equal(refused.status, 403);
        assert.ok(!(await ctx.client().get(`/lieux/${ids['laval-centre']}`)).text.includes('Piraté'));
    });

    ctx.test('publication and verification', async () => {
        const c = await ctx.asRole('coordinateur');
        const page = await c.get(`/lieux/${ids.markup}`);
        const token = h.csrf(page.text, `/lieux/${ids.markup}/publication`);
        const off = await c.post(`/lieux/${ids.markup}/publication`, { _csrf: token, publie: '0' });
        assert.equal(off.status, 303);
        assert.equal((await ctx.client().get(`/lieux/${ids.markup}`)).status, 404, 'hidden from the public');
        assert.equal((await c.get(`/lieux/${ids.markup}`)).status, 200, 'seen by its managers');
        const api = (await ctx.client().get(`/api/v1/lieux?${q({ commune: 'Laval' })}`)).json();
        assert.ok(!api.data.some((x) => x.id === ids.markup), 'out of the search');
        assert.equal((await c.post(`/lieux/${ids.markup}/publication`, { _csrf: token, publie: 'peut-être' })).status, 400);
        assert.equal((await c.post(`/lieux/${ids.markup}/publication`, { _csrf: token, publie: '1' })).status, 303);
        assert.equal((await ctx.client().get(`/lieux/${ids.markup}`)).status, 200);
        const v = await c.post(`/lieux/${ids.markup}/verification`, { _csrf: token });
        assert.equal(v.status, 303);
        assert.match((await c.get(v.location)).text, /Vérifiées sur Relais/);
        const noCsrf = await c.post(`/lieux/${ids.markup}/verification`, {});
        assert.equal(noCsrf.status, 403, 'CSRF token required');
    });

    ctx.test('odd parameters: a French 4xx naming the field, never a crash', async () => {
        const c = ctx.client();
        const cases = [
            [{ commune: '' }, 200],
            [{ commune: 'a'.repeat(600) }, 400],
            [{ commune: 'Laval', rayon: '-5' }, 400],
            [{ commune: 'Laval', rayon: '1000' }, 400],
            [{ commune: 'Laval', rayon: 'abc' }, 400],
            [{ commune: 'Laval', duree: '20' }, 400],
            [{ commune: 'Laval', services: 'Nope' }, 400],
            [{ commune: 'Laval', quand: 'hier' }, 400],
            [{ commune: 'Laval', quand: 'creneau', jour: 'xyz' }, 400],
            [{ commune: 'Laval', quand: 'creneau', jour: 'lundi', de: '18:00', a: '09:00' }, 400],
            [{ commune: 'Laval', page: '0' }, 400],
            [{ commune: 'Laval', page: '99999' }, 200],
            [{ code_insee: '00000' }, 400],
            [{ latitude: '95', longitude: '0' }, 400],
            [{ departement: '999' }, 400],
            [{ prise_rdv: 'oui' }, 400],
            [{ commune: '<script>' }, null],
            [{ commune: '\u0000' }, null],
            [{ commune: '%%%' }, null],
        ];
        for (const [params, status] of cases) {
            const res = await c.get(`/lieux?${q(params)}`);
            if (status) assert.equal(res.status, status, `/lieux?${q(params)}`);
            else assert.ok(res.status === 200 || res.status === 400, `/lieux?${q(params)}: ${res.status}`);
            if (status === 400) assert.match(res.text, /govuk-error-summary|Erreur/, q(params));
            assert.ok(!res.text.includes('<script>'), 'nothing typed comes back as markup');
        }
        const api = await c.get(`/api/v1/lieux?${q({ commune: 'Laval', rayon: '-1' })}`);
        assert.equal(api.status, 400);
        assert.equal(api.json().error.field, 'rayon');
        assert.equal((await c.get('/api/v1/lieux?limite=0')).json().error.field, 'limite');
        assert.equal((await c.get('/api/v1/lieux?apres=-1')).json().error.field, 'apres');
        // Invalid UTF-8 in the query string.
        const raw = await h.rawRequest(ctx.server.port, 'GET', '/lieux?commune=%C3%28&rayon=30');
        assert.ok(raw.status >= 400 && raw.status < 500, `invalid UTF-8: ${raw.status}`);
        assert.equal((await c.get('/lieux')).status, 200, 'the server is still there');
    });

    ctx.test('API: cursor pages and the commune autocompletion', async () => {
        const c = ctx.client();
        const first = (await c.get(`/api/v1/lieux?${q({ commune: 'Laval', rayon: 100, limite: 2 })}`)).json();
        assert.equal(first.data.length, 2);
        assert.equal(first.suivant, '2');
        const second = (await c.get(`/api/v1/lieux?${q({ commune: 'Laval', rayon: 100, limite: 2, apres: first.suivant })}`)).json();
        assert.equal(second.data.length, 2);
        assert.ok(second.data[0].distance_km >= first.data[1].distance_km);
        const last = (await c.get(`/api/v1/lieux?${q({ commune: 'Laval', rayon: 100, limite: 2, apres: 4 })}`)).json();
        assert.equal(last.suivant, null);
        const communes = (await c.get('/api/v1/communes?q=chateau%20gontier')).json();
        assert.equal(communes.data[0].code_insee, '53062');
        assert.equal((await c.get('/api/v1/communes')).status, 400);
        assert.equal((await c.get(`/api/v1/communes?q=${'x'.repeat(600)}`)).status, 400);
    });
}, { server: false });
