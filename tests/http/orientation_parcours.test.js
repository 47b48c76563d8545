'use strict';
/*
 * The person's journey over HTTP, on both stores: a referral linked to a consented named record
 * through the « Personne suivie » select (only a record the sender may see), the one timeline of
 * /beneficiaires/{id}/parcours (accompaniments and referrals for the person's médiateurs, the
 * referral alone for the receiving structure, nothing for a third structure), and erasure that
 * unlinks the referral. The API takes the same link (beneficiaire) under the same rule.
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const L = require('./lib/lieux');

function count(db, sql) {
    return Number(L.query(db, sql).split('\n').map((l) => l.trim()).find((l) => /^\d+$/.test(l)));
}

function multipart(fields) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) {
        for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
    }
    return fd;
}

const REFERRAL = {
    personne: 'É. L.',
    contact: '06 12 34 56 78',
    preferences: ['telephone'],
    besoins: ['Aide aux démarches administratives'],
    motif: 'Une démarche de retraite en ligne.',
    engagement: '1',
};

h.forEachStore('orientation parcours', (ctx) => {
    let med, receiver, stranger, person, otherPerson, sent, third;

    ctx.test('setup: a named record in each structure, a third structure', async () => {
        const f = ctx.fixture;
        med = ctx.client();
        await med.loginOk(f.users.mediateur);
        receiver = ctx.client();
        await receiver.loginOk(f.spare);
        third = h.createStructure(ctx.db, { name: 'CCAS de Changé' });
        stranger = ctx.client();
        await stranger.loginOk(h.createUser(ctx.db, { role: 'mediateur', structure: third, departement: '53' }));
        const create = async (c, fields) => {
            const res = await c.post('/beneficiaires', { _csrf: await c.csrfToken(), consentement: '1', ...fields });
            const m = /^\/beneficiaires\/(\d+)\?ok=/.exec(res.location || '');
            assert.ok(m, `${res.status} ${res.text.slice(0, 300)}`);
            return Number(m[1]);
        };
        person = await create(med, { prenom: 'Éloïse', nom: 'Le Gall' });
        otherPerson = await create(receiver, { prenom: 'Marc', nom: 'Autre' });
        const cra = await med.request('POST', '/api/v1/activites', {
            headers: { 'x-csrf-token': await med.csrfToken() },
            json: { type: 'individuel', date: '2026-01-06', duree: '45', type_lieu: 'domicile', commune: '53000',
                thematiques: ['email'], autonomie: 'entierement_accompagne', beneficiaire_id: String(person) },
        });
        assert.ok(cra.status === 201 || cra.status === 200, `CRA: ${cra.status} ${cra.text.slice(0, 300)}`);
    });

    ctx.test('the form offers the sender\'s named records only, and refuses another\'s', async () => {
        const page = await med.get(`/orientations/nouvelle?structure=${ctx.fixture.other}`);
        assert.equal(page.status, 200);
        assert.match(page.text, /Personne suivie \(facultatif\)/);
        assert.match(page.text, new RegExp(`<option value="${person}"[^>]*>Éloïse Le Gall`));
        assert.doesNotMatch(page.text, /Marc Autre/);
        const token = h.csrf(page.text, '/orientations');
        const before = count(ctx.db, 'SELECT count(*) FROM orientations;');
        const bad = await med.request('POST', '/orientations', {
            body: multipart({ _csrf: token, structure: String(ctx.fixture.other), beneficiaire: String(otherPerson), ...REFERRAL }),
        });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Personne suivie : choisissez une personne de la liste/);
        assert.match(bad.text, /Une démarche de retraite en ligne/, 'the form keeps what was typed');
        const junk = await med.request('POST', '/orientations', {
            body: multipart({ _csrf: token, structure: String(ctx.fixture.other), beneficiaire: 'abc', ...REFERRAL }),
        });
        assert.equal(junk.status, 400);
        assert.equal(count(ctx.db, 'SELECT count(*) FROM orientations;'), before);

        const res = await med.request('POST', '/orientations', {
            body: multipart({ _csrf: token, structure: String(ctx.fixture.other), beneficiaire: String(person), ...REFERRAL }),
        });
        assert.equal(res.status, 303, res.text.slice(0, 600));
        sent = Number(res.location.match(/\/orientations\/(\d+)\?ok=envoyee/)[1]);
        assert.equal(count(ctx.db, `SELECT count(*) FROM orientations WHERE id = ${sent} AND beneficiaire_id = ${person};`), 1);
    });

    ctx.test('one timeline: the médiateur sees both, the receiver the referral only, a third structure nothing', async () => {
        const mine = await med.get(`/beneficiaires/${person}/parcours`);
        assert.equal(mine.status, 200);
        const steps = [...mine.text.matchAll(/<h3>(.*?)<\/h3>/g)].map((m) => h.decodeEntities(m[1].replace(/<[^>]+>/g, '')));
        assert.equal(steps.length, 2, steps.join(' | '));
        assert.equal(steps[0], '6 janvier 2026 : Accompagnement individuel');
        assert.match(steps[1], new RegExp(`: Orientation n° ${sent}$`));
        assert.match(mine.text, new RegExp(`href="/orientations/${sent}"`));
        assert.match(mine.text, /De Espace numérique de Laval vers Médiathèque de Mayenne/);
        assert.match(mine.text, /Besoin : Aide aux démarches administratives\. Statut : <strong>/);

        const theirs = await receiver.get(`/beneficiaires/${person}/parcours`);
        assert.equal(theirs.status, 200);
        assert.match(theirs.text, /Parcours de la personne orientée/);
        assert.match(theirs.text, new RegExp(`Orientation n° ${sent}`));
        assert.doesNotMatch(theirs.text, /Le Gall|Accompagnement individuel|Niveau d/, 'no name, no accompaniment');
        assert.equal((await receiver.get(`/beneficiaires/${person}`)).status, 403, 'the record itself stays closed');

        for (const c of [med, receiver]) {
            const view = await c.get(`/orientations/${sent}`);
            assert.equal(view.status, 200);
            assert.ok(view.text.includes(`href="/beneficiaires/${person}/parcours"`), 'the referral leads to the journey');
        }

        const none = await stranger.get(`/beneficiaires/${person}/parcours`);
        assert.equal(none.status, 403);
        assert.doesNotMatch(none.text, /Le Gall|Orientation n°/);
    });

    ctx.test('the API links a referral to a record the sender follows, and refuses another', async () => {
        const token = await med.csrfToken();
        const body = { structure: ctx.fixture.other, ...REFERRAL, engagement: true };
        const before = count(ctx.db, 'SELECT count(*) FROM orientations;');
        const bad = await med.request('POST', '/api/v1/orientations', { json: { ...body, beneficiaire: otherPerson }, headers: { 'x-csrf-token': token } });
        assert.equal(bad.status, 400);
        assert.match(bad.text, /Personne suivie/);
        assert.equal(count(ctx.db, 'SELECT count(*) FROM orientations;'), before);
        const res = await med.request('POST', '/api/v1/orientations', { json: { ...body, beneficiaire: person }, headers: { 'x-csrf-token': token } });
        assert.equal(res.status, 201, res.text.slice(0, 300));
        assert.equal(JSON.parse(res.text).beneficiaire, person);
        const plain = await med.request('POST', '/api/v1/orientations', { json: body, headers: { 'x-csrf-token': token } });
        assert.equal(plain.status, 201);
        assert.equal(JSON.parse(plain.text).beneficiaire, null);
    });

    ctx.test('erasing the person unlinks the referral, which stays in the inboxes', async () => {
        const res = await med.post(`/beneficiaires/${person}/effacer`, { _csrf: await med.csrfToken(`/beneficiaires/${person}/effacer`) });
        assert.equal(res.status, 303);
        assert.equal(count(ctx.db, `SELECT count(*) FROM orientations WHERE beneficiaire_id = ${person};`), 0);
        assert.equal(count(ctx.db, `SELECT count(*) FROM orientations WHERE id = ${sent};`), 1);
        assert.equal((await receiver.get(`/beneficiaires/${person}/parcours`)).status, 403);
        assert.equal((await receiver.get(`/orientations/${sent}`)).status, 200);
    });
});
