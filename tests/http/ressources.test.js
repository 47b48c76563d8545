'use strict';
/*
 * Bases and resources, on both stores: creating a base and its members (invitation by address,
 * join request accepted or refused, the last administrator stays), a resource in one multipart
 * form (blocks, a PDF with its preview, indexation, publication), files served with their sniffed
 * type, lying and oversized uploads refused in French with nothing stored, Markdown that cannot
 * inject markup, drafts and private resources hidden from others (pages, search, API), edits and
 * their history, the search page and API (typo, no accents, synonym, filters with counts, sorts,
 * bad queries), the JSON import and export (API and command line, idempotent on the external id).
 */
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./lib/harness');

/* A one-page PDF (pdftoppm draws it). */
const PDF = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
/* A PDF whose page holds text, for the search of the files' text. */
const TEXT_CONTENT = 'BT /F1 18 Tf 10 50 Td (Fiche tournesol) Tj ET';
const TEXT_PDF = Buffer.from(
    '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n' +
    '3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 300 100]/Contents 4 0 R/Resources<</Font<</F1 5 0 R>>>>>>endobj\n' +
    `4 0 obj<</Length ${TEXT_CONTENT.length}>>stream\n${TEXT_CONTENT}\nendstream endobj\n` +
    '5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n');

function form(fields, files = {}) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) for (const x of [].concat(v)) fd.append(k, x);
    for (const [k, f] of Object.entries(files)) fd.append(k, new Blob([f.data], { type: f.type || 'application/octet-stream' }), f.name);
    return fd;
}

function idFrom(location, prefix) {
    const m = location && location.match(new RegExp(`^${prefix}/(\\d+)`));
    assert.ok(m, `redirect to ${prefix}/ID expected, got ${location}`);
    return Number(m[1]);
}

/* The titles of the results of a search page, in order. */
function titles(html) {
    return [...html.matchAll(/<h3 class="govuk-heading-s"><a class="govuk-link" href="\/ressources\/\d+">(.*?)<\/a>/g)]
        .map((m) => h.decodeEntities(m[1].replace(/<\/?mark>/g, '')));
}

h.forEachStore('ressources', (ctx) => {
    let f, med, adm, coord, anon, admin;
    let baseId, pdfId, draftId, privateId, csrfMed;

    async function newResource(client, fields, files) {
        const token = await client.csrfToken('/ressources/nouvelle');
        return client.request('POST', '/ressources/nouvelle', { body: form({ _csrf: token, blocs: '4', ...fields }, files) });
    }

    ctx.test('setup: a session per role', async () => {
        f = ctx.fixture;
        med = await ctx.asRole('mediateur');
        adm = await ctx.asRole('admin_structure');
        coord = await ctx.asRole('coordinateur');
        admin = await ctx.asRole('admin');
        anon = ctx.client();
        csrfMed = await med.csrfToken('/bases/nouvelle');
    });

    ctx.test('a médiateur creates a base; a bad one comes back in French with what was typed', async () => {
        const bad = await med.post('/bases/nouvelle', { _csrf: csrfMed, nom: '   ', description: 'Nos fiches <b>', visibilite: 'public' });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Saisissez le nom de la base/);
        assert.match(bad.text, /Nos fiches &lt;b&gt;/);
        // A structure the médiateur does not belong to is refused.
        const other = await med.post('/bases/nouvelle', { _csrf: csrfMed, nom: 'Autre', structure: String(f.other), visibilite: 'public' });
        assert.equal(other.status, 400);
        assert.match(other.text, /vous n&#39;êtes pas membre de cette structure|vous n'êtes pas membre de cette structure/);
        const res = await med.post('/bases/nouvelle', {
            _csrf: csrfMed, nom: 'Atelier numérique de Laval', description: 'Nos fiches', structure: String(f.structure), visibilite: 'public',
        });
        assert.equal(res.status, 303);
        baseId = idFrom(res.location, '/bases');
        const page = await anon.get(`/bases/${baseId}`);
        assert.equal(page.status, 200);
        assert.match(page.text, /Atelier numérique de Laval/);
        assert.match(page.text, /Base de la structure Espace numérique de Laval/);
        const list = await anon.get('/bases');
        assert.match(list.text, /Atelier numérique de Laval/);
    });

    ctx.test('members: invitation by address, join request, roles, the last administrator stays', async () => {
        const path_ = `/bases/${baseId}`;
        // Only an administrator of the base invites.
        const notAdmin = await adm.post(`${path_}/invitations`, { _csrf: await adm.csrfToken(path_), email: f.users.coordinateur.email });
        assert.equal(notAdmin.status, 403);
        const unknown = await med.post(`${path_}/invitations`, { _csrf: csrfMed, email: 'personne@example.org', role: 'membre' });
        assert.equal(unknown.status, 400);
        assert.match(unknown.text, /Aucun compte actif n&#39;a cette adresse|Aucun compte actif n'a cette adresse/);
        const inv = await med.post(`${path_}/invitations`, { _csrf: csrfMed, email: f.users.admin_structure.email, role: 'membre' });
        assert.equal(inv.status, 303);
        const bases = await adm.get('/bases');
        const accept = h.forms(bases.text).find((x) => /^\/bases\/invitations\/\d+$/.test(x.action));
        assert.ok(accept, 'the invited person sees the invitation');
        // Someone else cannot answer it.
        const stolen = await coord.post(accept.action, { _csrf: await coord.csrfToken('/bases'), action: 'accepter' });
        assert.equal(stolen.status, 404);
        const ok = await adm.post(accept.action, { _csrf: accept.fields._csrf, action: 'accepter' });
        assert.equal(ok.status, 303);
        assert.equal((await adm.get(`${path_}/membres`)).status, 200);
        // A join request, refused then accepted.
        const ask = await coord.post(`${path_}/demandes`, { _csrf: await coord.csrfToken(path_), message: 'Je coordonne le 53' });
        assert.equal(ask.status, 303);
        const again = await coord.post(`${path_}/demandes`, { _csrf: await coord.csrfToken(path_), message: '' });
        assert.equal(again.status, 409);
        let members = await med.get(`${path_}/membres`);
        assert.match(members.text, /Je coordonne le 53/);
        let decide = h.forms(members.text).find((x) => /\/demandes\/\d+$/.test(x.action));
        assert.equal((await med.post(decide.action, { _csrf: csrfMed, action: 'refuser' })).status, 303);
        assert.equal((await coord.get(`${path_}/membres`)).status, 403, 'refused: not a member');
        assert.equal((await coord.post(`${path_}/demandes`, { _csrf: await coord.csrfToken(path_), message: 'Encore' })).status, 303);
        members = await med.get(`${path_}/membres`);
        decide = h.forms(members.text).find((x) => /\/demandes\/\d+$/.test(x.action));
        assert.equal((await med.post(decide.action, { _csrf: csrfMed, action: 'accepter' })).status, 303);
        assert.equal((await coord.get(`${path_}/membres`)).status, 200);
        // The only administrator cannot leave or step down.
        const self = await med.post(`${path_}/membres/${f.users.mediateur.id}`, { _csrf: csrfMed, action: 'retirer' });
        assert.equal(self.status, 409);
        assert.match(self.text, /au moins un administrateur/);
        // Removing the coordinateur again.
        assert.equal((await med.post(`${path_}/membres/${f.users.coordinateur.id}`, { _csrf: csrfMed, action: 'retirer' })).status, 303);
        assert.equal((await coord.get(`${path_}/membres`)).status, 403);
    });

    ctx.test('a resource with a PDF in one form: published, its file served with the sniffed type', async () => {
        const res = await newResource(med, {
            titre: 'Déjouer le hameçonnage',
            description: 'Reconnaître un courriel frauduleux en atelier.',
            base: String(baseId),
            'bloc-1-type': 'titre', 'bloc-1-texte': 'Déroulé',
            'bloc-2-texte': 'Un **courriel** pressant est suspect.\n\n<script>alert(1)</script>\n\n[clic](javascript:alert(1))',
            'bloc-3-url': 'HTTPS://www.cybermalveillance.gouv.fr/', 'bloc-3-texte': 'Cybermalveillance',
            'bloc-4-legende': 'Fiche à imprimer',
            theme: ['risques_cyber_et_protection'], public: ['seniors_personnes_agees'], tags: 'arnaques, sécurité',
            licence: 'cc_by_sa_4_0', visibilite: 'public', action: 'publier',
        }, { 'bloc-4-fichier': { name: 'fiche-hameconnage.pdf', data: PDF, type: 'application/pdf' } });
        assert.equal(res.status, 303, res.text.slice(0, 2000));
        pdfId = idFrom(res.location, '/ressources');
        const page = await anon.get(`/ressources/${pdfId}`);
        assert.equal(page.status, 200);
        assert.match(page.text, /<h2>Déroulé<\/h2>/);
        assert.match(page.text, /<strong>courriel<\/strong>/);
        assert.doesNotMatch(page.text, /<script>alert/);
        assert.doesNotMatch(page.text, /javascript:/i);
        assert.match(page.text, /Creative Commons BY-SA 4.0/);
        assert.match(page.text, /Risques cyber et protection/);
        assert.match(page.text, /href="https:\/\/www.cybermalveillance.gouv.fr\/" rel="noopener noreferrer">Cybermalveillance</);
        const link = page.text.match(/href="(\/ressources\/\d+\/fichiers\/[0-9a-f]{64})">Fiche à imprimer/);
        assert.ok(link, 'a link to the PDF');
        const file = await anon.get(link[1]);
        assert.equal(file.status, 200);
        assert.equal(file.headers.get('content-type'), 'application/pdf');
        assert.match(file.headers.get('content-disposition'), /^inline; filename\*=UTF-8''fiche-hameconnage\.pdf$/);
        assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
        assert.deepEqual(file.bytes, PDF);
        // The preview of the first page (pdftoppm is in the dependencies).
        const preview = page.text.match(/src="(\/ressources\/\d+\/fichiers\/[0-9a-f]{64})" alt="Première page de fiche-hameconnage.pdf"/);
        assert.ok(preview, 'a preview image');
        const png = await anon.get(preview[1]);
        assert.equal(png.headers.get('content-type'), 'image/png');
        assert.equal(png.bytes.subarray(1, 4).toString(), 'PNG');
        // A hash that is not one of this resource's files opens nothing.
        assert.equal((await anon.get(`/ressources/${pdfId}/fichiers/${'a'.repeat(64)}`)).status, 404);
    });

    ctx.test('lying and oversized uploads: a French message, the form keeps what was typed, nothing stored', async () => {
        const before = (await admin.get('/api/v1/ressources?limite=200')).json().total;
        const lying = await newResource(med, { titre: 'Titre gardé', 'bloc-1-type': 'fichier', action: 'publier' },
            { 'bloc-1-fichier': { name: 'guide.pdf', data: HTML, type: 'application/pdf' } });
        assert.equal(lying.status, 400);
        assert.match(lying.text, /« guide.pdf » se présente comme un PDF mais contient une page HTML/);
        assert.match(lying.text, /value="Titre gardé"/);
        const big = await newResource(med, { titre: 'Gros fichier', action: 'publier' },
            { 'bloc-1-fichier': { name: 'gros.pdf', data: Buffer.concat([PDF, Buffer.alloc(21 * 1024 * 1024)]) } });
        assert.equal(big.status, 400);
        assert.match(big.text, /la limite est de 20 Mo par fichier/);
        const exe = await newResource(med, { titre: 'Programme', action: 'publier' },
            { 'bloc-1-fichier': { name: 'outil.pdf', data: Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120)]) } });
        assert.equal(exe.status, 400);
        assert.match(exe.text, /se présente comme un PDF mais contient/);
        assert.equal((await admin.get('/api/v1/ressources?limite=200')).json().total, before);
    });

    ctx.test('drafts and private resources: only their authors and their base see them', async () => {
        const d = await newResource(adm, { titre: 'Brouillon sur les courriels', description: 'En cours', action: 'brouillon' });
        assert.equal(d.status, 303);
        draftId = idFrom(d.location, '/ressources');
        const p = await newResource(med, { titre: 'Courriels de la base, privée', base: String(baseId), visibilite: 'prive', action: 'publier' });
        assert.equal(p.status, 303);
        privateId = idFrom(p.location, '/ressources');
        for (const [id, who, status] of [[draftId, anon, 404], [draftId, coord, 404], [draftId, adm, 200], [draftId, admin, 200],
            [privateId, anon, 404], [privateId, coord, 404], [privateId, adm, 200], [privateId, med, 200]]) {
            assert.equal((await who.get(`/ressources/${id}`)).status, status, `/ressources/${id}`);
        }
        const search = (c) => c.get('/api/v1/ressources?q=courriels').then((r) => r.json().data.map((x) => x.relais_id));
        assert.ok(!(await search(anon)).includes(privateId));
        assert.ok(!(await search(anon)).includes(draftId));
        assert.ok((await search(med)).includes(privateId), 'a member of the base finds it');
        assert.ok((await search(adm)).includes(draftId), 'its author finds the draft');
        assert.equal((await anon.get(`/api/v1/ressources/${privateId}`)).status, 404);
        const page = await anon.get('/ressources?q=courriels');
        assert.doesNotMatch(page.text, /Courriels de la base, privée/);
        // Publishing the draft makes it public.
        const t = await adm.csrfToken(`/ressources/${draftId}`);
        assert.equal((await adm.post(`/ressources/${draftId}/publication`, { _csrf: t, visibilite: 'public' })).status, 303);
        assert.equal((await anon.get(`/ressources/${draftId}`)).status, 200);
        assert.ok((await search(anon)).includes(draftId));
    });

    ctx.test('editing: authors only, the history tells what changed', async () => {
        assert.equal((await coord.get(`/ressources/${pdfId}/modifier`)).status, 403);
        const edit = await med.get(`/ressources/${pdfId}/modifier`);
        assert.equal(edit.status, 200);
        const fm = h.forms(edit.text).find((x) => x.action === `/ressources/${pdfId}/modifier`);
        assert.ok(fm);
        assert.match(edit.text, /Fichier joint : fiche-hameconnage.pdf/);
        const fields = { ...fm.fields, titre: 'Déjouer le hameçonnage (phishing)', action: 'publier' };
        delete fields['bloc-4-fichier'];
        const res = await med.request('POST', `/ressources/${pdfId}/modifier`, { body: form(fields) });
        assert.equal(res.status, 303, res.text.slice(0, 1500));
        const page = await anon.get(`/ressources/${pdfId}`);
        assert.match(page.text, /Déjouer le hameçonnage \(phishing\)/);
        assert.match(page.text, /fiche-hameconnage\.pdf|Fiche à imprimer/, 'the file stays');
        const hist = await anon.get(`/ressources/${pdfId}/historique`);
        assert.match(hist.text, /Création/);
        assert.match(hist.text, /Publication/);
        assert.match(hist.text, /Nouvelle publication/);
        assert.match(hist.text, /Titre ou description modifiés ; titre : « Déjouer le hameçonnage » → « Déjouer le hameçonnage \(phishing\) »/);
        // A contributor may edit; the page lists them.
        const t = await med.csrfToken(`/ressources/${pdfId}`);
        assert.equal((await med.post(`/ressources/${pdfId}/contributeurs`, { _csrf: t, email: f.users.coordinateur.email })).status, 303);
        assert.equal((await coord.get(`/ressources/${pdfId}/modifier`)).status, 200);
        assert.equal((await med.post(`/ressources/${pdfId}/contributeurs`, { _csrf: t, email: 'personne@example.org' })).status, 400);
    });

    ctx.test('the largest form (25 blocks, every checkbox) stays within the fields a form may send', async () => {
        const page = await med.get('/ressources/nouvelle');
        const fields = { _csrf: h.csrf(page.text, '/ressources/nouvelle'), titre: 'Vingt-cinq blocs', blocs: '25', action: 'brouillon' };
        for (const name of ['theme', 'type', 'public', 'secteur']) {
            fields[name] = [...page.text.matchAll(new RegExp(`name="${name}" value="([a-z_]+)"`, 'g'))].map((m) => m[1]);
        }
        assert.equal(fields.theme.length, 29);
        for (let i = 1; i <= 25; i++) {
            Object.assign(fields, { [`bloc-${i}-type`]: 'texte', [`bloc-${i}-texte`]: `Texte ${i}`, [`bloc-${i}-url`]: '', [`bloc-${i}-legende`]: '' });
            fields[`bloc-${i}-joint`] = `${'0'.repeat(64)} absent.pdf`; // a file that is not stored: left out
        }
        const res = await med.request('POST', '/ressources/nouvelle', { body: form(fields) });
        assert.equal(res.status, 303, res.text.slice(0, 800));
        const id = idFrom(res.location, '/ressources');
        const shown = await med.get(`/ressources/${id}`);
        assert.match(shown.text, /Texte 25/);
        const more = await med.request('POST', '/ressources/nouvelle', { body: form({ ...fields, action: 'blocs' }) });
        assert.equal(more.status, 200);
        assert.match(more.text, /name="blocs" value="25"/, 'no more than 25 rows');
    });

    ctx.test('suggested indexation from the text', async () => {
        const token = await med.csrfToken('/ressources/nouvelle');
        const res = await med.request('POST', '/ressources/nouvelle', {
            body: form({ _csrf: token, blocs: '4', titre: 'Arnaques au téléphone pour les seniors', 'bloc-1-texte': 'Un atelier vidéo sur le smartphone.', action: 'suggerer' }),
        });
        assert.equal(res.status, 200);
        assert.match(res.text, /Cochées d&#39;après le texte|Cochées d'après le texte/);
        const fm = h.forms(res.text).find((x) => x.action === '/ressources/nouvelle');
        const checked = (name, value) => new RegExp(`name="${name}" value="${value}" checked`).test(res.text);
        assert.ok(checked('theme', 'risques_cyber_et_protection'));
        assert.ok(checked('public', 'seniors_personnes_agees'));
        assert.ok(checked('type', 'video_webinaire'));
        assert.equal(fm.fields.titre, 'Arnaques au téléphone pour les seniors');
    });

    ctx.test('search: typo, no accents, synonym; filters with counts; sorts; never an error page', async () => {
        for (const q of ['hamesonnage', 'hameconnage', 'phishing', 'deJOUER le hamecon']) {
            const page = await anon.get(`/ressources?q=${encodeURIComponent(q)}`);
            assert.equal(page.status, 200);
            assert.equal(titles(page.text)[0], 'Déjouer le hameçonnage (phishing)', q);
        }
        // The words found are marked, escaped like the rest.
        assert.match((await anon.get('/ressources?q=hameconnage')).text, /Déjouer le <mark>hameçonnage<\/mark>/);
        const syn = (await anon.get('/api/v1/ressources?q=mail')).json();
        assert.ok(syn.data.some((x) => x.relais_id === pdfId), 'mail = courriel');
        const filtered = (await anon.get('/api/v1/ressources?theme=risques_cyber_et_protection')).json();
        assert.ok(filtered.data.every((x) => x.themes.includes('risques_cyber_et_protection')));
        assert.equal(filtered.facettes.themes.risques_cyber_et_protection, filtered.total);
        assert.equal(typeof filtered.facettes.beneficiaries.parents, 'number');
        const page = await anon.get('/ressources?theme=risques_cyber_et_protection');
        assert.match(page.text, /Risques cyber et protection \(\d+\)/);
        assert.match(page.text, /checked><label class="govuk-label govuk-checkboxes__label" for="theme-2-\d+">Risques cyber/);
        const az = (await anon.get('/api/v1/ressources?tri=az')).json().data.map((x) => x.title);
        assert.deepEqual(az, [...az].sort((a, b) => a.localeCompare(b, 'fr', { sensitivity: 'base' })));
        for (const q of ['', '"unbalanced', 'a'.repeat(5000), 'ctrl\u0001\u0007chars', '((((', '%00', '\u00e9'.repeat(600)]) {
            assert.equal((await anon.get(`/ressources?q=${encodeURIComponent(q)}`)).status, 200, JSON.stringify(q.slice(0, 20)));
            assert.equal((await anon.get(`/api/v1/ressources?q=${encodeURIComponent(q)}`)).status, 200);
        }
        // A 10,000-character query cannot come from the search box, which stops typing at 500
        // characters (the engine reads no more); 5,000 characters typed by hand still get a page.
        assert.match((await anon.get('/ressources')).text, /<input[^>]*name="q"[^>]*maxlength="500"/);
        assert.match((await anon.get(`/bases/${baseId}`)).text, /<input[^>]*name="q"[^>]*maxlength="500"/);
        assert.equal((await anon.get('/ressources?tri=nimporte&theme=inconnu&page=-3')).status, 200);
        assert.match((await anon.get('/ressources?q=zzzxqwv')).text, /Aucune ressource ne correspond à cette recherche/);
        assert.equal((await anon.get('/api/v1/ressources?limite=0')).status, 400);
        // The text of a PDF is searched.
        const withText = await newResource(med, { titre: 'Support imprimable', action: 'publier' },
            { 'bloc-1-fichier': { name: 'support.pdf', data: TEXT_PDF, type: 'application/pdf' } });
        assert.equal(withText.status, 303);
        const inPdf = (await anon.get('/api/v1/ressources?q=tournesols')).json();
        assert.deepEqual(inPdf.data.map((x) => x.title), ['Support imprimable']);
        // Within one base: its page has a search box, the results stay in the base.
        assert.match((await anon.get(`/bases/${baseId}`)).text, /<input type="hidden" name="base" value="\d+">/);
        const inBase = (await med.get(`/api/v1/ressources?base=${baseId}`)).json();
        assert.ok(inBase.total >= 2, `${inBase.total} resources in the base`);
        assert.ok(inBase.data.every((x) => x.base === 'Atelier numérique de Laval'));
        assert.ok(!inBase.data.some((x) => x.relais_id === draftId), 'the draft outside the base stays out');
        assert.match((await anon.get(`/ressources?base=${baseId}&q=hameconnage`)).text, /Dans la base « Atelier numérique de Laval »/);
        // Pages by cursor.
        const first = (await anon.get('/api/v1/ressources?limite=1&tri=recentes')).json();
        assert.equal(first.data.length, 1);
        const next = (await anon.get(`/api/v1/ressources?limite=1&tri=recentes&apres=${first.suivant}`)).json();
        assert.notEqual(next.data[0].relais_id, first.data[0].relais_id);
    });

    ctx.test('import API: base administrators, rejects with index and reason, idempotent on id', async () => {
        const items = [
            { id: 'ext-1', title: 'Créer une adresse e-mail', content: '## Étapes\n\nChoisir un fournisseur.', themes: ['maitrise_des_outils_numeriques'], licence: 'etalab-2.0' },
            { id: 'ext-2', description: 'sans titre' },
            { id: 'ext-3', title: 'Thème inconnu', themes: ['cuisine'] },
        ];
        const url = `/api/v1/ressources/import?base=${baseId}`;
        const notAdmin = await adm.request('POST', url, { json: items, headers: { 'x-csrf-token': await adm.csrfToken('/compte') } });
        assert.equal(notAdmin.status, 403);
        const tok = await med.csrfToken('/compte');
        const r1 = await med.request('POST', url, { json: items, headers: { 'x-csrf-token': tok } });
        assert.equal(r1.status, 200, r1.text);
        const rep = r1.json();
        assert.equal(rep.crees, 1);
        assert.deepEqual(rep.rejets.map((x) => x.index), [1, 2]);
        assert.match(rep.rejets[0].raison, /title est obligatoire/);
        assert.match(rep.rejets[1].raison, /« cuisine » n'est pas une valeur du vocabulaire de La Base/);
        const r2 = (await med.request('POST', url, { json: items, headers: { 'x-csrf-token': tok } })).json();
        assert.equal(r2.crees, 0);
        assert.equal(r2.inchangees, 1);
        const found = (await anon.get('/api/v1/ressources?q=adresse%20email')).json();
        const hit = found.data.find((x) => x.id === 'ext-1');
        assert.ok(hit, 'the search API gives the external id');
        assert.equal(hit.licence, 'etalab_2_0');
        const exp = (await anon.get('/api/v1/ressources/export')).json();
        const e = exp.find((x) => x.id === 'ext-1');
        assert.equal(e.content, '## Étapes\n\nChoisir un fournisseur.');
        assert.equal(e.base, 'Atelier numérique de Laval');
        assert.ok(!exp.some((x) => x.relais_id === privateId), 'the export holds public resources only');
        const notArray = await med.request('POST', url, { json: { title: 'x' }, headers: { 'x-csrf-token': tok } });
        assert.equal(notArray.status, 400);
    });

    ctx.test('relais import|export ressources: rejects by index, a second run changes nothing; lieux unchanged', async () => {
        const dir = h.tempDir('import');
        const file = path.join(dir, 'ressources.json');
        fs.writeFileSync(file, JSON.stringify([
            { id: 'cli-1', title: 'Guide du smartphone', tags: ['smartphone'], base: 'Base importée' },
            { title: 42 },
            'pas un objet',
            { id: 'cli-1', title: 'Doublon' },
        ]));
        const out1 = h.cliOk(['import', 'ressources', file, '--database', ctx.db.url]);
        assert.match(out1, /élément 1 rejeté : title doit être une chaîne/);
        assert.match(out1, /élément 2 rejeté : l'élément n'est pas un objet JSON/);
        assert.match(out1, /élément 3 rejeté : id « cli-1 » figure déjà à l'élément 0/);
        assert.match(out1, /1 ressources créées, 0 modifiées, 0 inchangées, 3 rejetées/);
        const out2 = h.cliOk(['import', 'ressources', file, '--database', ctx.db.url]);
        assert.match(out2, /0 ressources créées, 0 modifiées, 1 inchangées/);
        // The running server's search sees the import within its check period (5 s).
        let found = [];
        for (let i = 0; i < 100 && !found.length; i++) {
            found = (await anon.get('/api/v1/ressources?q=guide%20smartphone')).json().data.filter((x) => x.id === 'cli-1');
            if (!found.length) await new Promise((r) => setTimeout(r, 100));
        }
        assert.equal(found.length, 1, 'the server found the imported resource');
        const exported = JSON.parse(h.cliOk(['export', 'ressources', '--database', ctx.db.url]));
        const e = exported.find((x) => x.id === 'cli-1');
        assert.equal(e.base, 'Base importée');
        assert.deepEqual(e.tags, ['smartphone']);
        const bad = h.cli(['import', 'ressources', path.join(dir, 'absent.json'), '--database', ctx.db.url]);
        assert.notEqual(bad.code, 0);
        // An unknown kind is named, with the kinds there are; nothing is imported.
        const other = h.cli(['import', 'autre', file, '--database', ctx.db.url]);
        assert.equal(other.code, 2);
        assert.match(other.stderr, /« autre » inconnu ; types possibles : lieux activites ressources/);
        const noExport = h.cli(['export', 'activites', '--database', ctx.db.url]);
        assert.equal(noExport.code, 2);
        assert.match(noExport.stderr, /types possibles : lieux ressources/);
    });

    ctx.test('mes ressources lists drafts; the navigation has « Ressources »', async () => {
        const mine = await adm.get('/mes-ressources');
        assert.equal(mine.status, 200);
        assert.match(mine.text, /Brouillon sur les courriels/);
        assert.match((await anon.get('/')).text, /href="\/ressources"/);
    });
});
