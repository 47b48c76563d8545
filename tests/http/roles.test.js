'use strict';
/*
 * Every route × every role: the table of role-matrix.js against the server. POSTs carry a valid CSRF
 * token, so that what is tested is the role and not the token.
 */
const assert = require('node:assert/strict');
const h = require('./lib/harness');
const { rows, ROLES, accessAllows } = require('./role-matrix');

const key = (method, pattern) => `${method} ${h.shape(pattern)}`;

function describeRow(row) {
    return `${row.method} ${row.pattern}${row.note ? ` (${row.note})` : ''}`;
}

/* Why res does not match the expectation, or null when it does. */
function mismatch(res, row, role, p, expect) {
    const api = p.startsWith('/api/');
    const loc = res.location ? new URL(res.location, 'http://x') : null;
    const toLogin = res.status === 303 && loc && loc.pathname === '/connexion' && loc.searchParams.has('retour');
    const got = `${res.status}${res.location ? ` → ${res.location}` : ''}`;
    if (expect === 'deny') {
        if (role === 'anonymous' && api) return res.status === 401 ? null : `expected 401, got ${got}`;
        if (role === 'anonymous') {
            if (!toLogin) return `expected 303 to /connexion?retour=…, got ${got}`;
            if (row.method === 'GET' && loc.searchParams.get('retour') !== p) return `retour=${loc.searchParams.get('retour')}, expected ${p}`;
            return null;
        }
        return res.status === 403 ? null : `expected 403, got ${got}`;
    }
    if (toLogin) return `expected access, got a redirect to log in (${got})`;
    if (res.status === 401 || res.status === 403) return `expected access, got ${got}`;
    if (res.status >= 400 && !(row.accept || []).includes(res.status)) {
        return `expected access (< 400${row.accept ? ` or ${row.accept.join('/')}` : ''}), got ${got}: ${res.text.replace(/\s+/g, ' ').slice(0, 160)}`;
    }
    return null;
}

h.forEachStore('roles', (ctx) => {
    const sessions = {}; // role -> { client, token }
    let f;

    async function session(role) {
        const client = ctx.client();
        if (role === 'anonymous') {
            const page = await client.get('/connexion');
            return { client, token: h.csrf(page.text, '/connexion') };
        }
        await client.loginOk(ctx.fixture.users[role]);
        return { client, token: await client.csrfToken() };
    }

    ctx.test('setup: one session per role', async () => {
        f = { ...ctx.fixture };
        for (const role of ROLES) sessions[role] = await session(role);
        for (const role of ROLES) assert.ok(sessions[role].token, `${role}: no CSRF token`);
    });

    ctx.test('the table and `relais routes` list the same routes', () => {
        const served = new Set(h.routes().filter((r) => r.method !== 'HEAD').map((r) => key(r.method, r.pattern)));
        const tabled = new Set(rows.map((r) => key(r.method, r.pattern)));
        const missing = [...served].filter((k) => !tabled.has(k));
        const extra = [...tabled].filter((k) => !served.has(k));
        assert.deepEqual(missing, [], 'routes that role-matrix.js does not cover');
        assert.deepEqual(extra, [], 'role-matrix.js rows that are not routes');
    });

    ctx.test("the ACCESS column of `relais routes` agrees with the table", () => {
        const access = new Map(h.routes().map((r) => [key(r.method, r.pattern), r.access]));
        const problems = [];
        for (const row of rows.filter((r) => !r.note)) {
            const a = access.get(key(row.method, row.pattern));
            if (a === undefined) continue; // reported by the previous test
            const implied = accessAllows(a);
            if (!implied) {
                problems.push(`${describeRow(row)}: unknown ACCESS ${a}`);
                continue;
            }
            const diff = ROLES.filter((r) => implied[r] !== row.expect[r]);
            if (diff.length) problems.push(`${describeRow(row)}: ACCESS ${a}, table differs for ${diff.join(', ')}`);
        }
        assert.deepEqual(problems, []);
    });

    for (const row of rows) {
        ctx.test(describeRow(row), async () => {
            assert.ok(f, 'setup failed');
            const p = row.path(f);
            const problems = [];
            for (const role of ROLES) {
                const expect = row.expect[role];
                const s = row.fresh ? await session(role) : sessions[role];
                const opts = { headers: {} };
                if (row.method !== 'GET') {
                    const body = row.body ? row.body(f, role) : {};
                    if (row.json) {
                        opts.json = body;
                        if (role !== 'anonymous') opts.headers['x-csrf-token'] = s.token;
                    } else {
                        opts.form = { _csrf: s.token, ...body };
                    }
                }
                const res = await s.client.request(row.method, p, opts);
                const why = mismatch(res, row, role, p, expect);
                if (why) problems.push(`${role} (${expect}): ${why}`);
            }
            assert.deepEqual(problems, [], `${row.method} ${p}`);
        });
    }

    ctx.test('refused writes created nothing, allowed ones did', async () => {
        const admin = sessions.admin.client;
        const res = await admin.get('/api/v1/structures?limite=200');
        assert.equal(res.status, 200);
        const text = JSON.stringify(res.json());
        const problems = [];
        for (const row of rows.filter((r) => r.method === 'POST' && /^\/(api\/v1\/)?structures$/.test(r.pattern))) {
            for (const role of ROLES) {
                const name = row.body(f, role).nom;
                const present = text.includes(JSON.stringify(name).slice(1, -1));
                if (row.expect[role] === 'deny' && present) problems.push(`${row.pattern} as ${role}: refused but created`);
                if (row.expect[role] === 'allow' && !present) problems.push(`${row.pattern} as ${role}: allowed but not created`);
            }
        }
        assert.deepEqual(problems, []);
    });
});
