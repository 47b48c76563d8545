'use strict';
/*
 * The demo of `make run`, on both stores: `relais demo` fills a new database, and what a new user
 * reads first is there: the médiatrice's CRAs, the followed person's journey with her visits and a
 * referral, the referrals, the resources and the département's dashboard, all marked « démo ».
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const PASSWORD = 'relais-demo-2026';

for (const store of h.stores()) {
    test(`relais demo [${store}]`, async () => {
        const db = h.freshDatabase(store);
        const out = h.cliOk(['demo', '--database', db.url]);
        assert.match(out, /démonstration créée : 17 structures, 4 comptes/);
        assert.match(out, /188 lieux importés/);
        assert.match(out, /démonstration des activités : \d+ CRA inventés/);
        assert.match(out, /ressources de démonstration : 4 créées/);
        const srv = await h.startServer({ db, name: `demo-${store}` });
        try {
            const med = new h.Client(srv.base);
            await med.loginOk({ email: 'mediatrice@demo.relais.invalid', password: PASSWORD });
            const list = await med.get('/activites');
            assert.equal(list.status, 200);
            assert.match(list.text, /démo/);
            const people = h.decodeEntities((await med.get('/beneficiaires')).text);
            const m = people.match(/href="\/beneficiaires\/(\d+)"[^>]*>[^<]*Josiane/);
            assert.ok(m, 'the followed person is listed');
            const journey = h.decodeEntities((await med.get(`/beneficiaires/${m[1]}/parcours`)).text);
            assert.match(journey, /Autonome/);
            assert.match(journey, /<a href="\/orientations\/\d+">Orientation n° \d+<\/a>/, 'her referral is in her journey');
            assert.equal((await med.get('/orientations')).status, 200);
            const rs = (await med.get('/api/v1/ressources')).json();
            assert.ok(rs.total >= 4, `${rs.total} resources`);
            const coord = new h.Client(srv.base);
            await coord.loginOk({ email: 'coordination53@demo.relais.invalid', password: PASSWORD });
            const stats = h.decodeEntities((await coord.get('/departements/53/statistiques')).text);
            assert.match(stats, /Accompagnements/);
        } finally {
            await srv.stop();
        }
    });
}
