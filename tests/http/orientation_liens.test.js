'use strict';
/*
 * The ways into a referral, on both stores: « Orienter vers cette structure » on a structure's page
 * for members of other structures only, and the login redirect that keeps the query string of
 * /orientations/nouvelle?lieu=… (URL-encoded in retour, and still only a local path).
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');

h.forEachStore('orientation liens', (ctx) => {
    ctx.test('« Orienter vers cette structure » for members of another structure only', async () => {
        const other = ctx.fixture.other;
        const link = `href="/orientations/nouvelle?structure=${other}"`;
        const med = await ctx.asRole('mediateur');
        const page = await med.get(`/structures/${other}`);
        assert.equal(page.status, 200);
        assert.ok(page.text.includes(link), 'the link on another structure');
        assert.match(page.text, />\s*Orienter vers cette structure\s*</);
        const own = await med.get(`/structures/${ctx.fixture.structure}`);
        assert.doesNotMatch(own.text, /Orienter vers cette structure/, 'not towards one\'s own structure');
        for (const role of ['anonymous', 'coordinateur']) {
            const c = await ctx.asRole(role);
            const res = await c.get(`/structures/${other}`);
            assert.equal(res.status, 200);
            assert.doesNotMatch(res.text, /Orienter vers cette structure/, role);
        }
        const form = await med.get(`/orientations/nouvelle?structure=${other}`);
        assert.equal(form.status, 200, 'the link leads to the form');
        assert.match(form.text, /Vers : Médiathèque de Mayenne/);
    });

    ctx.test('signing in comes back with the query string', async () => {
        const c = ctx.client();
        const target = `/orientations/nouvelle?structure=${ctx.fixture.other}&note=a b&x=%26`;
        const res = await c.get(target.replace(' ', '%20').replace('%26', '%2526'));
        assert.equal(res.status, 303);
        const loc = new URL(res.location, 'http://relais.test');
        assert.equal(loc.pathname, '/connexion');
        const retour = loc.searchParams.get('retour');
        assert.equal(retour, `/orientations/nouvelle?structure=${ctx.fixture.other}&note=a%20b&x=%2526`);
        const login = await c.loginOk(ctx.fixture.users.mediateur, { retour });
        assert.equal(login.location, retour);
        const back = await c.get(login.location);
        assert.equal(back.status, 200);
        assert.match(back.text, /Vers : Médiathèque de Mayenne/, 'the query string chose the destination');
    });

    ctx.test('retour stays a local path', async () => {
        const c = ctx.client();
        const res = await c.get('/orientations/nouvelle?suite=https://mechant.example/&a=//mechant.example');
        const retour = new URL(res.location, 'http://relais.test').searchParams.get('retour');
        assert.ok(retour.startsWith('/orientations/nouvelle?'), retour);
        assert.doesNotMatch(retour, /:\/\//, 'the query is re-encoded');
        for (const evil of ['https://mechant.example/', '//mechant.example/x', '/\\mechant.example']) {
            const d = ctx.client();
            const login = await d.loginOk(ctx.fixture.users.mediateur, { retour: evil });
            assert.ok(login.location.startsWith('/') && !login.location.startsWith('//') && !login.location.startsWith('/\\'),
                `${evil} → ${login.location}`);
        }
    });
});
