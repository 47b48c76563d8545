'use strict';
/*
 * The CRA pages and API, on both stores: the one-page form (today's date, the structure's lieu,
 * ?type=), recording each kind, every « Bad input » rule (a French message on the field, the typed
 * values kept, nothing stored), the most used thématiques first, « Dupliquer la dernière
 * activité », edit with history, delete with a trace, who may read and who may change, the list's
 * filters and pages, and /api/v1/activites (create, field errors, cursor, token scopes).
 */
const assert = require('node:assert/strict');
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

/* The value of the input named name, or undefined. */
function inputValue(html, name) {
    const f = h.forms(html).find((x) => x.fields[name] !== undefined);
    return f ? f.fields[name] : undefined;
}

function checked(html, name, value) {
    const re = new RegExp(`<input[^>]*name="${name}"[^>]*value="${value}"[^>]*>`);
    const m = html.match(re);
    return Boolean(m && / checked/.test(m[0]));
}

function errorFor(html, field) {
    const m = html.match(new RegExp(`<p id="${field}-error" class="govuk-error-message">([\\s\\S]*?)</p>`));
    return m ? h.decodeEntities(m[1].replace(/<[^>]*>/g, '')).replace(/^\s*Erreur :\s*/, '').trim() : null;
}

h.forEachStore('activite cra', (ctx) => {
    let f;
    let lieu;
    let colleague; // a second médiateur of the same structure
    const sessions = {};

    const countCra = (userId) =>
        scalar(ctx.db, `SELECT COUNT(*) FROM cra WHERE mediateur_id = ${userId} AND deleted_at IS NULL`);

    async function form(c, path = '/activites/nouvelle') {
        const res = await c.get(path);
        assert.equal(res.status, 200, res.text.slice(0, 400));
        return { res, token: h.csrf(res.text, '/activites/nouvelle') || h.csrf(res.text) };
    }

    /* Posts the CRA form with the page's token; fields may repeat (arrays). */
    async function post(c, path, fields) {
        const { token } = await form(c, path === '/activites/nouvelle' ? path : path);
        const body = new URLSearchParams();
        body.append('_csrf', token);
        for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) body.append(k, x);
        return c.request('POST', path, {
            body: body.toString(),
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
        });
    }

    const individual = () => ({
        type: 'individuel', date: parisDay(-1), duree: '30', type_lieu: 'lieu_activite', lieu_id: String(lieu),
        thematiques: ['email', 'navigation_sur_internet'], materiel: 'telephone', autonomie: 'partiellement_autonome',
        nouveau_genre: 'feminin', nouveau_tranche_age: 'soixante_dix_plus', notes: 'Première visite <b>test</b>',
    });

    ctx.test('setup: a lieu of the structure, a second médiateur, sessions', async () => {
        f = ctx.fixture;
        lieu = L.insertLieux(ctx.db, L.FIXTURE.slice(0, 1), { structure: f.structure })[0];
        colleague = h.createUser(ctx.db, { role: 'mediateur', structure: f.structure, departement: '53' });
        for (const role of ['mediateur', 'admin_structure', 'coordinateur', 'admin']) sessions[role] = await ctx.asRole(role);
        sessions.colleague = ctx.client();
        await sessions.colleague.loginOk(colleague);
        sessions.spare = ctx.client();
        await sessions.spare.loginOk(f.spare);
    });

    ctx.test("the form: today's date, the structure's only lieu, the three kinds, ?type=", async () => {
        const { res } = await form(sessions.mediateur);
        assert.equal(inputValue(res.text, 'date'), parisDay(0));
        assert.match(res.text, new RegExp(`<option value="${lieu}" selected>`));
        for (const t of ['individuel', 'collectif', 'demarche']) assert.match(res.text, new RegExp(`name="type"[^>]*value="${t}"`));
        assert.ok(checked(res.text, 'type', 'individuel'));
        for (const d of ['15', '30', '45', '60', '90', '120', 'autre']) assert.match(res.text, new RegExp(`name="duree"[^>]*value="${d}"`));
        assert.match(res.text, /Dupliquer la dernière activité/);
        // ?beneficiaire= chooses one of the médiateur's named people; another's id chooses nothing.
        const named = Number(L.query(ctx.db, `INSERT INTO beneficiaires (mediateur_id, structure_id, departement, anonyme, prenom, nom, consent_at, consent_by, created_at, updated_at) VALUES (${f.users.mediateur.id}, ${f.structure}, '53', 0, 'Ana', 'Formulaire', 1, ${f.users.mediateur.id}, 1, 1) RETURNING id;`).split('\n').map((l) => l.trim()).find((l) => /^\d+$/.test(l)));
        const chosen = await form(sessions.mediateur, `/activites/nouvelle?beneficiaire=${named}`);
        assert.match(chosen.res.text, new RegExp(`<option value="${named}" selected>Formulaire Ana</option>`));
        const theirs = await form(sessions.colleague, `/activites/nouvelle?beneficiaire=${named}`);
        assert.doesNotMatch(theirs.res.text, /Formulaire Ana/);
        // A structure with no lieu of its own: the lieu of the département that bears its exact name.
        const mayenne = L.FIXTURE.find((r) => r.id === 'mayenne');
        const [homonym] = L.insertLieux(ctx.db, [{ ...mayenne, id: 'mediatheque-homonyme', nom: 'Médiathèque de Mayenne' }]);
        L.insertLieux(ctx.db, [{ ...mayenne, id: 'autre-lieu-53' }]);
        const spare = await form(sessions.spare);
        assert.match(spare.res.text, new RegExp(`<option value="${homonym}" selected>`));
        const col = await form(sessions.mediateur, '/activites/nouvelle?type=collectif');
        assert.ok(checked(col.res.text, 'type', 'collectif'));
        // Labels and legends for every control (the browser test runs axe-core too).
        assert.match(res.text, /<legend[^>]*>Thématiques de médiation numérique<\/legend>/);
    });

    ctx.test('an individual CRA is recorded, listed and shown', async () => {
        const before = countCra(f.users.mediateur.id);
        const res = await post(sessions.mediateur, '/activites/nouvelle', { ...individual(), nouveau_tag: 'Seniors' });
        assert.equal(res.status, 303, res.text.slice(0, 500));
        assert.match(res.location, /^\/activites\?ok=enregistree&id=\d+$/);
        const id = Number(res.location.match(/id=(\d+)/)[1]);
        assert.equal(countCra(f.users.mediateur.id), before + 1);
        const list = await sessions.mediateur.follow(res.location);
        assert.match(list.text, /L’activité a été enregistrée\./);
        assert.match(list.text, new RegExp(`href="/activites/${id}"`));
        const page = await sessions.mediateur.get(`/activites/${id}`);
        assert.equal(page.status, 200);
        assert.match(page.text, /Navigation sur internet, E-mail/);
        assert.match(page.text, /Autonome avec guidage en cas de besoin/);
        assert.match(page.text, /Personne anonyme \(Féminin, 70 ans et plus\), premier accompagnement/);
        assert.match(page.text, /Première visite &lt;b&gt;test&lt;\/b&gt;/);
        assert.equal(scalar(ctx.db, `SELECT COUNT(*) FROM accompagnements WHERE cra_id = ${id}`), 1);
        assert.equal(scalar(ctx.db, `SELECT COUNT(*) FROM cra_tags t JOIN tags g ON g.id = t.tag_id WHERE t.cra_id = ${id} AND g.nom = 'Seniors'`), 1);
        assert.equal(scalar(ctx.db, `SELECT COUNT(*) FROM cra_history WHERE cra_id = ${id} AND action = 'creation'`), 1);
    });

    ctx.test('a collective workshop and a procedure are recorded', async () => {
        const col = await post(sessions.mediateur, '/activites/nouvelle', {
            type: 'collectif', date: parisDay(-2), duree: 'autre', duree_autre: '150', type_lieu: 'autre', commune: 'Laval',
            thematiques: 'securite_numerique', titre_atelier: 'Arnaques en ligne', niveau_atelier: 'debutant',
            anon_total: '8', anon_deja_accompagne: '2', anon_genre_feminin: '5', anon_genre_masculin: '3',
            anon_tranche_soixante_dix_plus: '6', anon_statut_retraite: '7',
        });
        assert.equal(col.status, 303, col.text.slice(0, 800));
        const id = Number(col.location.match(/id=(\d+)/)[1]);
        assert.equal(scalar(ctx.db, `SELECT accompagnements_count FROM cra WHERE id = ${id}`), 8);
        assert.equal(scalar(ctx.db, `SELECT duree FROM cra WHERE id = ${id}`), 150);
        assert.equal(L.query(ctx.db, `SELECT commune_code_insee FROM cra WHERE id = ${id}`).trim().split('\n')[0], '53130');
        const dem = await post(sessions.mediateur, '/activites/nouvelle', {
            type: 'demarche', date: parisDay(0), duree: '45', type_lieu: 'a_distance',
            thematiques: ['argent_impots'], precisions_demarche: 'Déclaration de revenus', autonomie: 'entierement_accompagne',
            oriente: 'oui', structure_de_redirection: 'operateur_ou_organisme_en_charge',
        });
        assert.equal(dem.status, 303, dem.text.slice(0, 800));
        const did = Number(dem.location.match(/id=(\d+)/)[1]);
        // The procedure thématique is implied by the administrative one.
        assert.equal(scalar(ctx.db, `SELECT COUNT(*) FROM cra_thematiques WHERE cra_id = ${did} AND thematique IN ('aide_aux_demarches_administratives', 'argent_impots')`), 2);
    });

    const BAD = [
        ['duration 0', { duree: '0' }, 'duree', /Durée/],
        ['negative duration', { duree: 'autre', duree_autre: '-30' }, 'duree', /négative/],
        ['over 12 hours', { duree: 'autre', duree_autre: '721' }, 'duree', /12 heures/],
        ['a future date', { date: parisDay(2) }, 'date', /futur/],
        ['an unknown thématique', { thematiques: ['email', 'astrologie'] }, 'thematiques', /« astrologie » n’est pas une valeur connue/],
        ['no thématique', { thematiques: [] }, 'thematiques', /au moins une thématique/],
        // The médiateur has a named beneficiary (made by the form test): the message goes with the
        // list of participants.
        ['a workshop with no participant', { type: 'collectif', titre_atelier: 'Atelier vide' }, 'participants', /au moins un participant/],
        ['a précision without the procedure thématique', { precisions_demarche: 'Carte grise' }, 'precisions_demarche', /Aide aux démarches administratives/],
        ['a procedure without an administrative thématique', { type: 'demarche' }, 'thematiques', /11/],
        ['at home without a commune', { type_lieu: 'domicile' }, 'commune', /commune/],
        ['an unknown commune', { type_lieu: 'domicile', commune: 'Zzyzx-sur-Rien' }, 'commune', /introuvable/],
        ['a commune several communes could be', { type_lieu: 'domicile', commune: 'Saint-Denis' }, 'commune', /plusieurs communes portent ce nom/],
    ];
    for (const [name, change, field, message] of BAD) {
        ctx.test(`bad input, ${name}: 400, a French message on the field, values kept, nothing stored`, async () => {
            const before = scalar(ctx.db, 'SELECT COUNT(*) FROM cra');
            const beforeAcc = scalar(ctx.db, 'SELECT COUNT(*) FROM accompagnements');
            const fields = { ...individual(), notes: 'Texte à garder', ...change };
            const res = await post(sessions.mediateur, '/activites/nouvelle', fields);
            assert.equal(res.status, 400, res.text.slice(0, 300));
            assert.match(errorFor(res.text, field) || '', message, `${field}: ${errorFor(res.text, field)}`);
            assert.match(res.text, new RegExp(`<a href="#${field}">`), 'the summary links to the field');
            assert.match(res.text, /<title>Erreur\s*:/);
            assert.match(res.text, />Texte à garder<\/textarea>/);
            if (change.duree_autre) assert.equal(inputValue(res.text, 'duree_autre'), change.duree_autre);
            if (change.type) assert.ok(checked(res.text, 'type', change.type));
            assert.equal(scalar(ctx.db, 'SELECT COUNT(*) FROM cra'), before);
            assert.equal(scalar(ctx.db, 'SELECT COUNT(*) FROM accompagnements'), beforeAcc);
        });
    }

    ctx.test('a workshop with no participant, for a médiateur without named beneficiaries: the message goes with the anonymous count', async () => {
        const res = await post(sessions.colleague, '/activites/nouvelle', { ...individual(), type: 'collectif' });
        assert.equal(res.status, 400);
        assert.match(errorFor(res.text, 'anon_total') || '', /au moins un participant/);
        assert.match(res.text, /<a href="#anon_total">/);
    });

    ctx.test('several bad fields at once: one message each', async () => {
        const res = await post(sessions.mediateur, '/activites/nouvelle', { ...individual(), duree: '0', date: parisDay(3), thematiques: 'zzz' });
        assert.equal(res.status, 400);
        for (const fld of ['duree', 'date', 'thematiques']) assert.ok(errorFor(res.text, fld), fld);
    });

    ctx.test('the most used thématiques come first; « Dupliquer la dernière activité » prefills', async () => {
        for (let i = 0; i < 2; i++) {
            const r = await post(sessions.colleague, '/activites/nouvelle', {
                ...individual(), thematiques: 'parentalite', duree: 'autre', duree_autre: String(20 + i),
            });
            assert.equal(r.status, 303, r.text.slice(0, 400));
        }
        const { res } = await form(sessions.colleague);
        const pos = (v) => res.text.indexOf(`name="thematiques" type="checkbox" value="${v}"`);
        assert.ok(pos('parentalite') > 0 && pos('diagnostic_numerique') > 0);
        assert.ok(pos('parentalite') < pos('diagnostic_numerique'), 'parentalite first');
        const dup = await sessions.colleague.get('/activites/nouvelle?dupliquer=1');
        assert.equal(dup.status, 200);
        assert.ok(checked(dup.text, 'thematiques', 'parentalite'));
        assert.ok(checked(dup.text, 'duree', 'autre'));
        assert.equal(inputValue(dup.text, 'duree_autre'), '21');
        assert.equal(inputValue(dup.text, 'date'), parisDay(0));
        assert.match(dup.text, /<option value="feminin" selected>/);
    });

    ctx.test('edit: the form shows the values, a save changes them and writes the history', async () => {
        const r = await post(sessions.mediateur, '/activites/nouvelle', individual());
        const id = Number(r.location.match(/id=(\d+)/)[1]);
        const page = await sessions.mediateur.get(`/activites/${id}/modifier`);
        assert.equal(page.status, 200);
        assert.ok(checked(page.text, 'duree', '30'));
        assert.ok(checked(page.text, 'thematiques', 'email'));
        const bad = await post(sessions.mediateur, `/activites/${id}/modifier`, { ...individual(), duree: '0' });
        assert.equal(bad.status, 400);
        assert.equal(scalar(ctx.db, `SELECT duree FROM cra WHERE id = ${id}`), 30);
        const ok = await post(sessions.mediateur, `/activites/${id}/modifier`, { ...individual(), duree: '60' });
        assert.equal(ok.status, 303, ok.text.slice(0, 400));
        assert.equal(ok.location, `/activites/${id}?ok=modifiee`);
        assert.equal(scalar(ctx.db, `SELECT duree FROM cra WHERE id = ${id}`), 60);
        assert.equal(scalar(ctx.db, `SELECT COUNT(*) FROM cra_history WHERE cra_id = ${id} AND action = 'modification'`), 1);
        assert.match(L.query(ctx.db, `SELECT changes FROM cra_history WHERE cra_id = ${id} AND action = 'modification'`), /"duree":\[30,60\]/);
        // The same anonymous person, not a new one.
        assert.equal(scalar(ctx.db, `SELECT COUNT(*) FROM accompagnements WHERE cra_id = ${id}`), 1);
    });

    ctx.test('who may read and who may change a CRA', async () => {
        const r = await post(sessions.mediateur, '/activites/nouvelle', individual());
        const id = Number(r.location.match(/id=(\d+)/)[1]);
        // The structure's administrator and the département's coordinator read it, without links to change it.
        for (const role of ['admin_structure', 'coordinateur', 'admin']) {
            const page = await sessions[role].get(`/activites/${id}`);
            assert.equal(page.status, 200, role);
            assert.doesNotMatch(page.text, new RegExp(`/activites/${id}/modifier`), role);
        }
        const coord = await sessions.coordinateur.get(`/activites/${id}`);
        assert.match(coord.text, /Personnes accompagnées/); // counts, never a person
        // Another médiateur, of the structure or not, neither sees nor changes it; an admin reads, never changes.
        assert.equal((await sessions.colleague.get(`/activites/${id}`)).status, 404);
        assert.equal((await sessions.colleague.get(`/activites/${id}/modifier`)).status, 404);
        const tok = h.csrf((await sessions.colleague.get('/activites/nouvelle')).text);
        const del = await sessions.colleague.post(`/activites/${id}/supprimer`, { _csrf: tok });
        assert.equal(del.status, 404);
        assert.equal((await sessions.admin.get(`/activites/${id}/modifier`)).status, 403);
        assert.equal(scalar(ctx.db, `SELECT COUNT(*) FROM cra WHERE id = ${id} AND deleted_at IS NULL`), 1);
        assert.equal((await sessions.spare.get(`/activites/${id}`)).status, 404);
        // The lists: the coordinator sees the département, the spare médiateur only their own.
        const list = await sessions.coordinateur.get('/activites');
        assert.match(list.text, new RegExp(`href="/activites/${id}"`));
        const spare = await sessions.spare.get('/activites');
        assert.doesNotMatch(spare.text, new RegExp(`href="/activites/${id}"`));
    });

    ctx.test('delete: a confirmation page, then a trace (who, when) and gone from every read', async () => {
        const r = await post(sessions.mediateur, '/activites/nouvelle', individual());
        const id = Number(r.location.match(/id=(\d+)/)[1]);
        const confirm = await sessions.mediateur.get(`/activites/${id}/supprimer`);
        assert.equal(confirm.status, 200);
        assert.match(confirm.text, /Supprimer cette activité/);
        const token = h.csrf(confirm.text, `/activites/${id}/supprimer`);
        const del = await sessions.mediateur.post(`/activites/${id}/supprimer`, { _csrf: token });
        assert.equal(del.status, 303);
        assert.equal(del.location, '/activites?ok=supprimee');
        assert.equal((await sessions.mediateur.get(`/activites/${id}`)).status, 404);
        assert.equal(scalar(ctx.db, `SELECT deleted_by FROM cra WHERE id = ${id}`), f.users.mediateur.id);
        assert.ok(scalar(ctx.db, `SELECT deleted_at FROM cra WHERE id = ${id}`) > 0);
        assert.equal(scalar(ctx.db, `SELECT COUNT(*) FROM cra_history WHERE cra_id = ${id} AND action = 'suppression'`), 1);
        const again = await sessions.mediateur.post(`/activites/${id}/supprimer`, { _csrf: token });
        assert.equal(again.status, 404);
    });

    ctx.test('the list: filters by type and period, French dates, pages', async () => {
        const c = sessions.mediateur;
        const col = await c.get('/activites?type=collectif');
        assert.equal(col.status, 200);
        assert.match(col.text, /Atelier collectif/);
        assert.doesNotMatch(col.text, /<td class="govuk-table__cell">Accompagnement individuel/);
        const day = parisDay(-2);
        const period = await c.get(`/activites?du=${day}&au=${day}`);
        const months = ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'];
        const [y, m, d] = day.split('-').map(Number);
        assert.match(period.text, new RegExp(`${d}${d === 1 ? 'er' : ''} ${months[m - 1]} ${y}`));
        const bad = await c.get('/activites?du=hier');
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Du : une date au format AAAA-MM-JJ/);
        // Pages of 30: add enough CRAs through the API, then follow « Activités plus anciennes ».
        const token = await c.csrfToken('/activites/nouvelle');
        for (let i = 0; i < 31; i++) {
            const res = await c.request('POST', '/api/v1/activites', {
                json: { type: 'individuel', date: parisDay(-10), duree: 15, type_lieu: 'a_distance', thematiques: ['email'] },
                headers: { 'x-csrf-token': token },
            });
            assert.equal(res.status, 201, res.text);
        }
        const first = await c.get('/activites');
        const next = first.text.match(/href="(\/activites\?apres=[^"]+)"/);
        assert.ok(next, 'a link to older activities');
        const second = await c.get(h.decodeEntities(next[1]));
        assert.equal(second.status, 200);
        const ids = (html) => [...html.matchAll(/href="\/activites\/(\d+)"/g)].map((x) => x[1]);
        assert.equal(ids(first.text).length, 30);
        assert.ok(ids(second.text).length > 0);
        assert.equal(ids(second.text).filter((x) => ids(first.text).includes(x)).length, 0);
    });

    ctx.test('API: create, French field errors as JSON, list by cursor', async () => {
        const c = sessions.mediateur;
        const token = await c.csrfToken('/activites/nouvelle');
        const headers = { 'x-csrf-token': token };
        const created = await c.request('POST', '/api/v1/activites', {
            json: {
                type: 'collectif', date: parisDay(-1), duree: 90, type_lieu: 'a_distance', thematiques: ['culture_numerique'],
                titre_atelier: 'Le numérique et nous', participants_anonymes: { total: 4, genre: { feminin: 2 } },
            },
            headers,
        });
        assert.equal(created.status, 201, created.text);
        const body = created.json();
        assert.equal(body.type, 'collectif');
        assert.deepEqual(body.thematiques, ['culture_numerique']);
        assert.equal(body.participants_anonymes.genre.feminin, 2);
        assert.equal(body.accompagnements_count, 4);
        assert.equal(body.origine, 'api');
        const before = scalar(ctx.db, 'SELECT COUNT(*) FROM cra');
        const bad = await c.request('POST', '/api/v1/activites', {
            json: { type: 'individuel', date: parisDay(5), duree: 0, type_lieu: 'a_distance', thematiques: ['inconnue'] },
            headers,
        });
        assert.equal(bad.status, 422);
        const errs = bad.json().erreurs;
        const fields = errs.map((e) => e.champ).sort();
        assert.deepEqual(fields, ['date', 'duree', 'thematiques']);
        assert.match(errs.find((e) => e.champ === 'duree').message, /^Durée : /);
        assert.equal(bad.json().error.code, 'invalid');
        assert.equal(scalar(ctx.db, 'SELECT COUNT(*) FROM cra'), before);
        const wrongType = await c.request('POST', '/api/v1/activites', { json: { type: 'individuel', thematiques: 'email' }, headers });
        assert.equal(wrongType.status, 400);

        // Cursor: pages of 2 in the order of recording, no repeat.
        const seen = [];
        let url = '/api/v1/activites?limite=2';
        for (let i = 0; i < 100 && url; i++) {
            const page = await c.get(url);
            assert.equal(page.status, 200, page.text);
            const j = page.json();
            seen.push(...j.data.map((a) => a.id));
            url = j.suivant ? `/api/v1/activites?limite=2&apres=${encodeURIComponent(j.suivant)}` : null;
        }
        assert.equal(new Set(seen).size, seen.length);
        assert.equal(seen.length, countCra(f.users.mediateur.id));
        assert.deepEqual([...seen].sort((a, b) => a - b), seen);
        const typed = (await c.get('/api/v1/activites?type=demarche')).json();
        assert.ok(typed.data.length >= 1);
        assert.ok(typed.data.every((a) => a.type === 'demarche'));
        assert.ok(typed.data.every((a) => !('prenom' in a) && !('nom' in a)));
        assert.equal((await c.get('/api/v1/activites?apres=x')).status, 400);
        assert.equal((await c.get('/api/v1/activites?du=2026-13')).status, 400);
        // The coordinator reads the département.
        const coord = (await sessions.coordinateur.get('/api/v1/activites?limite=200')).json();
        assert.ok(coord.data.some((a) => a.id === body.id));
        assert.equal((await sessions.coordinateur.get('/api/v1/activites?departement=75')).status, 403);
    });

    ctx.test('API tokens: a write token records for a médiateur of its structure, a read token reads', async () => {
        const sid = f.structure;
        const owner = sessions.admin_structure;
        const make = async (portee) => {
            const page = await owner.get(`/structures/${sid}/jetons`);
            const token = h.csrf(page.text, `/structures/${sid}/jetons`);
            const res = await owner.post(`/structures/${sid}/jetons`, { _csrf: token, nom: `CRA ${portee}`, portee });
            assert.equal(res.status, 200, res.text.slice(0, 300));
            const m = h.decodeEntities(res.text).match(/plus affiché : ([^\s<]+)/);
            assert.ok(m, 'the token is shown once');
            return { authorization: `Bearer ${m[1]}` };
        };
        const write = await make('ecriture');
        const read = await make('lecture');
        const anon = ctx.client();
        const cra = { type: 'individuel', date: parisDay(-1), duree: 30, type_lieu: 'a_distance', thematiques: ['email'] };
        const noMed = await anon.request('POST', '/api/v1/activites', { json: cra, headers: write });
        assert.equal(noMed.status, 400);
        assert.equal(noMed.json().error.field, 'mediateur');
        const other = await anon.request('POST', '/api/v1/activites', { json: { ...cra, mediateur: f.spare.email }, headers: write });
        assert.equal(other.status, 400, 'a médiateur of another structure');
        const ok = await anon.request('POST', '/api/v1/activites', { json: { ...cra, mediateur: colleague.email }, headers: write });
        assert.equal(ok.status, 201, ok.text);
        assert.equal(ok.json().mediateur_id, colleague.id);
        const denied = await anon.request('POST', '/api/v1/activites', { json: { ...cra, mediateur: colleague.email }, headers: read });
        assert.equal(denied.status, 403);
        const list = await anon.get('/api/v1/activites?limite=200', { headers: read });
        assert.equal(list.status, 200);
        assert.ok(list.json().data.some((a) => a.id === ok.json().id));
        assert.ok(list.json().data.every((a) => a.structure_id === sid));
    });
});
