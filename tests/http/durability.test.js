'use strict';
/*
 * An acknowledged write survives kill -9. Two writers create structures through the form as fast as
 * the server answers; once N writes are acknowledged (303), the server is killed with SIGKILL while
 * requests are still in flight, restarted on the same database, and every acknowledged structure must
 * be there. Writes in flight at the kill may or may not be.
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');

const N = Number(process.env.RELAIS_DURABILITY_WRITES || 200);

h.forEachStore('durability', (ctx) => {
    ctx.test(`${N} acknowledged writes survive kill -9`, async (t) => {
        const admin = await ctx.asRole('admin');
        const token = await admin.csrfToken();
        const acknowledged = [];
        const unacknowledged = [];
        let stop = false;
        let killed = false;
        let reachedN;
        const reached = new Promise((resolve) => {
            reachedN = resolve;
        });

        async function writer(label) {
            // Each writer has its own connections; the session is shared (same cookie).
            const c = new h.Client(ctx.server.base);
            c.setCookie('relais_session', admin.cookies.get('relais_session').value);
            for (let i = 0; !stop; i++) {
                const name = `Durabilité ${ctx.store} ${label}-${i}`;
                let res;
                try {
                    res = await c.post('/structures', { _csrf: token, nom: name, departement: '53' });
                } catch (e) {
                    if (!killed) throw e;
                    unacknowledged.push(name);
                    return;
                }
                if (res.status !== 303) {
                    if (killed) return;
                    throw new Error(`${label}-${i}: ${res.status} ${res.text.slice(0, 300)}`);
                }
                acknowledged.push(name);
                if (acknowledged.length >= N) reachedN();
            }
        }

        const writers = [writer('a'), writer('b')];
        // If a writer fails before N acknowledgements, stop waiting.
        await Promise.race([reached, Promise.all(writers).then(() => {
            throw new Error(`the writers stopped after ${acknowledged.length} acknowledged writes`);
        })]);
        killed = true;
        await ctx.server.kill9();
        stop = true;
        await Promise.all(writers);
        const acked = [...acknowledged];
        assert.ok(acked.length >= N);
        t.diagnostic(`${acked.length} acknowledged, ${unacknowledged.length} in flight at the kill`);

        const restarted = await ctx.startServer({ db: ctx.db });
        ctx.server = restarted;
        const reader = new h.Client(restarted.base);
        await reader.loginOk(ctx.fixture.users.admin);
        const names = new Set();
        let cursor = null;
        do {
            const q = cursor === null ? '?limite=200' : `?limite=200&apres=${encodeURIComponent(cursor)}`;
            const res = await reader.get(`/api/v1/structures${q}`);
            assert.equal(res.status, 200, res.text);
            const page = res.json();
            for (const s of page.data) names.add(s.nom ?? s.name);
            cursor = page.suivant;
        } while (cursor !== null);
        const lost = acked.filter((n) => !names.has(n));
        assert.deepEqual(lost.slice(0, 20), [], `${lost.length} of ${acked.length} acknowledged writes lost after kill -9`);
        // Sanity: the listing saw the writes at all (the check above cannot pass on an empty list).
        assert.ok(names.size >= acked.length, `listing has ${names.size} names for ${acked.length} writes`);
    });
});
