'use strict';
/* The JSON API: health, the OpenAPI document against the route table, pagination, bearer tokens. */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { assertJsonError } = require('./lib/checks');

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/* Finds the API token shown once on the page after creating it: the candidate that authenticates. */
async function findShownToken(server, html, exclude) {
    const candidates = new Set();
    for (const m of html.matchAll(/<code[^>]*>\s*([^<\s]{20,})\s*<\/code>/g)) candidates.add(h.decodeEntities(m[1]));
    for (const m of html.matchAll(/value="([^"]{20,})"/g)) candidates.add(h.decodeEntities(m[1]));
    // Any long token-like word of the text (e.g. "… ne sera plus affiché : rls_…").
    const textOnly = html.replace(/<[^>]*>/g, ' ');
    for (const m of textOnly.matchAll(/(?:^|[\s:«"'])([A-Za-z0-9_\-.~+/=]{24,})(?=$|[\s»"'<.,;])/g)) candidates.add(m[1]);
    for (const e of exclude) candidates.delete(e);
    const tried = [];
    for (const cand of [...candidates].filter((x) => !x.startsWith('/static/')).slice(0, 20)) {
        tried.push(cand.slice(0, 12));
        const res = await new h.Client(server.base).get('/api/v1/moi', { headers: { authorization: `Bearer ${cand}` } });
        if (res.status === 200) return cand;
    }
    throw new Error(`no token shown on the page authenticates on /api/v1/moi (tried ${tried.join(', ') || 'nothing'})`);
}

h.forEachStore('api', (ctx) => {
    ctx.test('GET /api/v1/sante: {"status":"ok"}', async () => {
        const res = await ctx.client().get('/api/v1/sante');
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /^application\/json/);
        assert.equal(res.json().status, 'ok');
    });

    ctx.test('OpenAPI: every /api/ route is documented and every documented operation exists', async () => {
        const res = await ctx.client().get('/api/v1/openapi.json');
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type'), /^application\/(vnd\.oai\.openapi\+)?json/);
        const doc = res.json();
        assert.match(String(doc.openapi), /^3\./, 'openapi version');
        assert.ok(doc.info && doc.info.title, 'info.title');
        assert.ok(doc.paths && typeof doc.paths === 'object', 'paths');
        // Paths may be relative to a server URL that is a path (e.g. "/api/v1").
        let prefix = '';
        const srvUrl = doc.servers && doc.servers[0] && doc.servers[0].url;
        if (srvUrl && srvUrl.startsWith('/')) prefix = srvUrl.replace(/\/$/, '');
        else if (srvUrl) prefix = new URL(srvUrl).pathname.replace(/\/$/, '');
        const documented = new Set();
        for (const [p, item] of Object.entries(doc.paths)) {
            for (const m of METHODS) {
                if (!item[m]) continue;
                documented.add(`${m.toUpperCase()} ${h.shape(prefix + p)}`);
                assert.ok(item[m].responses && Object.keys(item[m].responses).length, `${m} ${p}: no responses`);
                assert.ok(item[m].summary || item[m].description, `${m} ${p}: no summary`);
            }
        }
        const routed = new Set(h.routes().filter((r) => r.pattern.startsWith('/api/') && r.method !== 'HEAD')
            .map((r) => `${r.method} ${h.shape(r.pattern)}`));
        assert.ok(routed.size > 0, '`relais routes` lists no /api/ route');
        const undocumented = [...routed].filter((x) => !documented.has(x));
        const phantom = [...documented].filter((x) => !routed.has(x));
        assert.deepEqual(undocumented, [], 'routes missing from openapi.json');
        assert.deepEqual(phantom, [], 'openapi.json operations that are not routes');
    });

    ctx.test('anonymous /api/v1/moi: 401 JSON with WWW-Authenticate', async () => {
        const res = await ctx.client().get('/api/v1/moi');
        assertJsonError(res, 401, 'GET /api/v1/moi anonymous');
        assert.match(res.headers.get('www-authenticate') || '', /^Bearer/i, 'WWW-Authenticate: Bearer');
        const bad = await ctx.client().get('/api/v1/moi', { headers: { authorization: 'Bearer pas-un-vrai-jeton-0123456789' } });
        assertJsonError(bad, 401, 'GET /api/v1/moi with a made-up token');
    });

    ctx.test('cursor pagination of /api/v1/structures walks every row exactly once', async () => {
        for (let i = 1; i <= 9; i++) h.createStructure(ctx.db, { name: `Pagination ${i}`, departement: i % 2 ? '53' : '16' });
        const admin = await ctx.asRole('admin');
        const all = await admin.get(`/api/v1/structures?limite=200`);
        assert.equal(all.status, 200, all.text);
        const everything = all.json();
        assert.ok(Array.isArray(everything.data), 'data is an array');
        assert.equal(everything.suivant, null, 'one page of 200 holds everything: suivant is null');
        const expected = everything.data.map((s) => s.id);
        assert.ok(expected.length >= 11, `expected at least 11 structures, got ${expected.length}`);
        assert.equal(new Set(expected).size, expected.length, 'duplicate ids in one page');

        const seen = [];
        let cursor = null;
        let pages = 0;
        do {
            const q = cursor === null ? '?limite=4' : `?limite=4&apres=${encodeURIComponent(cursor)}`;
            const res = await admin.get(`/api/v1/structures${q}`);
            assert.equal(res.status, 200, `${q}: ${res.text}`);
            const page = res.json();
            assert.ok(page.data.length <= 4, `page of ${page.data.length} > limite`);
            assert.ok('suivant' in page, 'suivant is always present');
            seen.push(...page.data.map((s) => s.id));
            cursor = page.suivant;
            if (cursor !== null) assert.equal(page.data.length, 4, 'a page before the last is full');
            pages++;
            assert.ok(pages <= 20, 'pagination does not end');
        } while (cursor !== null);
        assert.deepEqual(seen, expected, 'the pages, in order, are the whole list in order');
        assert.equal(pages, Math.ceil(expected.length / 4));
    });

    ctx.test('pagination parameters are checked: 400 naming limite / apres', async () => {
        const admin = await ctx.asRole('admin');
        for (const q of ['limite=0', 'limite=-3', 'limite=abc', 'limite=2x']) {
            const res = await admin.get(`/api/v1/structures?${q}`);
            const e = assertJsonError(res, 400, q);
            assert.equal(e.field, 'limite', q);
        }
        // Over the maximum page size: refused, or capped at LIMIT_PAGE_SIZE (200).
        const big = await admin.get('/api/v1/structures?limite=100000');
        if (big.status === 400) assert.equal(assertJsonError(big, 400, 'limite=100000').field, 'limite');
        else assert.ok(big.status === 200 && big.json().data.length <= 200, `limite=100000: ${big.status}`);
        for (const q of ['apres=nimportequoi', 'apres=%00%01']) {
            const res = await admin.get(`/api/v1/structures?limite=2&${q}`);
            const e = assertJsonError(res, 400, q);
            assert.equal(e.field, 'apres', q);
        }
    });

    ctx.test('API token: created on the page, used, revoked, then 401', async () => {
        const sid = ctx.fixture.structure;
        const owner = await ctx.asRole('admin_structure');
        const page = await owner.get(`/structures/${sid}/jetons`);
        assert.equal(page.status, 200, page.text.slice(0, 300));
        const form = h.forms(page.text).find((f) => f.action === `/structures/${sid}/jetons` && f.method === 'post');
        assert.ok(form, 'a form that posts to the tokens page');
        const fields = { ...form.fields };
        for (const [k, v] of Object.entries(fields)) if (k !== '_csrf' && v === '') fields[k] = 'Jeton de test';
        if (!('nom' in fields)) fields.nom = 'Jeton de test';
        const created = await owner.post(`/structures/${sid}/jetons`, fields);
        assert.ok([200, 201, 303].includes(created.status), `create: ${created.status} ${created.text.slice(0, 300)}`);
        const shown = created.status === 303 ? await owner.follow(created.location) : created;
        const exclude = h.forms(shown.text).map((f) => f.fields._csrf).filter(Boolean);
        const token = await findShownToken(ctx.server, shown.text, exclude);
        const bearer = { authorization: `Bearer ${token}` };

        const anon = ctx.client();
        const me = await anon.get('/api/v1/moi', { headers: bearer });
        assert.equal(me.status, 200);
        assert.ok(!anon.cookies.has('relais_session'), 'a bearer request must not open a session');
        const one = await anon.get(`/api/v1/structures/${sid}`, { headers: bearer });
        assert.equal(one.status, 200, one.text);
        assert.equal(one.json().id, sid);

        // The token is shown once: the list page no longer contains it.
        const again = await owner.get(`/structures/${sid}/jetons`);
        assert.ok(!again.text.includes(token), 'the token is displayed again on the list page');
        const revoke = h.forms(again.text).find((f) => new RegExp(`^/structures/${sid}/jetons/\\d+/revoquer$`).test(f.action));
        assert.ok(revoke, 'a revoke form on the tokens page');
        const r = await owner.post(revoke.action, revoke.fields);
        assert.equal(r.status, 303, `revoke: ${r.status}`);
        assertJsonError(await anon.get('/api/v1/moi', { headers: bearer }), 401, 'a revoked token');
        assertJsonError(await anon.get('/api/v1/moi', { headers: { authorization: `Bearer ${token}x` } }), 401, 'an altered token');
    });
});
