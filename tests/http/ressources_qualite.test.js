'use strict';
/*
 * Collections, reviews, reports and quality signals of resources, on both stores: creating a
 * collection (validation keeps what was typed), « Enregistrer » into it and into « Favoris »,
 * ordering without JavaScript, share links made and revoked, who may read and change a collection;
 * one review per person (edited, not on one's own resource), the authors' reply, the badge; a
 * report and its moderation by the base's administrator, with its trace; « Marquer comme
 * vérifiée »; and `relais maintenance` checking the links of a resource against a local HTTP server
 * (200, 301 → 200, 404, a server that never answers), storing each finding, listing them on the
 * authors' page and e-mailing the authors through a local SMTP peer.
 *
 * Bases and resources are written with SQL (quoted literals only), as the core's own tests do for
 * lieux; what is tested here is what the pages of this module do with them.
 */
const assert = require('node:assert/strict');
const http = require('node:http');
const { spawn } = require('node:child_process');
const h = require('./lib/harness');
const { smtpServer } = require('./lib/smtp');
const { query } = require('./lib/lieux');

function lit(v) {
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    return `'${String(v).replace(/'/g, "''")}'`;
}

function one(db, sql) {
    const out = query(db, sql);
    const line = out.split('\n').map((l) => l.trim()).find((l) => l && !/^INSERT|^UPDATE/.test(l));
    return line;
}

function insertId(db, sql) {
    const v = one(db, `${sql} RETURNING id;`);
    if (!/^\d+$/.test(v || '')) throw new Error(`no id from ${sql}: ${v}`);
    return Number(v);
}

function makeBase(db, { nom, admin, members = [] }) {
    const now = Math.floor(Date.now() / 1000);
    const slug = nom.toLowerCase().replace(/[^a-z0-9]+/g, '-');
    const id = insertId(db, `INSERT INTO bases (nom, slug, visibilite, created_by, created_at, updated_at)
        VALUES (${lit(nom)}, ${lit(slug)}, 'public', ${admin}, ${now}, ${now})`);
    query(db, `INSERT INTO base_members (base_id, user_id, role, created_at) VALUES (${id}, ${admin}, 'admin', ${now});`);
    for (const m of members) {
        query(db, `INSERT INTO base_members (base_id, user_id, role, created_at) VALUES (${id}, ${m}, 'membre', ${now});`);
    }
    return id;
}

let slugCounter = 0;
function makeRessource(db, { titre, by, base = null, published = true, links = [], text = null }) {
    const now = Math.floor(Date.now() / 1000);
    slugCounter++;
    const id = insertId(db, `INSERT INTO ressources (base_id, created_by, titre, slug, description, etat, visibilite,
        published_at, created_at, updated_at) VALUES (${base ?? 'NULL'}, ${by}, ${lit(titre)}, ${lit(`r-${slugCounter}-${now}`)},
        'Une ressource pour les ateliers.', ${lit(published ? 'publie' : 'brouillon')}, ${lit(published ? 'public' : 'prive')},
        ${published ? now : 'NULL'}, ${now}, ${now})`);
    let pos = 0;
    for (const url of links) {
        pos++;
        query(db, `INSERT INTO ressource_blocks (ressource_id, position, kind, texte, url)
            VALUES (${id}, ${pos}, 'lien', 'Un lien', ${lit(url)});`);
    }
    if (text) {
        pos++;
        query(db, `INSERT INTO ressource_blocks (ressource_id, position, kind, texte) VALUES (${id}, ${pos}, 'texte', ${lit(text)});`);
    }
    return id;
}

/* The id of the collection a redirect points at. */
function collectionOf(res) {
    const m = (res.location || '').match(/^\/collections\/(\d+)/);
    assert.ok(m, `expected a redirect to a collection, got ${res.status} ${res.location}`);
    return Number(m[1]);
}

/* The titles of the resources of a collection page, in order. */
function itemTitles(html) {
    const ol = html.match(/<ol start="\d+">([\s\S]*?)<\/ol>/);
    if (!ol) return [];
    return [...ol[1].matchAll(/<li><p><a href="\/ressources\/\d+">([^<]*)<\/a>/g)].map((m) => h.decodeEntities(m[1]));
}

/* A site for the link checker: 200, a permanent redirection to it, 404, and a page that never
 * answers (its sockets are closed when the test ends). */
function linkSite() {
    const hanging = [];
    const server = http.createServer((req, res) => {
        if (req.url === '/ok') {
            res.writeHead(200, { 'content-type': 'text/plain' });
            res.end('bonjour');
        } else if (req.url === '/ancien') {
            res.writeHead(301, { location: '/ok' });
            res.end();
        } else if (req.url === '/lent') {
            hanging.push(res);
        } else {
            res.writeHead(404);
            res.end('absent');
        }
    });
    return new Promise((resolve) => {
        server.listen(0, '127.0.0.1', () => {
            resolve({
                base: `http://127.0.0.1:${server.address().port}`,
                close: () => {
                    for (const r of hanging) r.destroy();
                    server.closeAllConnections();
                    return new Promise((r) => server.close(r));
                },
            });
        });
    });
}


/* `relais ARGS` without blocking the event loop (the test's servers must answer meanwhile). */
function relaisAsync(args, env) {
    return new Promise((resolve, reject) => {
        const p = spawn(h.BIN, args, { env: { ...process.env, ...env } });
        let stdout = '';
        let stderr = '';
        p.stdout.on('data', (c) => (stdout += c));
        p.stderr.on('data', (c) => (stderr += c));
        p.on('error', reject);
        p.on('exit', (code) => resolve({ code, stdout, stderr }));
    });
}

h.forEachStore('ressources qualite', (ctx) => {
    let f;
    let base;
    const R = {};
    let site;

    ctx.test('setup: a base administered by the admin_structure, resources', async () => {
        f = ctx.fixture;
        site = await linkSite();
        base = makeBase(ctx.db, { nom: `Base qualité ${ctx.store}`, admin: f.users.admin_structure.id });
        R.atelier = makeRessource(ctx.db, {
            titre: 'Atelier messagerie', by: f.users.admin_structure.id, base,
            links: [`${site.base}/ok`, `${site.base}/ancien`, `${site.base}/absent`, `${site.base}/lent`],
            text: `Voir aussi ${site.base}/ok.`,
        });
        R.guide = makeRessource(ctx.db, { titre: 'Guide France Connect', by: f.spare.id });
        R.brouillon = makeRessource(ctx.db, { titre: 'Brouillon privé', by: f.users.admin_structure.id, base, published: false });
    });

    ctx.test('collections: create (validation keeps what was typed), save, order, remove', async () => {
        const med = await ctx.asRole('mediateur');
        const mine = await med.get('/collections');
        assert.equal(mine.status, 200);
        assert.match(mine.text, /<h1[^>]*>Mes collections<\/h1>/);
        const token = h.csrf(mine.text, '/collections');

        const bad = await med.post('/collections', { _csrf: token, titre: '  ', description: 'Pour le mardi', visibilite: 'prive' });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Titre : donnez un titre à la collection\./);
        assert.match(bad.text, /Pour le mardi<\/textarea>/);
        const wrongBase = await med.post('/collections', { _csrf: token, titre: 'X', visibilite: 'prive', base: String(base) });
        assert.equal(wrongBase.status, 400, 'the mediateur is not a member of the base');
        assert.match(wrongBase.text, /Propriétaire : choisissez vous-même ou une base dont vous êtes membre\./);

        const ok = await med.post('/collections', { _csrf: token, titre: 'Ateliers du mardi', description: 'Seniors', visibilite: 'prive' });
        assert.equal(ok.status, 303);
        const cid = collectionOf(ok);
        const page = await med.get(`/collections/${cid}?ok=creee`);
        assert.equal(page.status, 200);
        assert.match(page.text, /La collection a été créée\./);
        assert.match(page.text, /<h1[^>]*>Ateliers du mardi<\/h1>/);

        // « Enregistrer » two resources into it, one twice, and one into « Favoris ».
        for (const r of [R.atelier, R.guide]) {
            const s = await med.post(`/ressources/${r}/enregistrer`, { _csrf: token, collection: String(cid) });
            assert.equal(s.status, 303);
            assert.equal(s.location, `/collections/${cid}?ok=ajoutee`);
        }
        const again = await med.post(`/ressources/${R.guide}/enregistrer`, { _csrf: token, collection: String(cid) });
        assert.equal(again.location, `/collections/${cid}?ok=deja`);
        const fav = await med.post(`/ressources/${R.guide}/enregistrer`, { _csrf: token, collection: 'favoris' });
        assert.equal(fav.status, 303);
        const favId = collectionOf(fav);
        assert.notEqual(favId, cid);
        const favPage = await med.get(`/collections/${favId}`);
        assert.match(favPage.text, /<h1[^>]*>Favoris<\/h1>/);
        assert.deepEqual(itemTitles(favPage.text), ['Guide France Connect']);
        // A private draft of others cannot be saved: it is not found.
        const hidden = await med.post(`/ressources/${R.brouillon}/enregistrer`, { _csrf: token, collection: 'favoris' });
        assert.equal(hidden.status, 404);
        // A new collection from the form, with its title required.
        const noTitle = await med.post(`/ressources/${R.atelier}/enregistrer`, { _csrf: token, collection: 'nouvelle', titre: '' });
        assert.equal(noTitle.status, 400);
        assert.match(noTitle.text, /Titre : donnez un titre à la collection\./);

        assert.deepEqual(itemTitles((await med.get(`/collections/${cid}`)).text), ['Atelier messagerie', 'Guide France Connect']);
        const up = await med.post(`/collections/${cid}/ordre`, { _csrf: token, ressource: String(R.guide), sens: 'haut' });
        assert.equal(up.status, 303);
        const moved = await med.get(`/collections/${cid}`);
        assert.deepEqual(itemTitles(moved.text), ['Guide France Connect', 'Atelier messagerie']);
        // The buttons name the resource for screen readers; the first has no « Monter ».
        assert.match(moved.text, /Descendre<span class="govuk-visually-hidden"> « Guide France Connect »<\/span>/);
        assert.doesNotMatch(moved.text, /Monter<span class="govuk-visually-hidden"> « Guide France Connect »/);
        const badSens = await med.post(`/collections/${cid}/ordre`, { _csrf: token, ressource: String(R.guide), sens: 'gauche' });
        assert.equal(badSens.status, 400);
        const removed = await med.post(`/collections/${cid}/retirer`, { _csrf: token, ressource: String(R.guide) });
        assert.equal(removed.status, 303);
        assert.deepEqual(itemTitles((await med.get(`/collections/${cid}`)).text), ['Atelier messagerie']);
        f.collection = cid;
        f.favoris = favId;
    });

    ctx.test('collections: private to its owner, share link made and revoked, made public', async () => {
        const med = await ctx.asRole('mediateur');
        const token = await med.csrfToken('/collections');
        const cid = f.collection;
        const anon = ctx.client();
        assert.equal((await anon.get(`/collections/${cid}`)).status, 404);
        const coord = await ctx.asRole('coordinateur');
        const coordToken = await coord.csrfToken();
        assert.equal((await coord.get(`/collections/${cid}`)).status, 404);
        assert.equal((await coord.post(`/collections/${cid}/ordre`, { _csrf: coordToken, ressource: String(R.atelier), sens: 'bas' })).status, 404);
        // The admin reads every collection but changes none of another person's.
        const admin = await ctx.asRole('admin');
        const adminToken = await admin.csrfToken();
        assert.equal((await admin.get(`/collections/${cid}`)).status, 200);
        assert.equal((await admin.post(`/collections/${cid}/retirer`, { _csrf: adminToken, ressource: String(R.atelier) })).status, 403);

        const share = await med.post(`/collections/${cid}/partage`, { _csrf: token });
        assert.equal(share.status, 303);
        const page = await med.get(`/collections/${cid}`);
        const m = page.text.match(/\/collections\/partage\/([A-Za-z0-9_-]{43})/);
        assert.ok(m, 'the share link is shown to the owner');
        const shared = await anon.get(`/collections/partage/${m[1]}`);
        assert.equal(shared.status, 200);
        assert.deepEqual(itemTitles(shared.text), ['Atelier messagerie']);
        assert.doesNotMatch(shared.text, /Retirer<span/, 'no controls for a reader');
        const revoke = await med.post(`/collections/${cid}/partage/revoquer`, { _csrf: token });
        assert.equal(revoke.status, 303);
        const gone = await anon.get(`/collections/partage/${m[1]}`);
        assert.equal(gone.status, 404);
        assert.match(gone.text, /a été révoqué/);

        const form = await med.get(`/collections/${cid}/modifier`);
        assert.equal(form.status, 200);
        assert.match(form.text, /value="Ateliers du mardi"/);
        assert.equal((await coord.get(`/collections/${cid}/modifier`)).status, 404);
        assert.equal((await med.get(`/collections/${f.favoris}/modifier`)).status, 403);
        const edit = await med.post(`/collections/${cid}/modifier`, { _csrf: token, titre: 'Ateliers publics', description: '', visibilite: 'public' });
        assert.equal(edit.status, 303);
        const pub = await anon.get(`/collections/${cid}`);
        assert.equal(pub.status, 200);
        assert.match(pub.text, /Ateliers publics/);
        const badEdit = await med.post(`/collections/${cid}/modifier`, { _csrf: token, titre: 'x'.repeat(121), visibilite: 'public' });
        assert.equal(badEdit.status, 400);
        assert.match(badEdit.text, /Titre : 120 caractères au plus\./);
        // Favourites are neither renamed nor deleted.
        assert.equal((await med.post(`/collections/${f.favoris}/supprimer`, { _csrf: token })).status, 403);
        const del = await med.post(`/collections/${cid}/supprimer`, { _csrf: token });
        assert.equal(del.status, 303);
        assert.equal((await med.get(`/collections/${cid}`)).status, 404);
    });

    ctx.test("a base's collection is changed by its members", async () => {
        const adm = await ctx.asRole('admin_structure');
        const token = await adm.csrfToken('/collections');
        const res = await adm.post('/collections', { _csrf: token, titre: 'Sélection de la base', visibilite: 'public', base: String(base) });
        assert.equal(res.status, 303);
        const cid = collectionOf(res);
        const page = await adm.get(`/collections/${cid}`);
        assert.match(page.text, /Collection de la base « Base qualité/);
        const med = await ctx.asRole('mediateur');
        const medToken = await med.csrfToken('/collections');
        assert.equal((await med.get(`/collections/${cid}`)).status, 200, 'public');
        assert.equal((await med.post(`/collections/${cid}/supprimer`, { _csrf: medToken })).status, 403, 'not a member');
        // The base's page lists its public collections for everyone.
        const basePage = await ctx.client().get(`/bases/${base}`);
        assert.equal(basePage.status, 200);
        assert.match(basePage.text, /Collections de la base/);
        assert.match(basePage.text, /Sélection de la base/);
    });

    ctx.test('reviews: validation, one per person, not on one\'s own resource, reply, badge', async () => {
        const med = await ctx.asRole('mediateur');
        const page = await med.get(`/ressources/${R.atelier}/avis`);
        assert.equal(page.status, 200);
        assert.match(page.text, /Recommandez-vous cette ressource \?/);
        assert.match(page.text, /Aucun avis pour l&#39;instant\.|Aucun avis pour l'instant\./);
        const token = h.csrf(page.text, `/ressources/${R.atelier}/avis`);

        const bad = await med.post(`/ressources/${R.atelier}/avis`, { _csrf: token, commentaire: 'Très clair', a_jour: 'peut-etre' });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Recommandez-vous cette ressource \? : choisissez une réponse/);
        assert.match(bad.text, /À jour : répondez oui, non, ou laissez sans réponse\./);
        assert.match(bad.text, /Très clair<\/textarea>/);

        const ok = await med.post(`/ressources/${R.atelier}/avis`, { _csrf: token, recommandation: '3', a_jour: 'oui', facile_atelier: '', commentaire: 'Très clair' });
        assert.equal(ok.status, 303);
        assert.equal(ok.location, `/ressources/${R.atelier}/avis?ok=avis`);
        const again = await med.post(`/ressources/${R.atelier}/avis`, { _csrf: token, recommandation: '4', a_jour: 'oui', commentaire: 'Encore mieux' });
        assert.equal(again.status, 303);
        const after = await med.get(`/ressources/${R.atelier}/avis?ok=avis`);
        assert.match(after.text, /Merci, votre avis a été enregistré\./);
        assert.match(after.text, /1 avis\. Recommandez-vous cette ressource \? Beaucoup : 1, oui : 0, moyen : 0, non : 0\./);
        assert.match(after.text, /À jour : oui pour 1 sur 1 réponses\./);
        assert.match(after.text, /Encore mieux/);
        assert.match(after.text, /Modifier mon avis/);

        // The author (and the members of its base) do not review it.
        const adm = await ctx.asRole('admin_structure');
        const admToken = await adm.csrfToken();
        const own = await adm.post(`/ressources/${R.atelier}/avis`, { _csrf: admToken, recommandation: '4' });
        assert.equal(own.status, 403);
        assert.match(own.text, /auteurs de cette ressource/);

        // Two more « Beaucoup »: three reviews of 4 make it « Très recommandée ».
        for (const role of ['coordinateur', 'admin']) {
            const c = await ctx.asRole(role);
            const t = await c.csrfToken();
            assert.equal((await c.post(`/ressources/${R.atelier}/avis`, { _csrf: t, recommandation: '4' })).status, 303);
        }
        const badge = await med.get(`/ressources/${R.atelier}/avis`);
        assert.match(badge.text, /Très recommandée/);
        assert.match(badge.text, /3 avis\./);

        // The author replies; others may not.
        const aid = Number(one(ctx.db, `SELECT id FROM ressource_avis WHERE ressource_id = ${R.atelier} AND user_id = ${f.users.mediateur.id};`));
        const reply = await adm.post(`/ressources/${R.atelier}/avis/${aid}/reponse`, { _csrf: admToken, reponse: 'Merci, nous ajoutons une fiche.' });
        assert.equal(reply.status, 303);
        const withReply = await med.get(`/ressources/${R.atelier}/avis`);
        assert.match(withReply.text, /Merci, nous ajoutons une fiche\./);
        const medToken = await med.csrfToken();
        assert.equal((await med.post(`/ressources/${R.atelier}/avis/${aid}/reponse`, { _csrf: medToken, reponse: 'Moi aussi' })).status, 403);
        // A review of another resource is not answered through this one.
        assert.equal((await adm.post(`/ressources/${R.guide}/avis/${aid}/reponse`, { _csrf: admToken, reponse: 'x' })).status, 403);

        // Deleting one's review.
        const del = await med.post(`/ressources/${R.atelier}/avis/supprimer`, { _csrf: medToken });
        assert.equal(del.status, 303);
        assert.match((await med.get(`/ressources/${R.atelier}/avis`)).text, /2 avis\./);
        assert.equal((await med.post(`/ressources/${R.atelier}/avis/supprimer`, { _csrf: medToken })).status, 404);
        // A draft is not reviewed, and a private one is not even found.
        assert.equal((await med.post(`/ressources/${R.brouillon}/avis`, { _csrf: medToken, recommandation: '2' })).status, 404);
    });

    ctx.test('reports: a signed-in person reports, the base administrator decides, once', async () => {
        const med = await ctx.asRole('mediateur');
        const form = await med.get(`/ressources/${R.atelier}/signaler`);
        assert.equal(form.status, 200);
        const token = h.csrf(form.text, `/ressources/${R.atelier}/signaler`);
        const bad = await med.post(`/ressources/${R.atelier}/signaler`, { _csrf: token, motif: 'spam', commentaire: 'Le lien est mort' });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Motif : contenu inapproprié, ressource obsolète, erreurs ou doublon\./);
        assert.match(bad.text, /Le lien est mort<\/textarea>/);
        const ok = await med.post(`/ressources/${R.atelier}/signaler`, { _csrf: token, motif: 'outdated', commentaire: 'Le lien est mort' });
        assert.equal(ok.status, 303);
        assert.match((await med.get(ok.location)).text, /Merci, votre signalement a été transmis aux modérateurs\./);
        const again = await med.post(`/ressources/${R.atelier}/signaler`, { _csrf: token, motif: 'errors' });
        assert.equal(again.status, 409);
        assert.match(again.text, /Vous avez déjà signalé cette ressource/);
        const other = await med.post(`/ressources/${R.guide}/signaler`, { _csrf: token, motif: 'duplicate' });
        assert.equal(other.status, 303);

        assert.equal((await med.get('/moderation')).status, 403);
        const adm = await ctx.asRole('admin_structure');
        const queue = await adm.get('/moderation');
        assert.equal(queue.status, 200);
        assert.match(queue.text, /Ressource obsolète : « Atelier messagerie »/);
        assert.doesNotMatch(queue.text, /Guide France Connect/, 'not a resource of their base');
        const sid = Number(one(ctx.db, `SELECT id FROM ressource_signalements WHERE ressource_id = ${R.atelier};`));
        const sid2 = Number(one(ctx.db, `SELECT id FROM ressource_signalements WHERE ressource_id = ${R.guide};`));
        const admToken = h.csrf(queue.text, `/moderation/${sid}`);
        assert.equal((await adm.post(`/moderation/${sid2}`, { _csrf: admToken, [`decision-${sid2}`]: 'rejete' })).status, 403);
        const noDecision = await adm.post(`/moderation/${sid}`, { _csrf: admToken });
        assert.equal(noDecision.status, 400);
        const decided = await adm.post(`/moderation/${sid}`, { _csrf: admToken, [`decision-${sid}`]: 'resolu', [`note-${sid}`]: 'Lien remplacé' });
        assert.equal(decided.status, 303);
        const twice = await adm.post(`/moderation/${sid}`, { _csrf: admToken, [`decision-${sid}`]: 'rejete' });
        assert.equal(twice.status, 409);
        const done = await adm.get('/moderation?etat=resolu');
        assert.match(done.text, /Résolu le .* par Test admin_structure/);
        assert.match(done.text, /Note : Lien remplacé/);
        // The platform admin sees and decides every report.
        const admin = await ctx.asRole('admin');
        const all = await admin.get('/moderation');
        assert.match(all.text, /Doublon : « Guide France Connect »/);
        const t = h.csrf(all.text, `/moderation/${sid2}`);
        assert.equal((await admin.post(`/moderation/${sid2}`, { _csrf: t, [`decision-${sid2}`]: 'rejete' })).status, 303);
        assert.match(one(ctx.db, `SELECT count(*) FROM audit_log WHERE action IN ('signalement_resolu', 'signalement_rejete');`), /^2$/);
    });

    ctx.test('« Marquer comme vérifiée » is for the authors', async () => {
        const med = await ctx.asRole('mediateur');
        const medToken = await med.csrfToken();
        assert.equal((await med.post(`/ressources/${R.atelier}/verification`, { _csrf: medToken })).status, 403);
        const adm = await ctx.asRole('admin_structure');
        const token = await adm.csrfToken();
        const res = await adm.post(`/ressources/${R.atelier}/verification`, { _csrf: token });
        assert.equal(res.status, 303);
        assert.match(one(ctx.db, `SELECT last_verified_at FROM ressources WHERE id = ${R.atelier};`), /^\d+$/);
        assert.match(one(ctx.db, `SELECT count(*) FROM ressource_history WHERE ressource_id = ${R.atelier} AND action = 'verified';`), /^1$/);
    });

    ctx.test('relais maintenance checks the links, records each hop, lists and mails them to the authors', async () => {
        const smtp = await smtpServer();
        try {
            const env = {
                RELAIS_LINKCHECK_PRIVATE: '1', RELAIS_LINKCHECK_TIMEOUT_MS: '1500', RELAIS_LINKCHECK_HOST_DELAY_MS: '10',
                RELAIS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, RELAIS_SMTP_FROM: 'relais@exemple.fr',
                RELAIS_BASE_URL: 'https://relais.exemple.fr',
            };
            const bad = await relaisAsync(['maintenance', '--database', ctx.db.url, '--only', 'inconnue'], env);
            assert.equal(bad.code, 2);
            assert.match(bad.stderr, /étape inconnue « inconnue »/);
            const run = await relaisAsync(['maintenance', '--database', ctx.db.url, '--only', 'liens'], env);
            assert.equal(run.code, 0, run.stderr);
            // Four link blocks and the address in the text (the same as the first: one finding).
            assert.match(run.stdout, /^liens : 4 liens vérifiés dans 1 ressources \(4 adresses\) : 1 valides, 1 redirigés, 2 morts ; 1 courriels envoyés$/m);
            const rows = query(ctx.db, `SELECT url, etat, COALESCE(http_status, 0), COALESCE(final_url, ''), COALESCE(erreur, ''), COALESCE(chaine, '')
                FROM ressource_liens WHERE ressource_id = ${R.atelier} ORDER BY url;`).trim().split('\n').map((l) => l.split('|'));
            const by = Object.fromEntries(rows.map((r) => [r[0].replace(site.base, ''), r]));
            assert.equal(by['/ok'][1], 'ok');
            assert.equal(by['/ancien'][1], 'redirige');
            assert.equal(by['/ancien'][3], `${site.base}/ok`);
            assert.deepEqual(JSON.parse(by['/ancien'][5]), [{ url: `${site.base}/ancien`, statut: 301 }]);
            assert.equal(by['/absent'][1], 'mort');
            assert.equal(by['/absent'][2], '404');
            assert.equal(by['/lent'][1], 'mort');
            assert.match(by['/lent'][4], /délai dépassé/);

            assert.equal(smtp.received.length, 1);
            const mail = smtp.received[0];
            assert.ok(mail.to.some((t) => t.includes(f.users.admin_structure.email)));
            const body = mail.data.replace(/=\r\n/g, '');
            assert.match(body, /Atelier messagerie/);
            assert.match(body, /ancien/);
            assert.match(body, /^Tous vos liens à corriger : https:\/\/relais\.exemple\.fr\/qualite\r?$/m);
            assert.match(body, new RegExp(`^La ressource : https://relais\\.exemple\\.fr/ressources/${R.atelier}\\r?$`, 'm'));

            // A second run tells nobody again: the state did not change.
            const rerun = await relaisAsync(['maintenance', '--database', ctx.db.url], env);
            assert.equal(rerun.code, 0, rerun.stderr);
            assert.match(rerun.stdout, /0 courriels envoyés/);
            assert.equal(smtp.received.length, 1);
        } finally {
            await smtp.close();
        }

        // The authors' page lists what to fix; others see nothing of it.
        const adm = await ctx.asRole('admin_structure');
        const page = await adm.get('/qualite');
        assert.equal(page.status, 200);
        assert.match(page.text, /Liens à corriger : 3/);
        assert.match(page.text, /href="\/moderation">Les signalements à modérer/, 'a base administrator');
        assert.match(page.text, /ne répond plus \(erreur HTTP 404\)/);
        assert.match(page.text, /redirigé pour de bon vers/);
        const med = await ctx.asRole('mediateur');
        assert.match((await med.get('/qualite')).text, /Liens à corriger : 0/);
        await site.close();
    });
    ctx.test('the resource page carries the quality panel; its authors see what to fix', async () => {
        const med = await ctx.asRole('mediateur');
        const page = await med.get(`/ressources/${R.atelier}`);
        assert.equal(page.status, 200);
        assert.match(page.text, /id="qualite-avis">Avis<\/h2>/);
        assert.match(page.text, /Recommandée/, 'two « Beaucoup » are left: the badge');
        assert.match(page.text, /2 avis\./);
        assert.doesNotMatch(page.text, /Enregistrée dans/, 'its collection was deleted');
        assert.match((await med.get(`/ressources/${R.guide}`)).text, /Enregistrée dans 1 collection\./, 'in Favoris');
        assert.match(page.text, /Enregistrer dans la collection/);
        assert.match(page.text, /Signaler un problème sur cette ressource/);
        assert.doesNotMatch(page.text, /Complétude/);
        const adm = await ctx.asRole('admin_structure');
        const own = await adm.get(`/ressources/${R.atelier}`);
        assert.match(own.text, /Complétude : \d+ %/);
        assert.match(own.text, /Une image \(10 points\)/);
        assert.match(own.text, /Lien mort/);
        assert.match(own.text, /Lien redirigé/);
        assert.match(own.text, /Redirections suivies : http:\/\/127\.0\.0\.1:\d+\/ancien \(301\)/);
        assert.match(own.text, /Vérifiée par ses auteurs le/);
        assert.match(page.text, /Contenu vérifié par ses auteurs le/, 'readers see the date too');
        assert.match(own.text, /Vous êtes l&#39;un des auteurs|Vous êtes l'un des auteurs|Lire les avis/);
        const anon = await ctx.client().get(`/ressources/${R.atelier}`);
        assert.match(anon.text, /Connectez-vous pour enregistrer cette ressource/);
    });
    ctx.test('reports are mailed to the base administrators, decisions to the reporter', async () => {
        const smtp = await smtpServer();
        try {
            const srv = await ctx.startServer({
                db: ctx.db,
                env: { RELAIS_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, RELAIS_SMTP_FROM: 'relais@exemple.fr',
                    RELAIS_BASE_URL: 'https://relais.exemple.fr' },
            });
            const med = new h.Client(srv.base);
            await med.loginOk(f.users.mediateur);
            const token = await med.csrfToken();
            // The earlier report on this resource was resolved: a new one may be made.
            const res = await med.post(`/ressources/${R.atelier}/signaler`, { _csrf: token, motif: 'inappropriate', commentaire: 'Publicité' });
            assert.equal(res.status, 303);
            assert.equal(smtp.received.length, 1);
            assert.ok(smtp.received[0].to.some((t) => t.includes(f.users.admin_structure.email)));
            const body = smtp.received[0].data;
            assert.match(body, /La ressource « Atelier messagerie » a été signalée \(Contenu inapproprié\)\./);
            assert.match(body, /Commentaire : Publicité/);
            assert.match(body, /La file de modération : https:\/\/relais\.exemple\.fr\/moderation\r?$/m);
            assert.doesNotMatch(body, /\(null\)/);

            const adm = new h.Client(srv.base);
            await adm.loginOk(f.users.admin_structure);
            const queue = await adm.get('/moderation');
            const sid = Number(one(ctx.db, `SELECT id FROM ressource_signalements WHERE ressource_id = ${R.atelier} AND statut = 'ouvert';`));
            const t = h.csrf(queue.text, `/moderation/${sid}`);
            const decided = await adm.post(`/moderation/${sid}`, { _csrf: t, [`decision-${sid}`]: 'rejete', [`note-${sid}`]: 'Pas de publicité ici' });
            assert.equal(decided.status, 303);
            assert.equal(smtp.received.length, 2);
            assert.ok(smtp.received[1].to.some((x) => x.includes(f.users.mediateur.email)));
            assert.match(smtp.received[1].data, /examiné et n'a pas été retenu par les modérateurs\./);
            assert.match(smtp.received[1].data, /Leur note : Pas de publicité ici/);
        } finally {
            await smtp.close();
        }
    });
});
