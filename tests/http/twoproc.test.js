'use strict';
/*
 * Two `relais serve` processes on one PostgreSQL database, as behind a load balancer: both migrate
 * the same empty database at once, a write through one is read through the other, and a session
 * opened on one is valid on the other.
 */
const assert = require('node:assert/strict');
const { describe, before, after, it } = require('node:test');
const h = require('./lib/harness');

describe('two processes, one PostgreSQL database', { skip: !h.stores().includes('postgres') && 'RELAIS_TEST_STORES excludes postgres' }, () => {
    let db;
    let fixture;
    let a;
    let b;

    before(async () => {
        db = h.freshDatabase('postgres');
        // Both servers start (and migrate) an empty database concurrently.
        [a, b] = await Promise.all([
            h.startServer({ db, name: 'twoproc-a' }),
            h.startServer({ db, name: 'twoproc-b' }),
        ]);
        fixture = {
            structure: h.createStructure(db, { name: 'Espace numérique de Laval' }),
        };
        fixture.admin = h.createUser(db, { role: 'admin' });
        fixture.owner = h.createUser(db, { role: 'admin_structure', structure: fixture.structure, departement: '53' });
    });

    after(async () => {
        const results = await Promise.allSettled([a && a.stop(), b && b.stop()]);
        const failed = results.find((r) => r.status === 'rejected');
        if (failed) throw failed.reason;
    });

    const withLogs = (fn) => async () => {
        try {
            await fn();
        } catch (e) {
            e.message += `\n--- ${a.logFile} ---\n${h.tail(a.logFile, 30)}\n--- ${b.logFile} ---\n${h.tail(b.logFile, 30)}`;
            throw e;
        }
    };

    it('the two servers listen on different ports', () => {
        assert.notEqual(a.port, b.port);
    });

    it('a structure created through A (form) is read through B (page and API)', withLogs(async () => {
        const ca = new h.Client(a.base);
        await ca.loginOk(fixture.admin);
        const name = `Créée par A ${Date.now()}`;
        const res = await ca.post('/structures', { _csrf: await ca.csrfToken(), nom: name, departement: '53' });
        assert.equal(res.status, 303, `POST /structures on A: ${res.status} ${res.text.slice(0, 300)}`);
        const id = Number((res.location.match(/^\/structures\/(\d+)/) || [])[1]);
        assert.ok(id > 0, `Location ${res.location}`);

        const cb = new h.Client(b.base);
        await cb.loginOk(fixture.admin);
        const page = await cb.get(`/structures/${id}`);
        assert.equal(page.status, 200);
        assert.ok(page.text.includes(name.replace(/'/g, '&#39;')) || page.text.includes(name), 'B shows the name');
        const api = await cb.get(`/api/v1/structures/${id}`);
        assert.equal(api.status, 200);
        assert.equal(api.json().id, id);
        assert.ok(api.text.includes(JSON.stringify(name).slice(1, -1)) || api.text.includes(name), 'B returns the name');
    }));

    it('a structure created through B (API) is read through A; a token made on A works on B', withLogs(async () => {
        // POST /api/v1/structures is for coordinateurs and admins (sessions, not structure tokens):
        // the write goes through B's API with a session cookie and its CSRF token.
        const cb = new h.Client(b.base);
        await cb.loginOk(fixture.admin);
        const me = await cb.get('/api/v1/moi');
        assert.equal(me.status, 200);
        const name = `Créée par B ${Date.now()}`;
        const res = await cb.request('POST', '/api/v1/structures', {
            json: { nom: name, departement: '53' },
            headers: { 'x-csrf-token': await cb.csrfToken() },
        });
        assert.ok([200, 201].includes(res.status), `POST /api/v1/structures on B: ${res.status} ${res.text}`);
        const id = res.json().id;
        assert.ok(id > 0);
        const read = await new h.Client(a.base).get(`/api/v1/structures/${id}`);
        assert.equal(read.status, 200);
        assert.equal(read.json().nom, name);

        // An API token created on A's tokens page authenticates on B.
        const ca = new h.Client(a.base);
        await ca.loginOk(fixture.admin);
        const page = await ca.get(`/structures/${fixture.structure}/jetons`);
        assert.equal(page.status, 200);
        const created = await ca.post(`/structures/${fixture.structure}/jetons`,
            { _csrf: h.csrf(page.text), nom: 'Jeton deux processus', portee: 'lecture' });
        assert.ok([200, 201, 303].includes(created.status), `token: ${created.status}`);
        const shown = created.status === 303 ? await ca.follow(created.location) : created;
        const candidates = [...shown.text.replace(/<[^>]*>/g, ' ').matchAll(/[A-Za-z0-9_\-]{24,}/g)].map((m) => m[0]);
        let token = null;
        for (const c of candidates) {
            if ((await new h.Client(b.base).get('/api/v1/moi', { headers: { authorization: `Bearer ${c}` } })).status === 200) {
                token = c;
                break;
            }
        }
        assert.ok(token, 'a token created on A authenticates on B');
    }));

    it('a session opened on A is valid on B, and a logout on B ends it on A', withLogs(async () => {
        const ca = new h.Client(a.base);
        await ca.loginOk(fixture.owner);
        const cb = new h.Client(b.base);
        cb.setCookie('relais_session', ca.cookies.get('relais_session').value);
        assert.equal((await cb.get('/tableau-de-bord')).status, 200);
        const out = await cb.post('/deconnexion', { _csrf: await cb.csrfToken('/tableau-de-bord') });
        assert.equal(out.status, 303);
        const after = await ca.get('/tableau-de-bord');
        assert.equal(after.status, 303, 'A still accepts a session closed on B');
    }));
});
