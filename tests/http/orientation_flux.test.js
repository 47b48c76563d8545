'use strict';
/*
 * The flows between kinds of structures on the territory's statistics, on both stores: the table of
 * /departements/{code}/statistiques (sender's kind → destination's kind, with accepted, refused and
 * expired), the same in its CSV export, and nothing of it on a structure's own dashboard.
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const L = require('./lib/lieux');

function multipart(fields) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(fields)) {
        for (const x of Array.isArray(v) ? v : [v]) fd.append(k, x);
    }
    return fd;
}

h.forEachStore('orientation flux', (ctx) => {
    ctx.test('setup: a CCAS lieu for the destination, two referrals, one accepted', async () => {
        const [lieu] = L.insertLieux(ctx.db, [{ ...L.FIXTURE[0], typologie: 'CCAS|MUNI' }], { structure: ctx.fixture.other });
        assert.ok(lieu);
        const med = await ctx.asRole('mediateur');
        const ids = [];
        for (let i = 0; i < 2; i++) {
            const page = await med.get(`/orientations/nouvelle?structure=${ctx.fixture.other}`);
            const res = await med.request('POST', '/orientations', {
                body: multipart({
                    _csrf: h.csrf(page.text, '/orientations'), structure: String(ctx.fixture.other), personne: 'A. B.',
                    contact: '06 12 34 56 78', preferences: ['telephone'], besoins: ['Aide aux démarches administratives'],
                    motif: 'Une démarche en ligne.', engagement: '1',
                }),
            });
            assert.equal(res.status, 303, res.text.slice(0, 400));
            ids.push(Number(res.location.match(/\/orientations\/(\d+)/)[1]));
        }
        const receiver = ctx.client();
        await receiver.loginOk(ctx.fixture.spare);
        const token = await receiver.csrfToken(`/orientations/${ids[0]}`);
        const ok = await receiver.post(`/orientations/${ids[0]}/reponse`, { _csrf: token, decision: 'acceptee' });
        assert.equal(ok.status, 303, ok.text.slice(0, 400));
    });

    ctx.test('the département page shows who sends to whom', async () => {
        const coord = await ctx.asRole('coordinateur');
        const res = await coord.get('/departements/53/statistiques');
        assert.equal(res.status, 200);
        assert.match(res.text, /<h2[^>]*>Orientations entre types de structures<\/h2>/);
        const row = [...res.text.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)]
            .map((m) => [...m[1].matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/g)].map((c) => h.decodeEntities(c[1].replace(/<[^>]+>/g, '').trim())))
            .find((cells) => cells[1] === 'Centre communal d\'action sociale (CCAS)');
        assert.ok(row, 'a row towards the CCAS');
        assert.deepEqual(row, ['Non précisée', 'Centre communal d\'action sociale (CCAS)', '2', '1 (50 %)', '0', '0']);

        const csv = await coord.get('/departements/53/statistiques?format=csv');
        assert.equal(csv.status, 200);
        assert.match(csv.text, /Orientations\r?\n/);
        assert.match(csv.text, /Non précisée[;,]"?Centre communal d'action sociale \(CCAS\)"?[;,]2[;,]1[;,]0[;,]0/);

        const other = await coord.get('/departements/72/statistiques');
        assert.doesNotMatch(other.text, /Centre communal d&#39;action sociale \(CCAS\)|Centre communal d'action sociale \(CCAS\)/);
    });

    ctx.test('a structure\'s own dashboard has no territory flows', async () => {
        const adm = await ctx.asRole('admin_structure');
        const res = await adm.get(`/structures/${ctx.fixture.structure}/statistiques`);
        assert.equal(res.status, 200);
        assert.doesNotMatch(res.text, /Orientations entre types de structures/);
    });
});
